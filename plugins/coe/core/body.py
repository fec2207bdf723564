"""The Markdown body as the rules see it: sections, timeline entries and whys, with lines.

Only block structure is parsed (markdown-it-py with its inline rule disabled): headings,
lists and paragraphs are all the rules need, and inline parsing is most of the cost.
Every line is a 1-based line of the file, front-matter included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

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


@cache
def _parser() -> MarkdownIt:
    # Headings and lists are all the rules need: tables (found by the Metrics rule in the
    # text) and inline markup are left unparsed, which is most of the cost.
    return MarkdownIt("commonmark").disable("inline")


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


def _section_spans(tokens: list[Token], lines: list[str], first_line: int) -> list[Section]:
    headings = [
        (index, int(tok.tag[1]))
        for index, tok in enumerate(tokens)
        if tok.type == "heading_open" and tok.tag in ("h1", "h2", "h3") and tok.map
    ]
    sections: list[Section] = []
    for position, (index, level) in enumerate(headings):
        start = tokens[index].map[0]  # type: ignore[index]
        end = len(lines)
        # Indexes, not a slice: copying the rest of the list for every heading would make
        # a body of many headings quadratic.
        for later in range(position + 1, len(headings)):
            later_index, later_level = headings[later]
            if later_level <= level:
                end = tokens[later_index].map[0]  # type: ignore[index]
                break
        if level == 1:
            continue
        title = tokens[index + 1].content.strip()
        heading_end = tokens[index].map[1]  # type: ignore[index]
        sections.append(
            Section(
                level=level,
                title=title,
                key=heading_key(title),
                line=first_line + start,
                end_line=first_line + end,
                text="\n".join(lines[heading_end:end]),
            )
        )
    return sections


def _token_range(tokens: list[Token], section: Section, first_line: int) -> range:
    """Indexes of the tokens inside ``section`` (after its heading)."""
    start = end = None
    for index, tok in enumerate(tokens):
        if tok.map is None or tok.level != 0:
            continue
        line = first_line + tok.map[0]
        if start is None and line > section.line:
            start = index
        if line >= section.end_line:
            end = index
            break
    if start is None:
        return range(0)
    return range(start, len(tokens) if end is None else end)


def _first_paragraph(tokens: list[Token], item_index: int) -> Token | None:
    """The inline token of a list item's first paragraph."""
    for tok in tokens[item_index + 1 :]:
        if tok.type == "inline":
            return tok
        if tok.type in ("list_item_close", "bullet_list_open", "ordered_list_open"):
            return None
    return None


def _timeline(tokens: list[Token], span: range, first_line: int) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    list_level: int | None = None
    for index in span:
        tok = tokens[index]
        if tok.type == "bullet_list_open" and tok.level == 0 and list_level is None:
            list_level = 1
        if list_level is None or tok.type != "list_item_open" or tok.map is None:
            continue
        inline = _first_paragraph(tokens, index)
        text = inline.content if inline else ""
        if tok.level == list_level:
            time, problem, event = parse_timestamp(text)
            entries.append(TimelineEntry(first_line + tok.map[0], event, time, problem))
        elif tok.level == list_level + 2 and entries and text.lower().startswith("gap:"):
            last = entries[-1]
            if last.gap_note is None:
                entries[-1] = TimelineEntry(
                    last.line, last.text, last.time, last.problem, text[4:].strip()
                )
    return entries


def _whys(tokens: list[Token], span: range, first_line: int) -> tuple[list[Why], str]:
    whys: list[Why] = []
    problem: list[str] = []
    in_list = False
    for index in span:
        tok = tokens[index]
        if tok.type == "ordered_list_open" and tok.level == 0:
            if whys:
                break
            in_list = True
        elif tok.type == "ordered_list_close" and tok.level == 0:
            in_list = False
        elif in_list and tok.type == "list_item_open" and tok.level == 1 and tok.map:
            inline = _first_paragraph(tokens, index)
            whys.append(
                Why(len(whys) + 1, first_line + tok.map[0], inline.content if inline else "")
            )
        elif not whys and not in_list and tok.type == "inline" and tok.level == 1:
            problem.append(tok.content)
    return whys, "\n".join(problem)


def parse_body(text: str, first_line: int) -> Body:
    """Parse the body whose first line is line ``first_line`` of the file."""
    tokens = _parser().parse(text)
    lines = text.split("\n")
    body = Body(sections=_section_spans(tokens, lines, first_line))
    timeline = body.section("timeline")
    if timeline is not None:
        body.timeline = _timeline(tokens, _token_range(tokens, timeline, first_line), first_line)
    whys = body.section("five whys")
    if whys is not None:
        body.whys, body.whys_problem = _whys(
            tokens, _token_range(tokens, whys, first_line), first_line
        )
    return body
