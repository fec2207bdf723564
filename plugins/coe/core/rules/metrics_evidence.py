import re
from collections.abc import Iterator

from ..body import Body
from ..document import CoeDocument
from ..findings import Hit
from ..prose import scan
from ..rule import BodyRule, Context

_EVIDENCE = re.compile(
    r"\[[^\]\n]{0,300}\]\([^)\s]"  # [text](target) and ![alt](image)
    r"|\[[^\]\n]{1,300}\]\[[^\]\n]{0,300}\]"  # [text][ref]
    r"|https?://\S"  # autolinks and bare URLs
    r"|<(?:img|table|iframe)\b"
    r"|^ {0,3}(?=[^\n]*\|)\|? *:?-+:? *(?:\| *:?-+:? *)*\|? *$",  # a table's delimiter row
    re.IGNORECASE | re.MULTILINE,
)


def metrics_without_evidence(doc: CoeDocument, body: Body, context: Context) -> Iterator[Hit]:
    """
    The metrics are what the rest of the COE stands on: the impact numbers, the moment
    the trigger shows up, the alarm that should have fired. A description without the
    data cannot be checked. Link the dashboard with the time range pinned, embed the
    graph, or put the numbers in a table. If there were no metrics to show, that is a
    finding in itself: say so and add an action item, and suppress this rule with the
    reason.
    """
    section = body.section("metrics")
    if section is not None and not _EVIDENCE.search(scan(section.text).text):
        yield Hit(
            "`## Metrics` has no link, image or table: link the dashboards with the time "
            "range pinned, embed the graphs, or tabulate the numbers",
            section.line,
        )


RULE = BodyRule(
    id="metrics-evidence",
    summary="`## Metrics` holds evidence: a link, an image or a table.",
    check=metrics_without_evidence,
    level="warning",
    category="practice",
    bad_example="## Metrics\n\nErrors went up a lot, then recovered.",
    good_example="## Metrics\n\n| time (UTC) | 5xx rate |\n|---|---|\n| 14:05 | 61% |\n\n"
    "Dashboard: https://grafana.example.com/d/labels?from=...&to=...",
)
