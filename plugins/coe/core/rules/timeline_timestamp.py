from collections.abc import Iterator

from ..body import Body
from ..document import CoeDocument
from ..findings import Hit
from ..rule import BodyRule, Context


def entries_without_timestamp(doc: CoeDocument, body: Body, context: Context) -> Iterator[Hit]:
    """
    Each top-level item of `## Timeline` is one entry: a timestamp (`YYYY-MM-DD HH:MM
    UTC`, `YYYY-MM-DDTHH:MMZ` or with an offset such as `+02:00`, optionally in `**` or
    backticks), a separator (`-`, an en or em dash, or `:`), then the event. Without a
    date and a zone, times cannot be compared across teams, regions or midnight.
    """
    for entry in body.timeline:
        if entry.problem:
            yield Hit(f"timeline entry {entry.problem}", entry.line)


RULE = BodyRule(
    id="timeline-timestamp",
    summary="Every timeline entry starts with a valid timestamp with a zone.",
    check=entries_without_timestamp,
    bad_example="- 14:05 - Deploy 4812 starts.",
    good_example="- 2026-03-02 14:05 UTC - Deploy 4812 starts.",
)
