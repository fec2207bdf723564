from collections.abc import Iterator
from datetime import datetime, timedelta

from ..body import Body
from ..document import CoeDocument
from ..findings import Hit
from ..rule import BodyRule, Context


def _zone(time: datetime) -> str:
    offset = time.utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def entries_without_zone(doc: CoeDocument, body: Body, context: Context) -> Iterator[Hit]:
    """
    A reader should be able to subtract any two times in the timeline in their head.
    Mixing zones, or writing local time, makes every gap and duration a small
    calculation that is easy to get wrong, especially across a daylight-saving change or
    when teams in several regions review the COE. UTC, `Z` and `+00:00` all count as
    UTC. The first entry in another zone is reported, and the first entry whose zone
    differs from the first entry's.
    """
    first: tuple[int, str] | None = None
    mixed_seen = other_seen = False
    for entry in body.timeline:
        if entry.time is None:
            continue
        zone = _zone(entry.time)
        if first is None:
            first = (entry.line, zone)
        mixed = zone != first[1] and not mixed_seen
        other = zone != "UTC" and not other_seen
        mixed_seen, other_seen = mixed_seen or mixed, other_seen or other
        if mixed:
            problem = f"is in {zone} while the entry on line {first[0]} is in {first[1]}"
        elif other:
            problem = f"is in {zone}, not UTC"
        else:
            continue
        yield Hit(f"timeline entry {problem}: write every time in UTC", entry.line)


RULE = BodyRule(
    id="timeline-zone",
    summary="Every timeline entry is in one time zone, and that zone is UTC.",
    check=entries_without_zone,
    level="warning",
    category="practice",
    bad_example="- 2026-03-02 14:05 UTC - Deploy 4812 starts.\n"
    "- 2026-03-02 16:21+02:00 - The 5xx alarm pages the on-call engineer.",
    good_example="- 2026-03-02 14:05 UTC - Deploy 4812 starts.\n"
    "- 2026-03-02 14:21 UTC - The 5xx alarm pages the on-call engineer.",
)
