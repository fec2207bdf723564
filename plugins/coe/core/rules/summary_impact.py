import re
from collections.abc import Iterator

from ..body import Body
from ..document import CoeDocument
from ..findings import Hit
from ..prose import scan
from ..rule import BodyRule, Context

# A quantity is a token of digits (with "," or "." inside it, or a "%" after it); dates,
# times and tokens mixing letters and digits (SEV2, COE-2026-001, 5xx, HTTP/2) are not.
_TOKEN = re.compile(r"[\w:/-]+")
_DATE_OR_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?")


def _has_quantity(text: str) -> bool:
    for token in _TOKEN.finditer(text):
        word = token[0]
        if any(c.isalpha() for c in word):
            continue
        if any(c.isdigit() for c in _DATE_OR_TIME.sub("", word)):
            return True
    return False


# Whole words only: "orders-api" or "label-service" name a service, not an impact.
_IMPACT_WORDS = re.compile(
    r"(?<![\w-])(?:customers?|merchants?|users?|requests?|orders?|accounts?|tenants?|clients?"
    r"|shipments?|parcels?|payments?|transactions?|affected|impacted)(?![\w-])",
    re.IGNORECASE,
)


def summary_without_impact(doc: CoeDocument, body: Body, context: Context) -> Iterator[Hit]:
    """
    The summary is read first and often alone, forwarded to people who will read
    nothing else. It has to stand by itself: who was affected and how badly, for how
    long, how it was found and fixed, and what will change. Written last, it is also
    the section most often left as a placeholder. It must at least state the impact,
    with a number or in terms of the customers, requests or orders affected.
    """
    section = body.section("incident summary")
    if section is None:
        return
    text = scan(section.text).text
    if not text.strip():
        yield Hit(
            "`## Incident summary` is empty: write it last, as a stand-alone account of "
            "who was affected, how long, how it was found and fixed, and what will change",
            section.line,
        )
    # The word search is the cheaper of the two tests: it goes first.
    elif not _IMPACT_WORDS.search(text) and not _has_quantity(text):
        yield Hit(
            "`## Incident summary` does not state the impact: say who was affected and how "
            "much, e.g. '1,200 merchants could not print labels for 40 minutes'",
            section.line,
        )


RULE = BodyRule(
    id="summary-impact",
    summary="`## Incident summary` is written, and says what the impact was.",
    check=summary_without_impact,
    level="warning",
    category="practice",
    bad_example="## Incident summary\n\nA config change caused errors. It was rolled back.",
    good_example="## Incident summary\n\nFor 40 minutes 1,200 merchants could not print labels: "
    "a config change shrank the database pool from 50 to 5 connections. ...",
)
