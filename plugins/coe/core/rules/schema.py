from collections.abc import Iterator

from ..context import Context
from ..document import CoeDocument
from ..findings import Hit
from ..registry import file_rule
from ..schema import schema_hits


@file_rule(
    "schema",
    "The front-matter matches the COE JSON Schema.",
    needs="front-matter",
    bad="severty: SEV2\ndate: 2026-13-40",
    good="severity: SEV2\ndate: 2026-03-02",
)
def check(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    Every field of the contract, its type, its allowed values and its format: dates are
    real dates, times carry seconds and a zone, URLs are http or https, ids have their
    exact form, and no unknown field is allowed at any level, so a typo such as
    `severty` is caught instead of ignored. Each problem is reported once, at its key.
    """
    if not doc.schema_valid:
        yield from schema_hits(context.schema, doc)
