"""The body model finds sections with a line scan, not a full Markdown parse: prove it
finds the same headings, at the same lines, as markdown-it's CommonMark parser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from coe.core.body import _headings
from coe.core.frontmatter import Split, split_front_matter
from tests.helpers import ROOT, VALID_COE

COMMONMARK = MarkdownIt("commonmark").disable("inline")


def reference(text: str) -> list[tuple[int, int, str]]:
    """(line index, level, title) of every top-level heading, by markdown-it."""
    tokens = COMMONMARK.parse(text)
    return [
        (tok.map[0], int(tok.tag[1]), tokens[i + 1].content.strip())
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open" and tok.level == 0 and tok.map
    ]


def scanned(text: str) -> list[tuple[int, int, str]]:
    return [(line, level, title) for line, level, _, title in _headings(text.split("\n"))]


def bodies() -> list[tuple[str, str]]:
    found = []
    for path in sorted(
        [*ROOT.joinpath("coes").rglob("*.md"), *ROOT.joinpath("tests").rglob("*.md")]
    ):
        try:
            split = split_front_matter(path.read_text(encoding="utf-8").replace("\r\n", "\n"))
        except UnicodeDecodeError:
            continue
        if isinstance(split, Split):
            found.append((path.relative_to(ROOT).as_posix(), split.body))
    return found


@pytest.mark.parametrize(("name", "body"), bodies(), ids=[name for name, _ in bodies()])
def test_the_scan_finds_the_headings_commonmark_finds(name: str, body: str) -> None:
    assert scanned(body) == reference(body)


LINES = st.sampled_from(
    [
        "",
        "## Timeline",
        "### Detection",
        "# Title",
        "Some text with `code` and a [link](https://example.org).",
        "More text.",
        "- 2026-03-02 14:05 UTC - Deploy.",
        "    - Gap: waited for the lock.",
        "1. Why did it fail?",
        "  continued line",
        "```",
        "```python",
        "~~~",
        "## Inside a fence?",
        "<!-- a comment -->",
        "<!-- opens",
        "closes -->",
        "<div>",
        "</div>",
        "---",
        "===",
        "> quoted",
        "| a | b |",
        "|---|---|",
        "    indented code",
        "#not a heading",
        "## Closing hashes ##",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(LINES, max_size=30))
def test_the_scan_agrees_with_commonmark_on_mixed_documents(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert scanned(text) == reference(text)


def test_the_valid_coe_has_its_sections_at_their_lines() -> None:
    split = split_front_matter(VALID_COE)
    assert isinstance(split, Split)
    titles = [title for _, level, title in scanned(split.body) if level == 2]
    assert titles[:3] == ["Incident summary", "Impact", "Timeline"]
