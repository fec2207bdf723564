"""The Markdown body as the rules see it: sections, timeline entries and whys, with lines.

Only block structure is read, never inline markup. Headings are CommonMark's top-level
headings: a line scan finds them in bodies made of the constructs it models (almost every
COE), and markdown-it's block parser in any other body. The Timeline and Five whys lists
come from the outline in ``blocks``. Every line is a 1-based line of the file,
front-matter included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

from .blocks import MD_TRIM, Block, Item, ListStart, Paragraph, block_parser, outline

# The contract's sections, in order, by the key a heading is matched with.
REQUIRED_SECTIONS: tuple[str, ...] = (
    "incident summary",
    "impact",
    "timeline",
    "metrics",
    "incident questions",
    "five whys",
    "action items",
    "related items",
)
INCIDENT_QUESTIONS: tuple[str, ...] = ("detection", "diagnosis", "mitigation", "prevention")
# The sections whose text is read after checking (to compare incidents); the others only
# by their lines.
PROSE_SECTIONS: tuple[str, ...] = ("incident summary", "impact")
# The sections under which a COE's page places the front-matter's action items and
# relations: kept, without their text, after checking.
PLACED_SECTIONS: tuple[str, ...] = ("action items", "related items")

_TIMESTAMP = re.compile(
    r"(?P<wrap>\*\*|`)?"
    r"(?P<date>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[ T]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?"
    r"(?P<zone> UTC|Z|[+-][0-9]{2}:[0-9]{2})"
    r"(?P=wrap)?"
    r"[ \t]*(?:-|–|—|:)[ \t]*(?P<event>\S.*)?",
    re.DOTALL,
)
_SPACES = re.compile(r"\s+")


def heading_key(text: str) -> str:
    """How headings are matched: case-insensitive, spacing folded, emphasis ignored."""
    return _SPACES.sub(" ", text.replace("*", "").replace("_", " ")).strip().casefold()


@dataclass(frozen=True, slots=True)
class Section:
    """A second- or third-level heading and the lines up to the next heading at its level
    or above. ``end_line`` is exclusive."""

    level: int
    title: str
    key: str
    line: int
    end_line: int
    text: str


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    line: int
    text: str
    time: datetime | None
    problem: str | None = None
    gap_note: str | None = None


@dataclass(frozen=True, slots=True)
class Why:
    number: int
    line: int
    text: str


@dataclass(slots=True)
class Body:
    sections: list[Section] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    whys: list[Why] = field(default_factory=list)
    whys_problem: str = ""

    def section(self, key: str, level: int = 2) -> Section | None:
        """The first section with this heading key at this level."""
        return next((s for s in self.sections if s.key == key and s.level == level), None)

    def prose(self) -> Body:
        """The part of a body read once it is checked: the ``PROSE_SECTIONS`` and the five
        whys, which similarity compares, and where the ``PLACED_SECTIONS`` are."""
        sections = [
            s
            if s.key in PROSE_SECTIONS
            else Section(s.level, s.title, s.key, s.line, s.end_line, "")
            for s in self.sections
            if s.level == 2 and s.key in PROSE_SECTIONS + PLACED_SECTIONS
        ]
        return Body(sections=sections, whys=self.whys, whys_problem=self.whys_problem)

    def subsections(self, parent: Section) -> list[Section]:
        return [
            s
            for s in self.sections
            if s.level == parent.level + 1 and parent.line < s.line < parent.end_line
        ]


def parse_timestamp(text: str) -> tuple[datetime | None, str | None, str]:
    """Parse an entry's leading timestamp: (time, problem, event text)."""
    match = _TIMESTAMP.match(text)
    if match is None:
        return (
            None,
            "does not start with a timestamp such as `2026-03-02 14:05 UTC - ...`",
            text,
        )
    # All groups at once: looking each up by name costs more than the match.
    wrap, year, month, day, hour, minute, second, zone, event = match.groups()
    if wrap and not text[match.end("zone") :].startswith(wrap):
        return None, "has an unbalanced `**` or backtick around its timestamp", text
    zone = zone.strip()
    tz: timezone
    if zone in ("UTC", "Z"):
        tz = UTC
    else:
        sign = 1 if zone[0] == "+" else -1
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            return None, f"has an impossible zone offset {zone}", text
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        time = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=tz
        )
    except ValueError as exc:
        return None, f"has an impossible date or time ({exc})", text
    return time, None, (event or "").strip()


# The characters that start nothing but paragraph text: most lines, decided at once.
_TEXT_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ(\"'!$%&,./:;?@^{|}\\")
_ORDERED = re.compile(r"[0-9]{1,9}[.)](?= |$)")
_BREAK = re.compile(r"([-*_])(?: *\1){2,} *$")
_UNDERLINE = re.compile(r"(?:=+|-+) *$")
# A bracket that cannot open a link reference definition: a label without brackets or
# backslashes, closed on its line and not followed by a colon.
_NOT_A_DEFINITION = re.compile(r"\[[^\[\]\\]*\](?!:)")
# What may open an HTML block; "<" followed by anything else is text.
_HTML_START = re.compile(r"<[A-Za-z/!?]")
# Characters the scan leaves to the parser wherever they are: a tab counts as up to four
# columns, CR is a line break and NUL is replaced, all three only by the parser.
_PARSER_ONLY = ("\t", "\r", "\0")

# What the content of a line (after its indentation) opens, to the scan.
_UNKNOWN, _TEXT, _ATX, _FENCE, _COMMENT, _MARKER, _BREAK_LINE, _UNDERLINE_LINE = range(8)


def _kind(content: str) -> int:
    """What a line's content (without its indentation) opens; ``_UNKNOWN`` for what the
    scan leaves to the parser."""
    first = content[0]
    if first in _TEXT_START:
        return _TEXT
    if first == "#":
        hashes = len(content) - len(content.lstrip("#"))
        return _ATX if hashes <= 6 and content[hashes : hashes + 1] in ("", " ") else _TEXT
    if first in "-*_+=":
        if first in "-*_" and _BREAK.match(content):
            return _BREAK_LINE
        if first in "-*+" and content[1:2] in ("", " "):
            return _MARKER
        return _UNDERLINE_LINE if _UNDERLINE.match(content) else _TEXT
    if first.isdigit():
        return _MARKER if _ORDERED.match(content) else _TEXT
    if first in "`~":
        run = len(content) - len(content.lstrip(first))
        if run < 3 or (first == "`" and "`" in content[run:]):
            return _TEXT
        return _FENCE
    if first == "<":
        if content.startswith("<!--"):
            return _COMMENT
        return _UNKNOWN if _HTML_START.match(content) else _TEXT
    if first == "[":
        return _TEXT if _NOT_A_DEFINITION.match(content) else _UNKNOWN
    return _UNKNOWN if first == ">" else _TEXT


def _atx_title(content: str) -> str:
    """An ATX heading's title, cut as CommonMark cuts it: a closing run of ``#`` goes only
    after a space, so ``### ###`` is an empty heading and ``# C#`` keeps its ``#``."""
    text = content.lstrip("#").rstrip(" ")
    cut = text.rstrip("#")
    if cut.endswith(" "):
        text = cut
    return text.strip(MD_TRIM)


def _interrupts(kind: int, content: str, in_container: bool) -> bool:
    """Whether a line of this kind ends the open paragraph. A list item always does when
    it is less indented than the paragraph's item; else only a bullet or an item
    numbered 1, with text."""
    if kind in (_TEXT, _UNDERLINE_LINE):
        return False
    if kind != _MARKER or not in_container:
        return True
    digits = len(content) - len(content.lstrip("0123456789"))
    rest = content[digits + 1 if digits else 1 :].strip(" ")
    return bool(rest) and (not digits or int(content[:digits]) == 1)


def _scan_headings(lines: list[str]) -> list[tuple[int, int, int, str]] | None:
    """The top-level headings by a line scan, or None when a line holds a construct the
    scan leaves to the parser: block quotes, HTML other than comments, possible link
    reference definitions, empty list items, items that open with a break or indented
    code.

    The scan models paragraphs (with their lazy continuation lines), ATX and setext
    headings, thematic breaks, fenced and indented code, HTML comments, and list items
    nested to any depth, each by the indent of its content."""
    found: list[tuple[int, int, int, str]] = []
    items: list[int] = []  # the content indent of each open list item, outermost first
    paragraph: int | None = None  # the first line of the open paragraph
    fence: tuple[str, int] | None = None  # its character and length
    comment = False  # an HTML comment block is open
    base = 0  # the content indent of the item that holds the open fence or comment
    for index, line in enumerate(lines):
        content = line.lstrip(" ")
        indent = len(line) - len(content)
        if fence is not None or comment:
            if not content:
                continue
            if indent >= base:
                if fence is not None:
                    run = len(content) - len(content.lstrip(fence[0]))
                    if indent - base <= 3 and run >= fence[1] and not content[run:].strip(" "):
                        fence = None
                elif "-->" in content:
                    comment = False
                continue
            # A less indented line ends the list item, and with it the code or comment.
            fence, comment = None, False
        if not content:
            paragraph = None
            continue
        if paragraph is not None and content[0] in _TEXT_START:
            continue  # more text of the open paragraph: the most common line
        kind = _kind(content)
        if kind == _UNKNOWN:
            if paragraph is None or content[0] != "[":
                return None
            kind = _TEXT  # a definition cannot interrupt a paragraph
        container = items[-1] if items else 0
        if paragraph is not None:
            if indent - container > 3:
                continue  # an indented line continues a paragraph
            if indent >= container and content[0] in "-=" and _UNDERLINE.match(content):
                if not items:
                    title = "\n".join(lines[paragraph:index]).strip(MD_TRIM)
                    found.append((paragraph, 1 if content[0] == "=" else 2, index + 1, title))
                paragraph = None
                continue
            if not _interrupts(kind, content, indent >= container):
                continue  # a continuation line; lazy when less indented than its item
            paragraph = None
        if 4 <= indent < container:
            return None  # deeper than a list marker may start, shallower than its item
        while items and items[-1] > indent:
            items.pop()
        container = items[-1] if items else 0
        if indent - container >= 4:
            continue  # indented code
        while kind == _MARKER:
            digits = len(content) - len(content.lstrip("0123456789"))
            rest = content[digits + 1 if digits else 1 :].lstrip(" ")
            spaces = len(content) - (digits + 1 if digits else 1) - len(rest)
            if not rest or spaces > 4:
                return None  # an empty item, or one that opens with indented code
            indent += len(content) - len(rest)
            items.append(indent)
            content = rest
            kind = _kind(content)
            if kind in (_UNKNOWN, _BREAK_LINE, _UNDERLINE_LINE):
                return None  # an item that opens with a block the scan leaves alone
        if kind in (_TEXT, _UNDERLINE_LINE):
            paragraph = index
        elif kind == _ATX:
            if not items:
                level = len(content) - len(content.lstrip("#"))
                found.append((index, level, index + 1, _atx_title(content)))
        elif kind == _FENCE:
            fence = (content[0], len(content) - len(content.lstrip(content[0])))
            base = items[-1] if items else 0
        elif kind == _COMMENT and "-->" not in content:
            comment, base = True, items[-1] if items else 0
    return found


def _reference_headings(text: str) -> list[tuple[int, int, int, str]]:
    """The top-level headings by markdown-it's CommonMark block parser."""
    tokens = block_parser().parse(text)
    return [
        (token.map[0], int(token.tag[1]), token.map[1], tokens[position + 1].content)
        for position, token in enumerate(tokens)
        if token.type == "heading_open" and token.level == 0 and token.map is not None
    ]


def _headings(lines: list[str]) -> list[tuple[int, int, int, str]]:
    """(first line index, level, index after the heading, title) of each top-level
    heading, as CommonMark reads them: by the line scan where it models every line, else
    by markdown-it (``tests/test_commonmark_sections.py`` holds both to markdown-it on
    every example of the CommonMark spec)."""
    text = "\n".join(lines)
    found = None
    if not any(char in text for char in _PARSER_ONLY):
        found = _scan_headings(lines)
    return _reference_headings(text) if found is None else found


def _section_spans(lines: list[str], first_line: int) -> list[tuple[Section, int]]:
    """Each level-2 and level-3 section, with the index of its first line after the
    heading."""
    headings = _headings(lines)
    sections: list[tuple[Section, int]] = []
    for position, (start, level, heading_end, title) in enumerate(headings):
        end = len(lines)
        # Indexes, not a slice: copying the rest of the list for every heading would make
        # a body of many headings quadratic.
        for later in range(position + 1, len(headings)):
            if headings[later][1] <= level:
                end = headings[later][0]
                break
        if level not in (2, 3):
            continue
        section = Section(
            level=level,
            title=title,
            key=heading_key(title),
            line=first_line + start,
            end_line=first_line + end,
            text="\n".join(lines[heading_end:end]),
        )
        sections.append((section, heading_end))
    return sections


def _timeline(blocks: list[Block], first_line: int) -> list[TimelineEntry]:
    """Entries are the items of the lists from the first top-level bullet list on; a
    nested item that starts with "Gap:" notes the gap after the entry above it."""
    entries: list[TimelineEntry] = []
    started = False
    for block in blocks:
        if isinstance(block, ListStart) and not block.ordered:
            started = True
        if not started or not isinstance(block, Item):
            continue
        if block.depth == 1:
            time, problem, event = parse_timestamp(block.text)
            entries.append(TimelineEntry(first_line + block.line, event, time, problem))
        elif entries and block.text.lower().startswith("gap:"):
            last = entries[-1]
            if last.gap_note is None:
                note = block.text[4:].strip()
                entries[-1] = TimelineEntry(last.line, last.text, last.time, last.problem, note)
    return entries


def _whys(blocks: list[Block], first_line: int) -> tuple[list[Why], str]:
    """The whys are the items of the first top-level numbered list; the paragraphs above
    it state the problem."""
    whys: list[Why] = []
    problem: list[str] = []
    in_list = False
    for block in blocks:
        if isinstance(block, ListStart):
            if block.ordered and whys:
                break
            in_list = block.ordered
        elif isinstance(block, Paragraph):
            in_list = False
            if not whys:
                problem.append(block.text)
        elif in_list and block.depth == 1:
            whys.append(Why(len(whys) + 1, first_line + block.line, block.text))
    return whys, "\n".join(problem)


def parse_body(text: str, first_line: int) -> Body:
    """Parse the body whose first line is line ``first_line`` of the file. Sections come
    from a scan of the lines; the Timeline and Five whys lists from their outlines."""
    lines = text.split("\n")
    spans = _section_spans(lines, first_line)
    body = Body(sections=[section for section, _ in spans])
    for section, content in spans:
        if section.level != 2 or section.key not in ("timeline", "five whys"):
            continue
        if section.key == "timeline" and body.timeline:
            continue
        blocks = outline(section.text)
        if section.key == "timeline":
            body.timeline = _timeline(blocks, first_line + content)
        elif not body.whys:
            body.whys, body.whys_problem = _whys(blocks, first_line + content)
    return body
