from collections.abc import Iterator

from ..document import CoeDocument
from ..findings import Hit, json_pointer
from ..rule import Context, FileRule


def wrong_done_dates(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    The `done` date records when an item was completed; on-time completion is measured
    against it. A finished item without it cannot be measured, and an open item with it
    contradicts itself.
    """
    for index, item in enumerate(doc.get("action_items") or []):
        status, done = item.get("status"), item.get("done")
        if status == "done" and done is None:
            line, column = doc.position("action_items", index, "status")
            yield Hit(
                f"{item['id']} is done but has no `done` date: add `done: YYYY-MM-DD`",
                line,
                column,
                json_pointer(("action_items", index, "done")),
            )
        elif status != "done" and done is not None:
            line, column = doc.position("action_items", index, "done")
            yield Hit(
                f"{item['id']} has a `done` date but its status is {status}: "
                "set `status: done` or remove the date",
                line,
                column,
                json_pointer(("action_items", index, "done")),
            )


RULE = FileRule(
    id="done-date",
    summary="An action item has a `done` date exactly when its status is `done`.",
    check=wrong_done_dates,
    bad_example="status: open\ndone: 2026-03-10",
    good_example="status: done\ndone: 2026-03-10",
)
