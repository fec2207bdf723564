"""The block outline of one section: its top-level paragraphs, the lists that start at its
top level, and their items one and two levels deep, each with its first paragraph.

That outline is all the Timeline and Five whys rules read. A line scan reads it for the
plain shape those sections almost always have (dash items, numbered items, gap notes
nested under them, wrapped lines); anything else, from a fence to a tab, goes to
markdown-it, whose CommonMark answer is the reference. ``tests/test_blocks.py`` holds the
scan to markdown-it's answer on every fixture and on generated sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A top-level paragraph (or heading) and its text."""

    line: int
    text: str


@dataclass(frozen=True, slots=True)
class ListStart:
    """A list that starts at the section's top level."""

    line: int
    ordered: bool


@dataclass(frozen=True, slots=True)
class Item:
    """A list item: depth 1 in a top-level list, depth 2 in a list nested in one. ``text``
    is its first paragraph, empty when it has none."""

    line: int
    depth: int
    text: str


Block = Paragraph | ListStart | Item


@cache
def block_parser() -> MarkdownIt:
    # Imported here: most runs never need it. Inline markup is left unparsed, since block
    # structure is all the outline needs.
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").disable("inline")


def outline(text: str) -> list[Block]:
    """The outline of a section's text; lines count from 0, the text's first line."""
    return scan(text) or reference(text)


# --- the reference: markdown-it ---------------------------------------------------------


def _first_paragraph(tokens: list[Token], item_index: int) -> str:
    for tok in tokens[item_index + 1 :]:
        if tok.type == "inline":
            return tok.content
        if tok.type in ("list_item_close", "bullet_list_open", "ordered_list_open"):
            return ""
    return ""


def reference(text: str) -> list[Block]:
    """The outline by markdown-it's CommonMark block parser."""
    blocks: list[Block] = []
    tokens = block_parser().parse(text)
    for index, tok in enumerate(tokens):
        if tok.map is None:
            continue
        if tok.level == 0 and tok.type in ("bullet_list_open", "ordered_list_open"):
            blocks.append(ListStart(tok.map[0], tok.type == "ordered_list_open"))
        elif tok.type == "list_item_open" and tok.level in (1, 3):
            depth = 1 if tok.level == 1 else 2
            blocks.append(Item(tok.map[0], depth, _first_paragraph(tokens, index)))
        elif tok.type in ("paragraph_open", "heading_open") and tok.level == 0:
            blocks.append(Paragraph(tok.map[0], tokens[index + 1].content))
    return blocks


# --- the scan -------------------------------------------------------------------------

# A dash or numbered marker, the spaces after it and the item's text.
_MARKER = re.compile(r"( *)(-|[0-9]{1,9}[.)])(?:( +)(.*))?$")
# What starts a block other than a paragraph or a dash or numbered item: headings,
# quotes, HTML, fences, other bullets, setext underlines, thematic breaks and link
# reference definitions (any "[" but one closing a label without brackets or backslashes
# on its line, not followed by ":"). A line that starts with one of these leaves the scan.
_OTHER_BLOCK = re.compile(
    r" *(?:[#>]|<|```|~~~|[*+](?: |$)|=+ *$|-+ *$|\[(?![^\[\]\\]*\](?!:))"
    r"|([-*_])(?: *\1){2,} *$)"
)


# What CommonMark trims from a paragraph's ends: not ``str.strip()``'s set, which also
# takes U+001C to U+001F and U+0085.
MD_TRIM = (
    "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


@dataclass(slots=True)
class _Open:
    """The paragraph being read: its block index in the outline (None when its text is
    not kept), its container's content indent, its lines so far, and the line and depth
    of the block it becomes (depth 0: a top-level paragraph, else an item's)."""

    block: int | None
    indent: int
    lines: list[str]
    line: int = 0
    depth: int = 0


# Holds an open paragraph's place in the outline until it is closed: every one is.
_PENDING = Paragraph(-1, "")


def scan(text: str) -> list[Block] | None:
    """The outline by a line scan, or None when the text has a shape the scan leaves to
    markdown-it."""
    if "\t" in text or "\r" in text or "\0" in text:
        return None
    blocks: list[Block] = []
    top: int | None = None  # content indent of the open top-level item
    nested: int | None = None  # content indent of the open nested item
    kind: str | None = None  # marker kind of the open top-level list: "-", "." or ")"
    paragraph: _Open | None = None

    def close() -> None:
        nonlocal paragraph
        if paragraph is not None and paragraph.block is not None:
            joined = "\n".join(paragraph.lines).strip(MD_TRIM)
            line, depth = paragraph.line, paragraph.depth
            block = Item(line, depth, joined) if depth else Paragraph(line, joined)
            blocks[paragraph.block] = block
        paragraph = None

    for number, line in enumerate(text.split("\n")):
        if not line.strip(" "):
            close()
            continue
        if _OTHER_BLOCK.match(line):
            return None
        indent = len(line) - len(line.lstrip(" "))
        marker = _MARKER.match(line)
        if marker is not None:
            spaces, content = marker[3] or "", marker[4] or ""
            if not content.strip(" ") or len(spaces) > 4:
                return None  # an empty item, or one that starts with indented code
            if _OTHER_BLOCK.match(content) or _MARKER.match(content):
                return None  # an item that starts with another block
            sign = marker[2][-1] if marker[2] != "-" else "-"
            width = indent + len(marker[2]) + len(spaces)
            if indent == 0:
                top_paragraph = paragraph is not None and paragraph.indent == 0
                if sign != "-" and top_paragraph and int(marker[2][:-1]) != 1:
                    return None  # not an item: the paragraph's next line
                close()
                if kind != sign:
                    blocks.append(ListStart(number, sign != "-"))
                    kind = sign
                top, nested = width, None
                blocks.append(_PENDING)
                paragraph = _Open(len(blocks) - 1, width, [content], number, 1)
                continue
            if (
                top is None
                or sign != "-"
                or not top <= indent < top + 4
                or (nested is not None and indent >= nested)
            ):
                return None  # an item at a depth or of a kind the scan leaves alone
            close()
            nested = width
            blocks.append(_PENDING)
            paragraph = _Open(len(blocks) - 1, width, [content], number, 2)
            continue
        if paragraph is not None:
            # A continuation line: the paragraph's indent is taken off, no more.
            paragraph.lines.append(line[min(indent, paragraph.indent) :])
            continue
        if nested is not None and indent >= nested:
            if indent >= nested + 4:
                return None
            paragraph = _Open(None, nested, [])
        elif top is not None and indent >= top:
            if indent >= top + 4:
                return None
            nested = None
            paragraph = _Open(None, top, [])
        else:
            if indent >= 4:
                return None  # indented code
            top = nested = kind = None
            blocks.append(_PENDING)
            paragraph = _Open(len(blocks) - 1, 0, [line], number, 0)
    close()
    return blocks
