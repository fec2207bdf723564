"""The prose scan blanks code and HTML comments for the wording rules. It skips the lines
that hold nothing to blank; prove it gives what the plain character-by-character scan
below gives, on text made of the pieces that matter."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from coe.core.prose import Comment, scan

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_INLINE = re.compile(r"<!--|`+")


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return (
        len(line) - len(line.lstrip(" ")) <= 3
        and len(stripped) >= len(fence)
        and stripped == fence[0] * len(stripped)
    )


def reference_scan(text: str) -> tuple[list[str], list[Comment]]:
    """Every line through the same steps, whatever it holds."""
    lines: list[str] = []
    comments: list[Comment] = []
    fence: str | None = None
    comment: tuple[int, int, list[str]] | None = None
    for index, line in enumerate(text.split("\n")):
        if fence is not None:
            fence = None if _closes(line, fence) else fence
            lines.append(" " * len(line))
            continue
        opener = _FENCE.match(line) if comment is None else None
        if opener and not (opener[1][0] == "`" and "`" in line[opener.end() :]):
            fence = opener[1]
            lines.append(" " * len(line))
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
                    comments.append(Comment(comment[0], comment[1], "\n".join(comment[2])))
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
            closer = re.compile(rf"(?<!`)`{{{ticks}}}(?!`)").search(line, found.end())
            if closer is None:
                position = found.end()
                continue
            chars[found.start() : closer.end()] = " " * (closer.end() - found.start())
            position = closer.end()
        lines.append("".join(chars))
    return lines, comments


PIECES = st.sampled_from(
    [
        *("`", "``", "```", "~", "~~~", "~~~~", "<!--", "-->", "<!", "--", " ", "   ", "    "),
        *("\n", "word", "@dana caused", "x", "\t", "```py", "<b>", "-"),
    ]
)


@settings(max_examples=4000, deadline=None)
@given(st.lists(PIECES, max_size=16).map("".join))
def test_the_scan_equals_the_plain_scan(text: str) -> None:
    prose = scan(text)
    assert (prose.lines, prose.comments) == reference_scan(text)


def test_code_and_comments_are_blanked_in_place() -> None:
    prose = scan("a `b` c <!-- d\ne --> f\n```\ng\n```\nh ~ i")
    assert prose.lines == ["a     c       ", "      f", "   ", " ", "   ", "h ~ i"]
    assert prose.comments == [Comment(0, 9, " d\ne ")]
