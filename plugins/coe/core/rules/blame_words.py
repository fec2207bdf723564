import re
from collections.abc import Iterator
from functools import cache

from ..body import Body
from ..document import CoeDocument
from ..findings import Hit, json_pointer
from ..prose import body_prose
from ..rule import BodyRule, Context

# A rewrite to suggest for the default phrases; others get the generic one.
_REWRITES = {
    "fault of": "say which safeguard was missing, e.g. 'the release checklist had no step for ...'",
    "should have known": "say what information was missing and where it should have been, "
    "e.g. 'the runbook did not mention ...'",
}
_PERSONAL = "describe the condition that made the slip possible, e.g. 'the console accepted "
_PERSONAL += "the command without a confirmation'"
for _word in ("careless", "carelessness", "negligent", "negligence", "incompetent", "sloppy"):
    _REWRITES[_word] = _PERSONAL
_REWRITES["lazy"] = _PERSONAL
_GENERIC = "describe what allowed it, e.g. 'the deploy pipeline did not check ...'"


@cache
def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    words = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, p.split())) for p in words)
    # Hyphens count as part of a word: "blame-free" and "no-blame" are not blame.
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


@cache
def _phrase_words(phrases: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(p.casefold().split()) for p in phrases if p.strip())


def _has_word(folded: str, word: str) -> bool:
    """Whether ``word`` appears in ``folded`` as a whole word (hyphens join words)."""
    start = folded.find(word)
    while start >= 0:
        end = start + len(word)
        before = folded[start - 1] if start else " "
        after = folded[end] if end < len(folded) else " "
        if not (before.isalnum() or before in "_-") and not (after.isalnum() or after in "_-"):
            return True
        start = folded.find(word, start + 1)
    return False


def _may_match(text: str, phrases: tuple[str, ...]) -> bool:
    """A cheap test that skips the pattern (whose leading look-behind makes every position
    a candidate) on the many bodies where no phrase has all its words, as whole words."""
    folded = text.casefold()
    return any(all(_has_word(folded, w) for w in words) for words in _phrase_words(phrases))


def _message(found: str) -> str:
    found = " ".join(found.split())
    key = found.lower()
    return f"{found!r} judges people rather than the system: {_REWRITES.get(key, _GENERIC)}"


def free_text(doc: CoeDocument) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """The front-matter's prose: the title, the impact summary and the action-item titles."""
    for path in (("title",), ("impact", "summary")):
        value = doc.get(*path)
        if isinstance(value, str):
            yield path, value
    items = doc.get("action_items")
    # Body rules also run on COEs whose front-matter failed the schema: check every type.
    for index, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict) and isinstance(item.get("title"), str):
            yield ("action_items", index, "title"), item["title"]


def blaming_words(doc: CoeDocument, body: Body, context: Context) -> Iterator[Hit]:
    """
    A COE that judges people teaches everyone to say less in the next one, and the
    person closest to a failure usually knows the most about it. Words like
    "careless", "negligent" or "should have known" also end the analysis: once someone
    is to blame, nobody asks what let the mistake through. Describe the conditions
    instead. The phrases are the `blame_phrases` option; they are matched as whole
    words, without regard to case, in the body (outside code and HTML comments) and in
    the title, impact summary and action-item titles.
    """
    pattern = _pattern(context.config.blame_phrases)
    if pattern is None:
        return
    phrases = context.config.blame_phrases
    values = list(free_text(doc))
    # One cheap test of all the texts together: what it rules out, no single one holds.
    if _may_match("\n".join(value for _, value in values), phrases):
        for path, value in values:
            for found in pattern.finditer(value):
                line, column = doc.position(*path)
                yield Hit(_message(found[0]), line, column, json_pointer(path))
    text, first_line = doc.body_source
    if not _may_match(text, phrases):
        return
    prose = body_prose(text)
    for found in pattern.finditer(prose.text):
        index, column = prose.locate(found.start())
        yield Hit(_message(found[0]), first_line + index, column)


RULE = BodyRule(
    id="blame-words",
    summary="No blaming words ('careless', 'fault of', 'should have known'...) in the COE.",
    check=blaming_words,
    level="warning",
    category="practice",
    bad_example="- 2026-03-02 14:05 UTC - A careless engineer deploys a pool size of 5.",
    good_example="- 2026-03-02 14:05 UTC - Deploy 5121 sets a pool size of 5; the pipeline does "
    "not compare it with peak concurrency.",
)
