from collections.abc import Iterator

from ..document import CoeDocument
from ..findings import Hit, json_pointer
from ..rule import Context, FileRule


def addresses_to_unknown_whys(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    `addresses` links an action item to the whys it remediates, by their number in the
    `## Five whys` list. A number beyond the list usually means the whys were
    renumbered or shortened after the items were written, so the mapping no longer says
    what it seems to.
    """
    if doc.body is None or not doc.body.whys:
        return
    count = len(doc.body.whys)
    for index, item in enumerate(doc.get("action_items") or []):
        for position, number in enumerate(item.get("addresses") or []):
            if not 1 <= number <= count:
                line, column = doc.position("action_items", index, "addresses", position)
                yield Hit(
                    f"{item['id']} addresses why {number}, but `## Five whys` has "
                    f"{count}: fix the number",
                    line,
                    column,
                    json_pointer(("action_items", index, "addresses", position)),
                )


RULE = FileRule(
    id="addresses-unknown",
    summary="Every number under an action item's `addresses` is a why that exists.",
    check=addresses_to_unknown_whys,
    level="warning",
    category="practice",
    bad_example="  - id: AI-2\n    addresses: [4, 6]   # `## Five whys` lists 5",
    good_example="  - id: AI-2\n    addresses: [4, 5]",
)
