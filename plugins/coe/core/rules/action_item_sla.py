from collections.abc import Iterator
from datetime import timedelta

from ..document import CoeDocument
from ..findings import Hit, json_pointer
from ..rule import Context, FileRule
from ..timeutil import parse_date


def action_items_past_sla(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    An action item with a distant due date is a wish, and the risk it removes stays in
    production meanwhile. Items are due within the SLA for the COE's severity, counted
    from its `date` (the `action_item_sla_days` option: 14 days by default, 30 for SEV4
    and SEV5). When the real fix is bigger, commit to a concrete first deliverable
    within the SLA. Items marked `wont-do` are not commitments and are not checked.
    """
    opened = parse_date(doc.get("date"))
    if opened is None:
        return
    days = context.config.sla_for(doc.get("severity"))
    limit = opened + timedelta(days=days)
    for index, item in enumerate(doc.get("action_items") or []):
        due = parse_date(item.get("due"))
        if due is None or item.get("status") == "wont-do" or due <= limit:
            continue
        line, column = doc.position("action_items", index, "due")
        yield Hit(
            f"{item['id']} is due {due}, {(due - opened).days} days after the COE's date; "
            f"the SLA for {doc.get('severity')} is {days} days ({limit}): bring the date "
            "in, or split off a first deliverable that fits",
            line,
            column,
            json_pointer(("action_items", index, "due")),
        )


RULE = FileRule(
    id="action-item-sla",
    summary="Every action item is due within the SLA counted from the COE's `date` "
    "(14 days; 30 for SEV4 and SEV5).",
    check=action_items_past_sla,
    level="warning",
    category="practice",
    bad_example="date: 2026-03-03\nseverity: SEV2\n...\n    due: 2026-06-30",
    good_example="date: 2026-03-03\nseverity: SEV2\n...\n    due: 2026-03-17",
)
