from collections.abc import Iterator

from ..document import CoeDocument
from ..findings import Hit, json_pointer
from ..rule import Context, FileRule


def customer_report_without_detect_item(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    When customers are the monitoring, every customer affected before the report paid
    for the gap. A COE whose incident was detected by a customer report commits to at
    least one `detect` item, so that next time an alarm fires first. Items marked
    `wont-do` do not count.
    """
    if doc.get("incident", "detection") != "customer-report":
        return
    items = doc.get("action_items") or []
    if not any(item.get("kind") == "detect" and item.get("status") != "wont-do" for item in items):
        line, column = doc.position("incident", "detection")
        yield Hit(
            "a customer reported this incident, but no action item is of kind `detect`: "
            "add one so that monitoring finds it first next time",
            line,
            column,
            json_pointer(("incident", "detection")),
        )


RULE = FileRule(
    id="customer-report-detect",
    summary="When a customer reported the incident, an action item (not `wont-do`) is of "
    "kind `detect`.",
    check=customer_report_without_detect_item,
    level="warning",
    category="practice",
    bad_example="detection: customer-report\n...\n- kind: prevent\n- kind: process",
    good_example="detection: customer-report\n...\n- kind: prevent\n"
    "- kind: detect   # page on the label failure rate per carrier",
)
