import re
from collections.abc import Iterator

from ..body import Body
from ..document import CoeDocument
from ..findings import Hit, json_pointer
from ..prose import body_prose
from ..rule import BodyRule, Context
from .blame_words import free_text

_HANDLE = r"(?<![\w@.])@[A-Za-z0-9](?:[\w.-]*[A-Za-z0-9])?"
_FAILURE = (
    r"caused|broke|forgot|missed|failed to|messed up|screwed up|botched|overlooked|neglected"
    r"|ignored|mistyped|misconfigured|fat[- ]fingered|made (?:a|an) (?:mistake|error|typo)"
    r"|did(?: not|n't) (?:notice|check|test|follow|read)|should have"
)
# The subject, at most three words, then the failure: "@dana's deploy broke checkout".
_GAP = r"(?:[\s]+[\w'’-]+){0,3}?\s+"


def _names(authors: object) -> list[str]:
    """Each author's full name, and each capitalised part of it (first and last names)."""
    names: set[str] = set()
    for author in authors if isinstance(authors, list) else []:
        if not isinstance(author, str):
            continue
        names.add(author.strip())
        names.update(part for part in author.split() if len(part) > 1 and part[0].isupper())
    return sorted((n for n in names if n), key=len, reverse=True)


def _pattern(names: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(name) for name in names)
    subject = rf"{_HANDLE}|(?<!\w)(?:{alternatives})(?!\w)" if names else _HANDLE
    return re.compile(rf"(?P<who>{subject}){_GAP}(?P<what>(?i:{_FAILURE}))\b")


def _starters(names: list[str]) -> list[str]:
    """The names that no other name begins with: wherever any name is, one of these
    starts (a full name starts with its first name), so only these are looked for."""
    return [name for name in names if not any(o != name and name.startswith(o) for o in names)]


def _matches(pattern: re.Pattern[str], text: str, starters: list[str]) -> Iterator[re.Match[str]]:
    """The matches of ``pattern.finditer(text)``, found faster: a match starts at an "@"
    or at a name, so the pattern is tried only there (its look-behind still sees the
    character before), skipping starts inside the previous match. ``starters`` are the
    names' ``_starters``."""
    starts: set[int] = set()
    for needle in ("@", *starters):
        start = text.find(needle)
        while start >= 0:
            starts.add(start)
            start = text.find(needle, start + 1)
    end = 0
    for start in sorted(starts):
        if start >= end and (found := pattern.match(text, start)) is not None:
            end = found.end()
            yield found


def _message(found: re.Match[str]) -> str:
    return (
        f"{found['who']} is named as the cause ({' '.join(found[0].split())!r}): describe "
        "what allowed it instead, e.g. 'the deploy pipeline did not check the pool size'"
    )


def blamed_people(doc: CoeDocument, body: Body, context: Context) -> Iterator[Hit]:
    """
    "Dana forgot to renew the certificate" is true and useless: the next person will
    forget too, because nothing changed. Naming who failed turns an analysis of the
    system into a judgement of a person, and makes people guard what they say in the
    next COE. Describe the role and the conditions instead: what the person could see,
    what the tools allowed, what check was missing. Flagged: an `@handle`, or an
    author's name, within a few words before "caused", "broke", "forgot", "missed",
    "failed to" and similar, in the body (outside code and HTML comments) and in the
    title, impact summary and action-item titles.
    """
    names = _names(doc.get("authors"))
    pattern, starters = _pattern(names), _starters(names)
    for path, value in free_text(doc):
        for found in _matches(pattern, value, starters):
            line, column = doc.position(*path)
            yield Hit(_message(found), line, column, json_pointer(path))
    text, first_line = doc.body_source
    # The subject is matched as written, so a body with no "@" and no author's name cannot
    # match: skip the pattern, which tries every position.
    if "@" not in text and not any(name in text for name in starters):
        return
    prose = body_prose(text)
    for found in _matches(pattern, prose.text, starters):
        index, column = prose.locate(found.start())
        yield Hit(_message(found), first_line + index, column)


RULE = BodyRule(
    id="blame-person",
    summary="No person (an `@handle` or one of the authors) is named as the subject of a failure.",
    check=blamed_people,
    level="warning",
    category="practice",
    bad_example="- 2026-03-02 09:00 UTC - @dana forgot to renew the certificate; it expires.",
    good_example="- 2026-03-02 09:00 UTC - The certificate expires: renewal depended on a calendar "
    "reminder in one person's account.",
)
