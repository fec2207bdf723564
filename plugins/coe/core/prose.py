"""The readable prose of a Markdown text, for rules that look at wording.

One linear pass over the lines blanks out what a reader does not see as prose: fenced code
blocks, code spans and HTML comments. Blanked characters become spaces, so every line and
column still points at the same place in the file. The HTML comments are kept aside, with
where they start, for the ``coe-ignore`` suppressions.

Indented code blocks are not recognised (an indented line is usually a nested list item in
a COE); fence code with backticks or tildes instead.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_INLINE = re.compile(r"<!--|`+")


@dataclass(frozen=True, slots=True)
class Comment:
    """An HTML comment: where ``<!--`` is (0-based line index, 1-based column) and the text
    between ``<!--`` and ``-->``."""

    index: int
    column: int
    text: str


@dataclass(slots=True)
class Prose:
    lines: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def locate(self, offset: int) -> tuple[int, int]:
        """The (0-based line index, 1-based column) of an offset into ``text``."""
        if not self._starts:
            position = 0
            for line in self.lines:
                self._starts.append(position)
                position += len(line) + 1
        index = bisect_right(self._starts, offset) - 1
        return index, offset - self._starts[index] + 1


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return (
        len(line) - len(line.lstrip(" ")) <= 3
        and len(stripped) >= len(fence)
        and stripped == fence[0] * len(stripped)
    )


@lru_cache(maxsize=16)
def _closer(ticks: int) -> re.Pattern[str]:
    """What closes a code span opened by ``ticks`` backticks: as many, and no more."""
    return re.compile(rf"(?<!`)`{{{ticks}}}(?!`)")


def scan(text: str) -> Prose:
    """Blank out code and HTML comments in ``text``, keeping lines and columns."""
    prose = Prose()
    lines = prose.lines
    fence: str | None = None
    comment: tuple[int, int, list[str]] | None = None
    for index, line in enumerate(text.split("\n")):
        if fence is not None:
            if _closes(line, fence):
                fence = None
            lines.append(" " * len(line))
            continue
        if comment is None:
            # Most lines hold no backtick, tilde or comment: nothing to blank.
            plain = "`" not in line and "<!--" not in line
            if plain and "~" not in line:
                lines.append(line)
                continue
            opener = _FENCE.match(line)
            if opener and not (opener[1][0] == "`" and "`" in line[opener.end() :]):
                fence = opener[1]
                lines.append(" " * len(line))
                continue
            if plain:
                lines.append(line)
                continue
        chars = list(line)
        position = 0
        while position < len(line):
            if comment is not None:
                end = line.find("-->", position)
                stop = len(line) if end < 0 else end + 3
                comment[2].append(line[position : stop if end < 0 else end])
                chars[position:stop] = " " * (stop - position)
                if end >= 0:
                    prose.comments.append(Comment(comment[0], comment[1], "\n".join(comment[2])))
                    comment = None
                position = stop
                continue
            found = _INLINE.search(line, position)
            if found is None:
                break
            if found[0] == "<!--":
                comment = (index, found.start() + 1, [])
                chars[found.start() : found.end()] = "    "
                position = found.end()
                continue
            ticks = len(found[0])
            closer = _closer(ticks).search(line, found.end())
            if closer is None:
                position = found.end()
                continue
            chars[found.start() : closer.end()] = " " * (closer.end() - found.start())
            position = closer.end()
        lines.append("".join(chars))
    return prose


@lru_cache(maxsize=8)
def body_prose(body: str) -> Prose:
    """``scan`` of a whole body, shared by the rules that read the same COE's body."""
    return scan(body)
