from collections.abc import Iterator

from ..document import CoeDocument
from ..findings import Hit, json_pointer
from ..relations import related_id
from ..rule import Context, FileRule


def relations_to_self(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    A relation to itself says nothing and would show the COE as its own backlink;
    it is usually a copy-paste slip for the id of an earlier incident.
    """
    own = (doc.id or "").casefold()
    for index, entry in enumerate(doc.get("related") or []):
        target = related_id(entry)
        if target is not None and target.casefold() == own:
            line, column = doc.position("related", index)
            yield Hit(
                f"relates to itself ({target}): name the other COE",
                line,
                column,
                json_pointer(("related", index)),
            )


RULE = FileRule(
    id="related-self",
    summary="A COE does not list itself under `related`.",
    check=relations_to_self,
    bad_example="id: COE-2026-004\nrelated:\n  - COE-2026-004",
    good_example="id: COE-2026-004\nrelated:\n  - COE-2025-014",
)
