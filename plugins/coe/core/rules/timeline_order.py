from collections.abc import Iterator

from ..body import TimelineEntry
from ..context import Context
from ..document import CoeDocument
from ..findings import Hit
from ..registry import file_rule


@file_rule(
    "timeline-order",
    "Timeline entries are in chronological order.",
    needs="body",
    bad="- 2026-03-02 14:40 UTC - Rollback.\n- 2026-03-02 14:05 UTC - Deploy.",
    good="- 2026-03-02 14:05 UTC - Deploy.\n- 2026-03-02 14:40 UTC - Rollback.",
)
def check(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    A timeline is read top to bottom as the story of the incident; an entry out of
    order is usually a wrong time or zone. Equal times are fine. Entries in different
    zones are compared as instants.
    """
    assert doc.body is not None
    latest: TimelineEntry | None = None
    for entry in doc.body.timeline:
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
