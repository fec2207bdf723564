"""The Timeline and Five whys outlines come from a line scan, not a Markdown parse: prove
that whenever the scan answers, it answers what markdown-it's CommonMark parser does, and
that it answers for the sections real COEs have."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coe.core.blocks import Item, ListStart, Paragraph, outline, reference, scan
from coe.core.body import _section_spans
from tests.test_body_scan import bodies


@pytest.mark.parametrize(("name", "body"), bodies(), ids=[name for name, _ in bodies()])
def test_the_scan_agrees_with_commonmark_on_every_fixture_section(name: str, body: str) -> None:
    for section, _ in _section_spans(body.split("\n"), 1):
        found = scan(section.text)
        assert found is None or found == reference(section.text), section.title


@pytest.mark.parametrize(("name", "body"), [b for b in bodies() if b[0].startswith("coes/")])
def test_the_scan_reads_the_example_coes_lists_without_markdown_it(name: str, body: str) -> None:
    for section, _ in _section_spans(body.split("\n"), 1):
        if section.key in ("timeline", "five whys"):
            assert scan(section.text) is not None, section.title


# Lines the scan reads, and lines that make it hand the section to markdown-it.
PLAIN = [
    "",
    "- 2026-03-02 14:05 UTC - Deploy.",
    "- **2026-03-02 14:05 UTC** - Bold stamp.",
    "    - Gap: waited for the lock.",
    "  - Gap: nested by two.",
    "   - nested by three",
    "     - nested by five",
    "1. Why did it fail?",
    "2. Because.",
    "10. Ten.",
    "1) A paren.",
    "3. Three.",
    "0. Zero.",
    "01. One with a zero.",
    "2026. A year.",
    "-  Two spaces.",
    "-    Four spaces.",
    "  continued at two",
    "   continued at three",
    "    continued at four",
    "        continued at eight",
    "continued at zero",
    " one space",
    "The problem.",
    "*emphasis* first",
    "\u00a0no-break space",
    "   ",
    "- trailing spaces  ",
    # Characters Python's str.strip() removes and CommonMark keeps, and the reverse.
    "- ends in a separator\x1c",
    "\x1e",
    "  \x1f",
    "1. a line\x85break",
    "\x0b- vertical tab",
    "\u3000ideographic space",
    "- \u2003em space",
    "text\u2029",
]
OTHER = [
    "- ",
    "-",
    "* star",
    "+ plus",
    "```",
    "~~~",
    "## Heading",
    "> quote",
    "<div>",
    "<!-- coe-ignore timeline-gap: reason -->",
    "---",
    "===",
    "- - nested on one line",
    "- 1. ordered in a bullet",
    "  1. nested ordered",
    "-     five spaces",
    " - one-space dash",
    "      - six",
    "[ref]: /url",
    "    indented four",
    "a\ttab",
]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PLAIN), max_size=14))
def test_the_scan_agrees_with_commonmark_on_plain_sections(lines: list[str]) -> None:
    text = "\n".join(lines)
    found = scan(text)
    assert found is None or found == reference(text)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(PLAIN + OTHER), max_size=14))
def test_the_scan_agrees_with_commonmark_or_leaves_the_section(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert outline(text) == reference(text)


def test_the_scan_reads_a_timeline_with_wrapped_entries_and_gap_notes() -> None:
    text = "\n".join(
        [
            "",
            "- 2026-03-02 14:05 UTC - Deploy",
            "  starts.",
            "    - Gap: the lock",
            "      was held.",
            "",
            "After.",
        ]
    )
    assert scan(text) == [
        ListStart(1, False),
        Item(1, 1, "2026-03-02 14:05 UTC - Deploy\nstarts."),
        Item(3, 2, "Gap: the lock\nwas held."),
        Paragraph(6, "After."),
    ]


@pytest.mark.parametrize("line", OTHER)
def test_other_blocks_are_left_to_markdown_it(line: str) -> None:
    assert scan(f"The problem.\n\n{line}\n") is None
