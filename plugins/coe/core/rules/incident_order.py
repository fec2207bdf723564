from collections.abc import Iterator
from datetime import datetime

from ..document import CoeDocument
from ..findings import Hit, json_pointer
from ..rule import Context, FileRule
from ..timeutil import parse_datetime

_ORDER = ("started", "detected", "mitigated", "resolved")


def incident_times_out_of_order(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    Time to detect, mitigate and resolve are all counted from `started`; times out of
    order give negative durations and usually mean a wrong date or zone.
    """
    previous: tuple[str, datetime] | None = None
    for name in _ORDER:
        value = parse_datetime(doc.get("incident", name))
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            line, column = doc.position("incident", name)
            yield Hit(
                f"incident.{name} ({doc.get('incident', name)}) is before "
                f"incident.{previous[0]} ({doc.get('incident', previous[0])})",
                line,
                column,
                json_pointer(("incident", name)),
            )
        previous = (name, value)


RULE = FileRule(
    id="incident-order",
    summary="The incident's times are in order: started <= detected <= mitigated <= resolved.",
    check=incident_times_out_of_order,
    bad_example="started: 2026-03-02T14:30:00Z\ndetected: 2026-03-02T14:05:00Z",
    good_example="started: 2026-03-02T14:05:00Z\ndetected: 2026-03-02T14:30:00Z",
)
