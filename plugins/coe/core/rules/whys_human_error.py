import re
from collections.abc import Iterator

from ..body import Body
from ..document import CoeDocument
from ..findings import Hit
from ..rule import BodyRule, Context

_HUMAN_ERROR = re.compile(
    r"\b(?:"
    r"(?:human|operator|user|manual|engineer|operations) errors?|human factors?"
    r"|mistakes?|mistakenly|mistyped|typos?|typing error|fat[- ]finger(?:ed|s)?"
    r"|forgot(?:ten)?|did(?: not|n't) notice|failed to notice|overlooked"
    r"|did(?: not|n't) (?:follow|read|check) the (?:runbook|procedure|process|checklist)"
    r"|not careful|careless(?:ly|ness)?|by accident|accidentally|inattentive|inattention"
    r")\b",
    re.IGNORECASE,
)
# An answer that names what was missing has asked why the slip was possible.
_MECHANISM = re.compile(
    r"\b(?:no(?! one)|nothing|without|lacks?|lacking|missing|none)\b"
    r"|\b(?:does|did|do|could|can|was|were|is|are|has|had)(?: not|n't) (?:check|validate|"
    r"catch|require|prevent|block|warn|alert|enforce|reject|exist|confirm|verify|have)",
    re.IGNORECASE,
)


def _answer(text: str) -> str:
    """The answer part of "N. Why ...? Because ...": what comes after the question."""
    if text.lstrip("*_ ").lower().startswith("why") and "?" in text:
        return text.split("?", 1)[1]
    return text


def whys_ending_in_human_error(doc: CoeDocument, body: Body, context: Context) -> Iterator[Hit]:
    """
    People slip: they mistype, forget a step, miss an alert. That is a fact about
    people, not a cause that an action item can remove. When the chain of whys ends at
    "human error", "a typo" or "someone forgot", the question that finds the fix has
    not been asked yet: why was the slip possible, and why did nothing catch it? The
    answer is a missing check, guardrail or alarm. Only the answer part of the last why
    is read, so asking "Why was the typo possible?" is fine, and an answer that names
    what was missing ("no check", "nothing validated", "without review") has gone
    past the slip.
    """
    if not body.whys:
        return
    last = body.whys[-1]
    answer = _answer(last.text)
    found = _HUMAN_ERROR.search(answer)
    if found and not _MECHANISM.search(_HUMAN_ERROR.sub(" ", answer)):
        yield Hit(
            f"the last why (number {last.number}) stops at human error ({found[0]!r}): ask "
            "why that was possible and what did not catch it, e.g. 'the console accepted "
            "the value without a bounds check'",
            last.line,
        )


RULE = BodyRule(
    id="whys-human-error",
    summary="The last why does not stop at human error: it asks why the error was possible.",
    check=whys_ending_in_human_error,
    level="warning",
    category="practice",
    bad_example="## Five whys\n...\n5. Why was the pool size wrong? The engineer made a typo "
    "in the config.",
    good_example="## Five whys\n...\n5. Why was the pool size wrong? The engineer made a typo "
    "in the config.\n"
    "6. Why could a typo reach production? The config schema has no bounds for pool "
    "sizes and no review compares them with peak concurrency.",
)
