from collections.abc import Iterator

from ..context import Context
from ..document import CoeDocument
from ..findings import Hit
from ..registry import file_rule
from ..relations import related_id


@file_rule(
    "related-self",
    "A COE does not list itself under `related`.",
    bad="id: COE-2026-004\nrelated:\n  - COE-2026-004",
    good="id: COE-2026-004\nrelated:\n  - COE-2025-014",
)
def check(doc: CoeDocument, context: Context) -> Iterator[Hit]:
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
                f"/related/{index}",
            )
