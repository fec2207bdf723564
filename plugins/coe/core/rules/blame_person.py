import re
from collections.abc import Iterator

from ..context import Context
from ..document import CoeDocument
from ..findings import Hit
from ..prose import body_prose
from ..registry import file_rule
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


def _message(found: re.Match[str]) -> str:
    return (
        f"{found['who']} is named as the cause ({' '.join(found[0].split())!r}): describe "
        "what allowed it instead, e.g. 'the deploy pipeline did not check the pool size'"
    )


@file_rule(
    "blame-person",
    "No person (an `@handle` or one of the authors) is named as the subject of a failure.",
    level="warning",
    needs="body",
    category="practice",
    bad="- 2026-03-02 09:00 UTC - @dana forgot to renew the certificate; it expires.",
    good="- 2026-03-02 09:00 UTC - The certificate expires: renewal depended on a calendar "
    "reminder in one person's account.",
)
def check(doc: CoeDocument, context: Context) -> Iterator[Hit]:
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
    assert doc.body is not None and doc.split is not None
    names = _names(doc.get("authors"))
    pattern = _pattern(names)
    for path, value in free_text(doc):
        for found in pattern.finditer(value):
            line, column = doc.position(*path)
            yield Hit(_message(found), line, column, "/" + "/".join(map(str, path)))
    body = doc.split.body
    # The subject is matched as written, so a body with no "@" and no author's name cannot
    # match: skip the pattern, which tries every position.
    if "@" not in body and not any(name in body for name in names):
        return
    prose = body_prose(body)
    for found in pattern.finditer(prose.text):
        index, column = prose.locate(found.start())
        yield Hit(_message(found), doc.split.body_line + index, column)
