from collections.abc import Iterator

from ..document import CoeDocument
from ..findings import Hit
from ..rule import Context, FileRule


def unaddressed_whys(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    Each why names a cause, and each cause left standing is a way for the incident to
    come back. Once a COE maps its action items to the whys they remediate (with
    `addresses`), a why that no item addresses stands out: add an item for it, or say in
    the Five whys section why it needs none and widen an existing item's `addresses`.
    COEs that do not use `addresses` at all are not checked.
    """
    items = doc.get("action_items") or []
    if doc.body is None or not any("addresses" in item for item in items):
        return
    addressed = {number for item in items for number in item.get("addresses") or []}
    for why in doc.body.whys:
        if why.number not in addressed:
            yield Hit(
                f"why {why.number} is not addressed by any action item: add an item for "
                f"this cause, or add {why.number} to the `addresses` of one that remediates it",
                why.line,
            )


RULE = FileRule(
    id="whys-addressed",
    summary="When action items use `addresses`, every why is addressed by at least one item.",
    check=unaddressed_whys,
    level="warning",
    category="practice",
    bad_example="action_items:\n  - id: AI-1\n    addresses: [1, 2, 3]\n  - id: AI-2\n"
    "    addresses: [4]   # and nothing addresses why 5 of 5",
    good_example="action_items:\n  - id: AI-1\n    addresses: [1, 2, 3]\n  - id: AI-2\n"
    "    addresses: [4, 5]",
)
