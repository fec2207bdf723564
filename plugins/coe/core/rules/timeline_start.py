from collections.abc import Iterator

from ..document import CoeDocument
from ..findings import Hit
from ..rule import Context, FileRule
from ..timeutil import parse_datetime


def timeline_starting_late(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    The story of an incident begins with what set it off (a deploy, a config push, an
    expiring certificate), which is usually well before anyone was paged. A timeline
    that starts at the page hides the time to detect, and the lesson about detection
    with it. The first entry must be at or before `incident.started`.
    """
    started = parse_datetime(doc.get("incident", "started"))
    if doc.body is None or started is None:
        return
    first = next((entry for entry in doc.body.timeline if entry.time is not None), None)
    if first is not None and first.time is not None and first.time > started:
        yield Hit(
            f"the timeline starts at {first.time:%Y-%m-%d %H:%M %Z}, after incident.started "
            f"({doc.get('incident', 'started')}): begin with the trigger that started the "
            "incident, not with the page",
            first.line,
        )


RULE = FileRule(
    id="timeline-start",
    summary="The timeline starts at or before `incident.started`: with the trigger, not the page.",
    check=timeline_starting_late,
    level="warning",
    category="practice",
    bad_example="- 2026-03-02 14:21 UTC - The 5xx alarm pages the on-call engineer.\n\n"
    "<!-- incident.started: 2026-03-02T14:05:00Z, before the first entry -->",
    good_example="- 2026-03-02 14:05 UTC - Deploy 4812 pushes the new rate-limit config.\n"
    "- 2026-03-02 14:21 UTC - The 5xx alarm pages the on-call engineer.",
)
