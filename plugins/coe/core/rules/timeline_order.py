from collections.abc import Iterator

from ..body import Body, TimelineEntry
from ..document import CoeDocument
from ..findings import Hit
from ..rule import BodyRule, Context


def entries_out_of_order(doc: CoeDocument, body: Body, context: Context) -> Iterator[Hit]:
    """
    A timeline is read top to bottom as the story of the incident; an entry out of
    order is usually a wrong time or zone. Equal times are fine. Entries in different
    zones are compared as instants.
    """
    latest: TimelineEntry | None = None
    for entry in body.timeline:
        if entry.time is None:
            continue
        if latest is not None and latest.time is not None and entry.time < latest.time:
            yield Hit(
                f"timeline entry at {entry.time:%Y-%m-%d %H:%M %Z} comes after one at "
                f"{latest.time:%Y-%m-%d %H:%M %Z} (line {latest.line}): keep entries in order",
                entry.line,
            )
        else:
            latest = entry


RULE = BodyRule(
    id="timeline-order",
    summary="Timeline entries are in chronological order.",
    check=entries_out_of_order,
    bad_example="- 2026-03-02 14:40 UTC - Rollback.\n- 2026-03-02 14:05 UTC - Deploy.",
    good_example="- 2026-03-02 14:05 UTC - Deploy.\n- 2026-03-02 14:40 UTC - Rollback.",
)
