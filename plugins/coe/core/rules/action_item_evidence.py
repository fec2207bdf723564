from collections.abc import Iterator

from ..document import CoeDocument
from ..findings import Hit, json_pointer
from ..rule import Context, FileRule


def done_items_without_evidence(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    "Done" is a claim that a later reader, often chasing a recurrence, will want to
    check: what exactly changed, and when. A link to the ticket, pull request or
    change record turns the claim into evidence.
    """
    for index, item in enumerate(doc.get("action_items") or []):
        if item.get("status") == "done" and not item.get("link"):
            line, column = doc.position("action_items", index, "status")
            yield Hit(
                f"{item['id']} is done but has no `link`: add the ticket or change that "
                "shows the work",
                line,
                column,
                json_pointer(("action_items", index, "link")),
            )


RULE = FileRule(
    id="action-item-evidence",
    summary="An action item with status `done` has a `link` to the work that proves it.",
    check=done_items_without_evidence,
    level="warning",
    category="practice",
    bad_example="status: done\ndone: 2026-03-09",
    good_example="status: done\ndone: 2026-03-09\nlink: https://tracker.example.com/browse/FUL-101",
)
