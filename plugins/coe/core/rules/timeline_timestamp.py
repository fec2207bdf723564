from collections.abc import Iterator

from ..context import Context
from ..document import CoeDocument
from ..findings import Hit
from ..registry import file_rule


@file_rule(
    "timeline-timestamp",
    "Every timeline entry starts with a valid timestamp with a zone.",
    needs="body",
    bad="- 14:05 - Deploy 4812 starts.",
    good="- 2026-03-02 14:05 UTC - Deploy 4812 starts.",
)
def check(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    Each top-level item of `## Timeline` is one entry: a timestamp (`YYYY-MM-DD HH:MM
    UTC`, `YYYY-MM-DDTHH:MMZ` or with an offset such as `+02:00`, optionally in `**` or
    backticks), a separator (`-`, an en or em dash, or `:`), then the event. Without a
    date and a zone, times cannot be compared across teams, regions or midnight.
    """
    assert doc.body is not None
    for entry in doc.body.timeline:
        if entry.problem:
            yield Hit(f"timeline entry {entry.problem}", entry.line)
