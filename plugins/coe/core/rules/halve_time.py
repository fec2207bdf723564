import re
from collections.abc import Iterator

from ..body import Body
from ..document import CoeDocument
from ..findings import Hit
from ..rule import BodyRule, Context

_HALVE = re.compile(
    r"\bhalv(?:e|es|ed|ing)\b"
    r"|\bhalf\b(?!-hour|[- ]an?[- ]hour|[- ]day|[- ]past)"
    r"|\bby (?:(?:more than|over|at least|about|around|roughly|nearly|almost) )?"
    r"(?:[5-9][0-9]|100) ?%|\bfifty per ?cent"
    r"|\b(?:twice|two times|2 ?[x×]|double) (?:as )?(?:fast|faster|quick|quicker|quickly|soon)"
    r"|\bby (?:a factor of )?(?:[2-9]|[1-9][0-9]+) ?(?:x|×|times)\b",
    re.IGNORECASE,
)
# "from 47 minutes to 5", "in 5 minutes instead of 20": a time at least halved.
_UNIT = r"(?:(?P<{0}>seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h)\b)?"
_REDUCTION = re.compile(
    r"\bfrom (?P<a>\d+(?:\.\d+)?) ?"
    + _UNIT.format("ua")
    + r" ?to (?P<b>\d+(?:\.\d+)?) ?"
    + _UNIT.format("ub")
    + r"|\b(?:in|within|after) (?P<c>\d+(?:\.\d+)?) ?"
    + _UNIT.format("uc")
    + r" ?(?:instead of|rather than) (?P<d>\d+(?:\.\d+)?) ?"
    + _UNIT.format("ud"),
    re.IGNORECASE,
)
_SECONDS = {"s": 1, "m": 60, "h": 3600}


def _seconds(number: str, unit: str | None, other: str | None) -> float:
    return float(number) * _SECONDS[(unit or other or "m")[0].lower()]


def _says_halved(text: str) -> bool:
    if _HALVE.search(text):
        return True
    for match in _REDUCTION.finditer(text):
        if match["a"] is not None:
            before = _seconds(match["a"], match["ua"], match["ub"])
            after = _seconds(match["b"], match["ub"], match["ua"])
        else:
            before = _seconds(match["d"], match["ud"], match["uc"])
            after = _seconds(match["c"], match["uc"], match["ud"])
        has_unit = match["ua"] or match["ub"] or match["uc"] or match["ud"]
        if has_unit and 0 <= after <= before / 2:
            return True
    return False


_TIMES = ("detection", "diagnosis", "mitigation")


def no_halved_time(doc: CoeDocument, body: Body, context: Context) -> Iterator[Hit]:
    """
    "Could we have been faster?" always gets a yes; "what would make it twice as fast?"
    gets a concrete change. Halving a time is a target big enough to need a different
    mechanism (an earlier alarm, a dashboard that names the cause, a rehearsed
    rollback), not just more care. At least one of Detection, Diagnosis and Mitigation
    should say how its time could be halved ("halve", "half", "by 50%", "twice as fast",
    "cut ... in half", "from 40 minutes to 10", "in 5 minutes instead of 20" and the like).
    """
    questions = body.section("incident questions")
    if questions is None:
        return
    answers = [s for s in body.subsections(questions) if s.key in _TIMES]
    if answers and not any(_says_halved(section.text) for section in answers):
        yield Hit(
            "none of Detection, Diagnosis or Mitigation says how its time could be halved: "
            "name the change that would, e.g. 'an alarm on pool wait time would page in 5 "
            "minutes instead of 20'",
            questions.line,
        )


RULE = BodyRule(
    id="halve-time",
    summary="The incident questions say how the time to detect, diagnose or mitigate could "
    "be halved.",
    check=no_halved_time,
    level="warning",
    category="practice",
    bad_example="### Detection\n\nThe alarm paged after 20 minutes. Detection could be faster.",
    good_example="### Detection\n\nThe alarm paged after 20 minutes. A pool-wait alarm at 200 ms "
    "would page within 5, cutting the time to detect by more than half.",
)
