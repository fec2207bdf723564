from collections.abc import Iterator

from ..document import CoeDocument
from ..findings import Hit, json_pointer
from ..rule import Context, FileRule


def missing_action_item_kinds(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    Faster diagnosis and mitigation make the next incident shorter; only prevention
    stops it, and only detection makes sure the team hears of it before customers do.
    A COE whose committed items are all about runbooks, process or recovery has
    accepted that the incident will happen again. Items marked `wont-do` do not count.
    """
    items = doc.get("action_items") or []
    committed = [item for item in items if item.get("status") != "wont-do"]
    if not any(item.get("kind") in ("prevent", "detect") for item in committed):
        line, column = doc.position("action_items")
        yield Hit(
            "no action item prevents a recurrence or detects it sooner: add an item of "
            "kind `prevent` or `detect`",
            line,
            column,
            json_pointer(("action_items",)),
        )


RULE = FileRule(
    id="action-item-kinds",
    summary="At least one action item (not `wont-do`) is of kind `prevent` or `detect`.",
    check=missing_action_item_kinds,
    level="warning",
    category="practice",
    bad_example="- kind: process   # update the runbook\n- kind: mitigate  # faster rollback",
    good_example="- kind: prevent   # reject pool sizes below peak concurrency\n"
    "- kind: mitigate  # faster rollback",
)
