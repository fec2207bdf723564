from collections.abc import Iterator
from datetime import datetime, timedelta

from ..body import Body, TimelineEntry
from ..config import DEFAULT_TIMELINE_GAP_MINUTES
from ..document import CoeDocument
from ..findings import Hit
from ..format import duration
from ..rule import BodyRule, Context


def unexplained_timeline_gaps(doc: CoeDocument, body: Body, context: Context) -> Iterator[Hit]:
    """
    Silence in a timeline is where the lessons hide: a page nobody acknowledged, a
    dashboard that misled, a wait for an approver. Every gap strictly longer than the
    `timeline_gap_minutes` option (15 by default) between two consecutive entries is
    explained by a nested list item starting with `Gap:` under the later entry, even
    when the explanation is "nothing happened: we were watching the recovery".
    """
    threshold = timedelta(minutes=context.config.timeline_gap_minutes)
    previous: tuple[datetime, int] | None = None
    for entry in body.timeline:
        if entry.time is None:
            continue
        if previous is not None and entry.time - previous[0] > threshold:
            yield from _unexplained(entry, entry.time - previous[0], previous[1])
        if previous is None or entry.time >= previous[0]:
            previous = (entry.time, entry.line)


RULE = BodyRule(
    id="timeline-gap",
    summary=f"A gap longer than the threshold ({DEFAULT_TIMELINE_GAP_MINUTES} minutes) between "
    "entries has a nested `Gap:` note.",
    check=unexplained_timeline_gaps,
    level="warning",
    category="practice",
    bad_example="- 2026-03-02 14:21 UTC - The 5xx alarm pages the on-call engineer.\n"
    "- 2026-03-02 15:02 UTC - Rollback started.",
    good_example="- 2026-03-02 14:21 UTC - The 5xx alarm pages the on-call engineer.\n"
    "- 2026-03-02 15:02 UTC - Rollback started.\n"
    "    - Gap: the rollback runbook needed a second approver, who was paged at 14:40.",
)


def _unexplained(entry: TimelineEntry, delta: timedelta, previous_line: int) -> Iterator[Hit]:
    gap = duration(int(delta.total_seconds()) // 60)
    if entry.gap_note is None:
        yield Hit(
            f"{gap} pass between this entry and the one on line {previous_line} with no "
            "explanation: add a nested item `- Gap: ...` under this entry saying what "
            "happened meanwhile",
            entry.line,
        )
    elif not entry.gap_note:
        yield Hit(
            f"the `Gap:` note for these {gap} is empty: say what happened meanwhile", entry.line
        )
