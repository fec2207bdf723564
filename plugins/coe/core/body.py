"""The Markdown body as the rules see it: sections, timeline entries and whys, with lines.

Only block structure is read, never inline markup: headings come from a line scan, and
the Timeline and Five whys lists from the outline in ``blocks``. Every line is a 1-based
line of the file, front-matter included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

from .blocks import Block, Item, ListStart, Paragraph, outline

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

    def placed(self) -> Body:
        """Only where the ``PLACED_SECTIONS`` are: what a page reads of a checked body."""
        sections = [
            Section(s.level, s.title, s.key, s.line, s.end_line, "")
            for s in self.sections
            if s.level == 2 and s.key in PLACED_SECTIONS
        ]
        return Body(sections=sections)

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
    if match["wrap"] and not text[match.end("zone") :].startswith(match["wrap"]):
        return None, "has an unbalanced `**` or backtick around its timestamp", text
    zone = match["zone"].strip()
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
            int(match["date"]),
            int(match["month"]),
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"] or 0),
            tzinfo=tz,
        )
    except ValueError as exc:
        return None, f"has an impossible date or time ({exc})", text
    return time, None, (match["event"] or "").strip()


_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)$")
_LIST_OR_QUOTE = re.compile(r" {0,3}(?:[-+*]|[0-9]{1,9}[.)]|>)(?:[ \t]|$)")
_HTML_RAW = re.compile(r" {0,3}<(script|pre|style|textarea)(?:[\s>]|$)", re.IGNORECASE)
_HTML_BLOCK = re.compile(
    r" {0,3}</?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col"
    r"|colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form"
    r"|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem"
    r"|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td"
    r"|tfoot|th|thead|title|tr|track|ul)(?:[\s/>]|$)",
    re.IGNORECASE,
)


def _closes_fence(line: str, fence: tuple[str, int]) -> bool:
    stripped = line.strip()
    return (
        len(line) - len(line.lstrip(" ")) <= 3
        and len(stripped) >= fence[1]
        and stripped == fence[0] * len(stripped)
    )


def _starts_container(line: str, paragraph_open: bool) -> bool:
    """Whether ``line`` starts a list item or a block quote. While a paragraph is open,
    only a non-empty bullet item or an item numbered 1 interrupts it."""
    marker = _LIST_OR_QUOTE.match(line)
    if marker is None:
        return False
    if not paragraph_open or marker[0].strip() == ">":
        return True
    rest = line[marker.end() :].strip()
    number = marker[0].strip().rstrip(".)")
    return bool(rest) and (not number.isdigit() or int(number) == 1)


def _interrupts(line: str) -> bool:
    """Whether ``line`` starts a block that ends a paragraph (so it is no lazy
    continuation of a list item or quote)."""
    return bool(
        _ATX.match(line)
        or _BREAK.match(line)
        or _starts_container(line, True)
        or line.lstrip(" ").startswith("<!--")
        or _HTML_RAW.match(line)
        or _HTML_BLOCK.match(line)
    )


def _headings(lines: list[str]) -> list[tuple[int, int, int, str]]:
    """(first line index, level, index after the heading, title) of each top-level
    heading: ATX and setext headings outside code fences, HTML blocks, list items and
    block quotes, the way CommonMark reads them. A scan of the lines, far cheaper than a
    full block parse (``tests/test_body_scan.py`` holds it to markdown-it's answers)."""
    found: list[tuple[int, int, int, str]] = []
    fence: tuple[str, int] | None = None
    html_end: str | None = None  # "-->", "</script>"..., or "" for "a blank line"
    paragraph: int | None = None  # where an open top-level paragraph began
    container = False  # inside a list item or a block quote
    after_blank = False
    for index, line in enumerate(lines):
        if fence is not None:
            if _closes_fence(line.lstrip(" ") if container else line, fence):
                fence = None
            continue
        if html_end is not None:
            if (html_end == "" and not line.strip()) or (html_end and html_end in line.lower()):
                html_end = None
            continue
        if not line.strip():
            paragraph, after_blank = None, True
            continue
        indent = len(line) - len(line.lstrip(" "))
        opener = _FENCE.match(line.lstrip(" ") if container else line)
        fence_opens = opener is not None and not (opener[2][0] == "`" and "`" in opener[3])
        if (
            container
            and (indent > 0 or not after_blank)
            and not (indent == 0 and (fence_opens or _interrupts(line)))
        ):
            # The content of a list item or quote, or a lazy continuation of it.
            if fence_opens and opener is not None:
                fence = (opener[2][0], len(opener[2]))
            after_blank = False
            continue
        container, after_blank = False, False
        if fence_opens and opener is not None:
            fence, paragraph = (opener[2][0], len(opener[2])), None
            continue
        heading = _ATX.match(line)
        if heading:
            found.append((index, len(heading[1]), index + 1, (heading[2] or "").strip()))
            paragraph = None
            continue
        underline = _SETEXT.match(line)
        if underline and paragraph is not None:
            title = "\n".join(lines[paragraph:index]).strip()
            found.append((paragraph, 1 if underline[1][0] == "=" else 2, index + 1, title))
            paragraph = None
            continue
        if _BREAK.match(line):
            paragraph = None
            continue
        stripped = line.lstrip(" ")
        raw = _HTML_RAW.match(line)
        if indent <= 3 and stripped.startswith("<!--"):
            if "-->" not in stripped[4:]:
                html_end = "-->"
            paragraph = None
            continue
        if raw:
            closer = f"</{raw[1].lower()}>"
            if closer not in line.lower():
                html_end = closer
            paragraph = None
            continue
        if _HTML_BLOCK.match(line):
            html_end, paragraph = "", None
            continue
        if _starts_container(line, paragraph is not None):
            container, paragraph = True, None
            continue
        if indent >= 4 and paragraph is None:
            continue  # indented code
        if paragraph is None:
            paragraph = index
    return found


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
