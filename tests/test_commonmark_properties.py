"""Generated bodies built from every CommonMark block construct: the sections the checker
finds, the line scan's headings (wherever it answers) and the Timeline/Five whys outline
scan all equal markdown-it's reading."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coe.core import blocks
from coe.core.body import _scan_headings, parse_body
from tests.helpers import markdown_it_headings as headings

# What a line may hold after its indentation and container markers.
CONSTRUCTS = [
    # paragraph text, some of it looking like other things
    "Some text.",
    "More text with `code`.",
    "#hashtag is text",
    "####### seven is text",
    "2026-03-02 14:05 UTC - deployed",
    "1.5 hours of text",
    "**bold** text",
    "[COE-2026-004](../COE-2026-004.md) caused it",
    "[ ] a box",
    "<5% of requests",
    "| a | b |",
    "\\# escaped",
    # ATX headings
    "# Title",
    "## Impact",
    "### Detection",
    "## Closing ##",
    "### ###",
    "## C#",
    "#",
    "##  spaced  #  ",
    # setext underlines and thematic breaks
    "===",
    "---",
    "--",
    "- - -",
    "***",
    "* * *",
    "___",
    # fences
    "```",
    "```sh",
    "````",
    "``` a ` b",
    "~~~",
    "~~~ python",
    "~~~~",
    # HTML blocks, one line of each kind and their ends
    "<script>",
    "</script>",
    "<pre>code</pre>",
    "<!-- comment -->",
    "<!-- opens",
    "closes -->",
    "<?php",
    "?>",
    "<!DOCTYPE html>",
    "<![CDATA[",
    "]]>",
    "<div>",
    "</div>",
    "<img src='x.png'>",
    '<a href="x">',
    "<br>",
    # link reference definitions
    "[foo]: /url",
    "[foo]:",
    "[multi",
    "line]: /url",
    # tabs in every place a tab changes something
    "\tindented by a tab",
    "#\tTab title",
    "-\ttab item",
    "```\t",
    # block quotes
    "> quoted",
    ">",
    "> ## Quoted heading",
    # empty
    "",
]
MARKERS = ["- ", "* ", "+ ", "1. ", "2) ", "10. ", "-   ", "1.  ", "> ", "-", "1."]
INDENTS = ["", " ", "  ", "   ", "    ", "     ", "      ", "        ", "\t", " \t"]


@st.composite
def lines(draw: st.DrawFn) -> str:
    indent = draw(st.sampled_from(INDENTS))
    markers = draw(st.lists(st.sampled_from(MARKERS), max_size=2))
    construct = draw(st.sampled_from(CONSTRUCTS))
    return indent + "".join(markers) + construct


# Bodies mostly of plain lines, so that the scan answers often and is tested where it does.
PLAIN = st.sampled_from(
    [
        "",
        "",
        "## Timeline",
        "### Mitigation",
        "Text.",
        "- 2026-03-02 14:05 UTC - item",
        "  - Gap: nested",
        "  continued",
        "1. Why?",
        "   ```sh",
        "   ```",
        "1. ```sh",
        "```",
        "<!-- coe-ignore timeline-gap: lost -->",
        "    code",
    ]
)
BODIES = st.lists(st.one_of(lines(), PLAIN), max_size=24).map("\n".join)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BODIES)
def test_sections_equal_markdown_it_on_generated_bodies(text: str) -> None:
    found = headings(text)
    expected = [(level, title, start + 1) for start, level, _, title in found if level in (2, 3)]
    body = parse_body(text, 1)
    assert [(s.level, s.title, s.line) for s in body.sections] == expected
    if "\t" not in text:
        scanned = _scan_headings(text.split("\n"))
        assert scanned is None or scanned == found


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BODIES)
def test_the_outline_equals_markdown_it_on_generated_bodies(text: str) -> None:
    assert blocks.outline(text) == blocks.reference(text)


@settings(max_examples=800, deadline=None)
@given(st.lists(PLAIN, max_size=30).map("\n".join))
def test_the_scan_answers_for_plain_bodies_and_agrees(text: str) -> None:
    """Bodies made only of plain lines stay on the fast path, with markdown-it's answer."""
    scanned = _scan_headings(text.split("\n"))
    assert scanned == headings(text)
