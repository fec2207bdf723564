from collections.abc import Iterator

from ..document import CoeDocument
from ..findings import Hit
from ..rule import Context, FileRule
from ..schema import schema_hits


def schema_problems(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    Every field of the contract, its type, its allowed values and its format: dates are
    real dates, times carry seconds and a zone, URLs are http or https, ids have their
    exact form, and no unknown field is allowed at any level, so a typo such as
    `severty` is caught instead of ignored. Each problem is reported once, at its key.
    """
    if not doc.schema_valid:
        yield from schema_hits(context.schema, doc)


RULE = FileRule(
    id="schema",
    summary="The front-matter matches the COE JSON Schema.",
    check=schema_problems,
    needs="front-matter",
    bad_example="severty: SEV2\ndate: 2026-13-40",
    good_example="severity: SEV2\ndate: 2026-03-02",
)
