from collections.abc import Iterator

from ..body import Body
from ..document import CoeDocument
from ..findings import Hit
from ..rule import BodyRule, Context
from ..suppress import suppressions


def bad_suppressions(doc: CoeDocument, body: Body, context: Context) -> Iterator[Hit]:
    """
    A finding can be silenced for one COE with an HTML comment in the body,
    `<!-- coe-ignore RULE-ID[, RULE-ID...]: reason -->`. The site lists every suppression
    with its reason next to the COE, so a reader can judge it; a silenced finding without
    a reason would just be a hidden one, so such a comment silences nothing and is reported
    here. So is a comment naming a rule that does not exist (often a typo), or a rule of the
    format contract that is an error by default: a file that breaks the contract must be
    fixed, not excused. This rule's own findings cannot be suppressed.
    """
    for suppression in suppressions(doc, context.silenceable):
        for problem in suppression.problems:
            yield Hit(problem, suppression.line, suppression.column)


RULE = BodyRule(
    id="suppression",
    summary="Every `coe-ignore` comment names known, suppressible rules and gives a reason.",
    check=bad_suppressions,
    level="warning",
    category="practice",
    bad_example="<!-- coe-ignore timeline-gap -->",
    good_example="<!-- coe-ignore timeline-gap: the logs for 14:00-15:00 were lost with the "
    "node -->",
)
