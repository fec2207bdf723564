from collections.abc import Iterator

from ..document import CoeDocument
from ..findings import Hit
from ..rule import Context, FileRule
from ..timeutil import parse_datetime

_WHAT = {
    "detected": "when the owners learned of the customer impact",
    "mitigated": "when customer impact returned to pre-incident levels",
}


def timeline_not_spanning_incident(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    Detection and mitigation are the two moments every reader looks for, and the
    durations on the site are counted to them. When the timeline stops before
    mitigation, or starts after detection, the story and the front-matter disagree:
    either the timeline is missing its most important entries or a time is wrong.
    """
    if doc.body is None:
        return
    timed = [(entry.time, entry.line) for entry in doc.body.timeline if entry.time is not None]
    if not timed:
        return
    first, last = min(timed), max(timed)
    for name, what in _WHAT.items():
        value = parse_datetime(doc.get("incident", name))
        if value is None:
            continue
        if value < first[0]:
            yield Hit(
                f"incident.{name} ({doc.get('incident', name)}) is before the first timeline "
                f"entry ({first[0]:%Y-%m-%d %H:%M %Z}): add the entries up to {what}",
                first[1],
            )
        elif value > last[0]:
            yield Hit(
                f"incident.{name} ({doc.get('incident', name)}) is after the last timeline "
                f"entry ({last[0]:%Y-%m-%d %H:%M %Z}): add an entry for {what}",
                last[1],
            )


RULE = FileRule(
    id="timeline-span",
    summary="`incident.detected` and `incident.mitigated` fall within the timeline.",
    check=timeline_not_spanning_incident,
    level="warning",
    category="practice",
    bad_example="- 2026-03-02 14:05 UTC - Deploy 4812 starts.\n"
    "- 2026-03-02 14:40 UTC - Rollback started.\n\n"
    "<!-- incident.mitigated: 2026-03-02T15:10:00Z, after the last entry -->",
    good_example="- 2026-03-02 14:05 UTC - Deploy 4812 starts.\n"
    "- 2026-03-02 14:40 UTC - Rollback started.\n"
    "- 2026-03-02 15:10 UTC - Error rate back to baseline; impact ends.",
)
