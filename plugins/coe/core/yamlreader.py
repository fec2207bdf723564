"""A strict, safe YAML reader for front-matter that remembers where every value came from.

It builds plain Python values from the parser's event stream (libyaml's C parser when
PyYAML has it, else PyYAML's pure-Python parser), so it never constructs arbitrary
objects, and it applies the contract's rules on the way:

* duplicate keys are an error naming both lines (never last-wins);
* anchors, aliases and explicit tags other than ``!!str`` are refused, so an alias bomb
  is rejected before anything is expanded;
* keys are strings; nesting is bounded;
* plain scalars resolve by a YAML 1.2-like core schema without the YAML 1.1 surprises:
  ``no``/``on``/``yes`` stay strings, ``12:30`` is not sexagesimal, ``0123`` is not octal,
  dates and times stay strings (the JSON Schema checks their format), ``.nan`` and
  ``.inf`` stay strings.

libyaml is a YAML 1.1 parser, and the reader brings it to YAML 1.2 where front-matter
meets the difference: tabs that YAML 1.2 allows as separation (a tab-only line between
fields, a tab after ``key:`` or ``- ``, a tab after a block scalar's indentation) are
repaired before parsing again, and what libyaml accepts but YAML 1.2 forbids (a comment
glued to a value, a quoted or ``[]`` value continued at too small an indent, ``[-]``,
``{?a: b}``) is a ``yaml-syntax`` error at its line, with the values still read.
``tests/test_yaml_suite.py`` holds the reader to the YAML test suite. The two parsers
agree (both read the same values, or both refuse) on every case of the suite but eleven,
listed in that test: PyYAML's own parser accepts unknown directives, a ``{}`` mapping
with empty values and a tab-only line opening a block scalar, and refuses trailing tabs,
a tab in a directive and ``a?b`` inside ``[]``, and takes the comma of ``!!str,`` inside
``{}`` into the tag, where libyaml reads all of these as YAML 1.2 does. Both give the same
values and positions for every COE.
"""

from __future__ import annotations

import bisect
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

import yaml

from .findings import Hit

try:  # libyaml's parser is several times faster (where the two differ: see above).
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 32
# Tabs that libyaml refuses and YAML 1.2 allows are repaired one parse at a time; a text
# with more of them than this is reported rather than parsed again and again.
_MAX_REPAIRS = 16
_SHARED = 24  # strings this short are interned: status, kind, owner and date values repeat
Path = tuple[str | int, ...]
Pos = tuple[int, int]

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(
    r"[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]+(?:[eE][-+]?[0-9]+)?|(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+)"
)
_NUMBER_START = frozenset("0123456789+-")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_PLAIN_SPECIAL = _NULLS | _BOOLS.keys()
_DUPLICATE = "\x00duplicate"  # the key under which a duplicate's value is read and dropped
# Line breaks to YAML 1.1 (and so to libyaml) but not to editors, Markdown or this reader.
_YAML_ONLY_BREAKS = ("\x85", "\u2028", "\u2029")
_STR_TAGS = frozenset({None, "!", "tag:yaml.org,2002:str"})
_COLLECTION_TAGS = frozenset({None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_MAPPING_START, _MAPPING_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQUENCE_START, _SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_DOCUMENT_START = yaml.DocumentStartEvent


def resolve_plain(text: str) -> Any:
    """The value of an unquoted scalar: null, bool, int, float or the text itself."""
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if text[0] not in _NUMBER_START:  # most keys and values: no need for the patterns
        return text
    if _INT.fullmatch(text):
        try:
            return int(text)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            return text
    if _FLOAT.fullmatch(text):
        number = float(text)
        # 1e999 would be infinity, which no field takes and JSON cannot represent.
        return number if math.isfinite(number) else text
    return text


@dataclass(slots=True)
class YamlDocument:
    """Values with their file positions: ``keys[path]`` for a mapping member's key,
    ``values[path]`` for where a value starts, and ``plain_text[path]`` for the source
    text of unquoted scalars that did not resolve to a string (for messages)."""

    value: Any = None
    keys: dict[Path, Pos] = field(default_factory=dict)
    values: dict[Path, Pos] = field(default_factory=dict)
    plain_text: dict[Path, str] = field(default_factory=dict)
    hits: list[tuple[str, Hit]] = field(default_factory=list)
    readable: bool = True

    def position(self, path: Path) -> Pos:
        """The best position for a finding about ``path``: its key, else its value, else
        the nearest enclosing node that has one."""
        while True:
            if path in self.keys:
                return self.keys[path]
            if path in self.values:
                return self.values[path]
            if not path:
                return (1, 1)
            path = path[:-1]


class _Abort(Exception):
    """Raised internally to stop at the first problem that makes the document unusable."""


@dataclass(slots=True)
class _Frame:
    container: dict[str, Any] | list[Any]
    path: Path
    column: int  # where the collection starts: what a block node's lines are indented past
    flow: bool  # written in [] or {}
    mapping: bool  # the container is a dict
    key: str | None = None
    key_pos: Pos | None = None
    skipping: bool = False  # the value being read belongs to a duplicate key: drop it
    start: Any = None  # the start mark of a flow collection inside a block one


def _has_yaml_only_breaks(source: str) -> bool:
    return any(char in source for char in _YAML_ONLY_BREAKS)


def _positions(source: str, first_line: int) -> Callable[[Any], Pos]:
    """How to turn a parser mark into a file position. libyaml also breaks lines at NEL,
    U+2028 and U+2029; where the text has one, lines are counted from the mark's character
    index so that positions stay file lines."""
    if not _has_yaml_only_breaks(source):

        def at(mark: Any) -> Pos:
            return (first_line + mark.line, mark.column + 1)

        return at
    line_starts = [0, *(i + 1 for i, char in enumerate(source) if char == "\n")]

    def by_index(mark: Any) -> Pos:
        index = bisect.bisect_right(line_starts, mark.index) - 1
        return (first_line + index, mark.index - line_starts[index] + 1)

    return by_index


class _Reader:
    """Builds a document from the parser's events, refusing what the contract refuses and
    what YAML 1.2 forbids but libyaml lets through."""

    def __init__(self, source: str, first_line: int) -> None:
        self.source = source
        self.doc = YamlDocument()
        self.first_line = first_line
        self.pos = _positions(source, first_line)
        self.stack: list[_Frame] = []
        self.in_flow = False  # the innermost open collection is written in [] or {}
        self.documents = 0
        # Where scalars are, to tell a comment from a "#" inside a value; kept only when
        # the text has a "#" at all.
        self.spans: list[tuple[int, int]] | None = [] if "#" in source else None

    def refuse(self, rule: str, message: str, mark: Any) -> NoReturn:
        line, column = self.pos(mark)
        self.doc.hits.append((rule, Hit(message, line, column)))
        raise _Abort

    def flag(self, message: str, index: int) -> None:
        """Report YAML that libyaml reads but YAML 1.2 forbids, at the character
        ``index``; the values are still read, so every other finding shows too."""
        line = self.source.count("\n", 0, index)
        column = index - self.source.rfind("\n", 0, index)
        hit = Hit(f"YAML syntax error: {message}", self.first_line + line, column)
        if ("yaml-syntax", hit) not in self.doc.hits:
            self.doc.hits.append(("yaml-syntax", hit))

    def read(self, events: Any) -> None:
        event: Any
        scalar = self.scalar  # bound once: a front-matter has hundreds of scalars
        # Most scalars are a key or a value in block style, without tag or anchor, in a
        # text without "#" and whose lines are the file's: those take the fast path below,
        # which does what ``scalar`` and ``place`` do for them, without the calls.
        fast = self.spans is None and not _has_yaml_only_breaks(self.source)
        stack, first_line, intern = self.stack, self.first_line, sys.intern
        keys, values, plain_text = self.doc.keys, self.doc.values, self.doc.plain_text
        for event in events:
            # Exact classes, tested most frequent first: libyaml emits no subclasses.
            kind = type(event)
            if kind is _SCALAR:
                if (
                    not (fast and stack)
                    or self.in_flow
                    or event.anchor is not None
                    or event.tag is not None
                ):
                    scalar(event)
                    continue
                style, value, mark = event.style, event.value, event.start_mark
                raw = None
                if not style:
                    # Text that is not null, a boolean or a number, without the call.
                    resolved = (
                        value
                        if value[:1] not in _NUMBER_START and value not in _PLAIN_SPECIAL
                        else resolve_plain(value)
                    )
                    if resolved is not value:
                        raw = None if isinstance(resolved, str) else value
                        value = resolved
                    elif len(value) <= _SHARED:
                        value = intern(value)
                elif style in ("'", '"') and mark.line != event.end_mark.line:
                    scalar(event)  # a quoted value over several lines: check its indent
                    continue
                elif len(value) <= _SHARED:
                    value = intern(value)
                at = (first_line + mark.line, mark.column + 1)
                top = stack[-1]
                container: Any = top.container
                if top.mapping:
                    key = top.key
                    if key is None:
                        if type(value) is str and value not in container:
                            # Interned: every COE repeats the same few dozen field names.
                            top.key = value if len(value) <= _SHARED else intern(value)
                            top.key_pos = at
                        else:
                            self.take_key(top, value, event)
                        continue
                    top.key = None
                    if top.skipping:
                        top.skipping = False
                        continue
                    path = (*top.path, key)
                    container[key] = value
                    keys[path] = top.key_pos or at
                else:
                    path = (*top.path, len(container))
                    container.append(value)
                values[path] = at
                if raw is not None:
                    plain_text[path] = raw
            elif kind is _MAPPING_START or kind is _SEQUENCE_START:
                self.start(event, kind is _MAPPING_START)
            elif kind is _MAPPING_END or kind is _SEQUENCE_END:
                frame = self.stack.pop()
                self.in_flow = bool(self.stack) and self.stack[-1].flow
                if frame.start is not None:
                    self.check_indent(frame.start, event.end_mark, comments=True)
            elif kind is _ALIAS:
                self.refuse(
                    "yaml-alias",
                    f"alias *{event.anchor} is not allowed: write the value out in full",
                    event.start_mark,
                )
            elif kind is _DOCUMENT_START:
                self.documents += 1
                if self.documents > 1:
                    self.refuse(
                        "front-matter",
                        "holds more than one YAML document: remove the `...` or `---` inside it",
                        event.start_mark,
                    )
        if self.spans is not None:
            self.check_comments()

    def check_tag(self, event: Any, allowed: frozenset[str | None]) -> None:
        if event.anchor is not None:
            self.refuse(
                "yaml-alias",
                f"anchor &{event.anchor} is not allowed: write values out in full",
                event.start_mark,
            )
        if event.tag not in allowed:
            self.refuse("yaml-tag", f"tag {event.tag} is not allowed: remove it", event.start_mark)

    def scalar(self, event: Any) -> None:
        if event.anchor is not None or event.tag not in _STR_TAGS:
            self.check_tag(event, _STR_TAGS)
        style = event.style
        if not style:
            if self.in_flow:
                self.check_flow_plain(event)
        elif (
            not self.in_flow
            and style in ("'", '"')
            and event.start_mark.line != event.end_mark.line
        ):
            self.check_indent(event.start_mark, event.end_mark, comments=False)
        if self.spans is not None:
            start = event.start_mark.index
            if style in ("|", ">"):  # a block scalar's header line may hold a comment
                start = self.source.find("\n", start)
                if start < 0:
                    start = event.end_mark.index
                self.check_header(event.start_mark.index, start)
            self.spans.append((start, event.end_mark.index))
        value = event.value
        if style or event.tag is not None:
            self.place(sys.intern(value) if len(value) <= _SHARED else value, event)
            return
        resolved = resolve_plain(value)
        if resolved is value:
            if len(value) <= _SHARED:
                resolved = sys.intern(value)  # statuses, kinds, dates: repeated
            self.place(resolved, event)
        else:
            self.place(resolved, event, None if isinstance(resolved, str) else value)

    def start(self, event: Any, mapping: bool) -> None:
        if event.anchor is not None or event.tag not in _COLLECTION_TAGS:
            self.check_tag(event, _COLLECTION_TAGS)
        stack = self.stack
        if len(stack) >= MAX_DEPTH:
            self.refuse(
                "yaml-depth",
                f"values are nested more than {MAX_DEPTH} levels deep",
                event.start_mark,
            )
        parent_path: Path = ()
        if stack:
            top = stack[-1]
            if not top.mapping:
                parent_path = (*top.path, len(top.container))
            elif top.key is None:
                self.refuse(
                    "yaml-key",
                    "a list or mapping cannot be a key: field names are text",
                    event.start_mark,
                )
            else:
                parent_path = (*top.path, top.key or "")
        container: dict[str, Any] | list[Any] = {} if mapping else []
        self.place(container, event)
        flow = bool(event.flow_style)
        frame = _Frame(container, parent_path, event.start_mark.column, flow, mapping)
        if flow and stack and not stack[-1].flow:
            frame.start = event.start_mark
        stack.append(frame)
        self.in_flow = flow

    def place(self, value: Any, event: Any, raw: str | None = None) -> None:
        """Attach a finished key or value (or the start of a collection) to its parent."""
        doc = self.doc
        if not self.stack:
            doc.value = value
            doc.values[()] = self.pos(event.start_mark)
            return
        top = self.stack[-1]
        if top.mapping:
            assert isinstance(top.container, dict)
            if top.key is None:
                self.take_key(top, value, event)
                return
            key = top.key
            path = (*top.path, key)
            top.key = None
            if top.skipping:
                top.skipping = False
                return
            top.container[key] = value
            doc.keys[path] = top.key_pos or self.pos(event.start_mark)
        else:
            assert isinstance(top.container, list)
            path = (*top.path, len(top.container))
            top.container.append(value)
        doc.values[path] = self.pos(event.start_mark)
        if raw is not None:
            doc.plain_text[path] = raw

    def take_key(self, top: _Frame, value: Any, event: Any) -> None:
        if not isinstance(value, str):
            shown = value
            if value is None or isinstance(value, bool):
                shown = "null" if value is None else str(value).lower()
            self.refuse(
                "yaml-key",
                f"key {shown} is not a string: field names are text (quote it if it must be kept)",
                event.start_mark,
            )
        assert isinstance(top.container, dict)
        if value in top.container:
            first = self.doc.keys.get((*top.path, value))
            where = f" (first on line {first[0]})" if first else ""
            line, column = self.pos(event.start_mark)
            message = (
                f"duplicate key '{value}'{where}: keep one; YAML would silently keep only the last"
            )
            self.doc.hits.append(("yaml-duplicate-key", Hit(message, line, column)))
            # The rest of the document is still read, keeping the first value.
            top.key = _DUPLICATE
            top.skipping = True
            return
        # Interned: every COE repeats the same few dozen field names.
        top.key = sys.intern(value)
        top.key_pos = self.pos(event.start_mark)

    # --- what libyaml accepts but YAML 1.2 forbids ---------------------------------------

    def check_flow_plain(self, event: Any) -> None:
        """Inside [] or {}, "-", "?" and ":" start a plain value only when a character other
        than a space follows; libyaml reads ``[-]`` as a dash and ``{?a: b}`` as key a."""
        value, index = event.value, event.start_mark.index
        if value[:1] in ("-", "?", ":") and value[1:2] in ("", " ", "\t"):
            self.flag(f"`{value[0]}` alone is not a value inside [] or {{}}: quote it", index)
        elif index > 0 and self.source[index - 1] == "?":
            self.flag(
                f"`?{value}` inside [] or {{}}: quote it, or put a space after `?`", index - 1
            )

    def check_indent(self, start: Any, end: Any, *, comments: bool) -> None:
        """The lines a quoted value or a [] / {} value continues on must be indented more
        than the mapping or list that holds it (libyaml accepts them at any indent)."""
        if not self.stack:
            return
        parent = next((frame for frame in reversed(self.stack) if not frame.flow), None)
        if parent is None:
            return
        source = self.source
        line_start = source.find("\n", start.index, end.index)
        while 0 <= line_start < end.index:
            line_start += 1
            line_end = source.find("\n", line_start)
            line = source[line_start : line_end if line_end >= 0 else len(source)]
            content = line.lstrip(" ")
            blank = not content.strip(" \t")
            if (
                not blank
                and not (comments and content.startswith("#"))
                and len(line) - len(content) <= parent.column
            ):
                self.flag(
                    "this line continues the value above, so it must be indented more "
                    f"than column {parent.column + 1}",
                    line_start,
                )
                return
            line_start = line_end

    def check_header(self, indicator: int, line_end: int) -> None:
        """A comment after a block scalar's ``|`` or ``>`` needs a space before its "#"."""
        header = self.source[indicator:line_end]
        mark = header.find("#")
        if mark > 0 and header[mark - 1] not in " \t":
            self.flag("a comment needs a space before its `#`", indicator + mark)

    def check_comments(self) -> None:
        """A comment starts at a "#" after a space or at the start of a line; libyaml also
        takes ``"value"# note`` and ``[a]# note`` as comments."""
        assert self.spans is not None
        source, spans = self.source, sorted(self.spans)
        starts = [start for start, _ in spans]
        index = source.find("#")
        while index >= 0:
            inside = bisect.bisect_right(starts, index) - 1
            if inside >= 0 and index < spans[inside][1]:
                index = source.find("#", spans[inside][1])
                continue
            # The first "#" outside every value on its line starts a comment.
            if index > 0 and source[index - 1] not in " \t\n":
                self.flag("a comment needs a space before its `#`", index)
            next_line = source.find("\n", index)
            index = source.find("#", next_line) if next_line >= 0 else -1


def read_yaml(text: str, first_line: int, *, pure_python: bool = False) -> YamlDocument:
    """Parse ``text`` whose first line is line ``first_line`` of its file; with
    ``pure_python``, by PyYAML's own parser instead of libyaml."""
    loader = yaml.SafeLoader if pure_python else _Loader
    # YAML's last line ends with a line break; a front-matter's always does.
    source = text if text.endswith("\n") or not text else text + "\n"
    repairs = 0
    while True:
        reader = _Reader(source, first_line)
        try:
            reader.read(yaml.parse(source, Loader=loader))
            return reader.doc
        except _Abort:
            return _unreadable(reader.doc)
        except yaml.MarkedYAMLError as exc:
            repaired = _repair_tab(source, exc) if repairs < _MAX_REPAIRS else None
            if repaired is None:
                return _syntax_error(reader, exc)
            source, repairs = repaired, repairs + 1
        except yaml.YAMLError as exc:  # e.g. a reader error for control characters
            return _reader_error(reader, exc)
        except UnicodeError:  # a lone surrogate, which no file read as UTF-8 can hold
            message = "YAML cannot be read: the text holds an invalid (surrogate) character"
            reader.doc.hits.append(("yaml-syntax", Hit(message, first_line, 1)))
            return _unreadable(reader.doc)


def _unreadable(doc: YamlDocument) -> YamlDocument:
    doc.readable = False
    doc.value = None
    return doc


def _syntax_error(reader: _Reader, exc: yaml.MarkedYAMLError) -> YamlDocument:
    """The finding for a syntax error, placed where the author can fix it."""
    doc, pos, source = _unreadable(reader.doc), reader.pos, reader.source
    mark = exc.problem_mark or exc.context_mark
    line, column = pos(mark) if mark is not None else (reader.first_line, 1)
    problem = exc.problem or "invalid YAML"
    if "maximum nesting depth" in problem:  # libyaml's own limit, met before ours
        message = f"values are nested more than {MAX_DEPTH} levels deep"
        doc.hits.append(("yaml-depth", Hit(message, line, column)))
        return doc
    context = f" ({exc.context})" if exc.context else ""
    if exc.context and exc.context_mark is not None:
        started = pos(exc.context_mark)
        if "end of stream" in problem:
            # An unclosed quote or bracket: the end of the front-matter is where the
            # parser noticed, but the place to fix is where it was opened.
            what = re.sub(r"^while (?:scanning|parsing) (?:an? )?", "", exc.context)
            what = what.replace("scalar", "value")
            fix = ": add the closing quote" if "quoted" in what else ""
            problem = f"the {what} that starts here is never closed{fix}"
            context = ""
            line, column = started
        else:
            context = f" ({exc.context} that starts on line {started[0]})"
    end = mark.index if mark is not None else len(source)
    hint = _break_hint(source, reader.first_line, end)
    doc.hits.append(
        ("yaml-syntax", Hit(f"YAML syntax error: {problem}{context}{hint}", line, column))
    )
    return doc


def _reader_error(reader: _Reader, exc: yaml.YAMLError) -> YamlDocument:
    doc, source, first_line = _unreadable(reader.doc), reader.source, reader.first_line
    line, column = first_line, 1
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        line = first_line + source.count("\n", 0, position)
        column = position - source.rfind("\n", 0, position)
    doc.hits.append(("yaml-syntax", Hit(f"YAML cannot be read: {exc}", line, column)))
    return doc


def _break_hint(text: str, first_line: int, end: int) -> str:
    """Why a line that looks fine may not parse: an invisible character before ``end``
    that YAML reads as a line break."""
    found = [(text.find(char, 0, end), char) for char in _YAML_ONLY_BREAKS]
    index, char = min(((i, c) for i, c in found if i >= 0), default=(-1, ""))
    if index < 0:
        return ""
    line = first_line + text.count("\n", 0, index)
    column = index - text.rfind("\n", 0, index)
    return (
        f"; line {line}, column {column} holds an invisible U+{ord(char):04X} character, "
        "which YAML reads as a line break: delete it"
    )


# --- tabs that YAML 1.2 allows and libyaml refuses ----------------------------------------

# A line's content that opens a block collection, which no tab may precede: an indicator
# followed by a blank, or an implicit key.
_BLOCK_START = re.compile(r"""[-?:](?:[ \t]|$)|(?:"[^"]*"|'[^']*'|[^\s#"'\[{][^#]*?):(?:[ \t]|$)""")
_BLOCK_HEADER = re.compile(r"[|>][+-]?(?=[ \t\n]|$)")


def _repair_tab(source: str, exc: yaml.MarkedYAMLError) -> str | None:
    """``source`` with the tab libyaml stopped at made readable, where YAML 1.2 allows the
    tab; None where it does not (or the error is not about a tab). Tabs become spaces,
    which keeps every position; a block scalar whose first line starts with a tab gets an
    explicit indentation indicator instead."""
    mark = exc.problem_mark
    if mark is None or "\t" not in source:
        return None
    index = mark.index
    line_start = source.rfind("\n", 0, index) + 1
    line_end = source.find("\n", index)
    line = source[line_start : line_end if line_end >= 0 else len(source)]
    if "\t" not in line:
        return None
    if "block scalar" in (exc.context or ""):
        return _indent_block_scalar(source, exc.context_mark)
    content = line.lstrip(" \t")
    if not content:  # a line of spaces and tabs between fields: blank
        return source[:line_start] + line.replace("\t", " ") + source[line_start + len(line) :]
    tab = line.find("\t")
    before, rest = line[:tab], line[tab:].lstrip(" \t")
    if _BLOCK_START.match(rest):
        return None  # a tab before a nested list or mapping: YAML 1.2 forbids it too
    if before.strip(" "):
        # After an indicator or a key on the same line: a separating space.
        if before.rstrip(" ")[-1] not in "-?:":
            return None
    elif len(before) <= _parent_column(source, line_start):
        return None  # the tab would stand for indentation
    end = tab + len(line[tab:]) - len(rest)
    fixed = line[:tab] + line[tab:end].replace("\t", " ") + line[end:]
    return source[:line_start] + fixed + source[line_start + len(line) :]


def _node_column(line: str) -> int:
    """The column of the innermost collection a line's node belongs to: past its ``- ``,
    ``? `` and ``: `` indicators, the last indicator's, or the key's own column."""
    column = len(line) - len(line.lstrip(" "))
    last = -1
    while (
        column < len(line) and line[column] in "-?:" and line[column + 1 : column + 2].strip() == ""
    ):
        last = column
        column += 1
        while column < len(line) and line[column] in " \t":
            column += 1
    if column < len(line) and line[column] not in "|>\"'[{" and ":" in line[column:]:
        return column  # a key: its mapping
    return last


def _parent_column(source: str, line_start: int) -> int:
    """The column of the collection that holds the node on the previous content line."""
    end = line_start - 1
    while end > 0:
        start = source.rfind("\n", 0, end) + 1
        line = source[start:end]
        if line.strip(" \t") and not line.lstrip(" \t").startswith("#"):
            return _node_column(line)
        end = start - 1
    return -1


def _indent_block_scalar(source: str, header: Any) -> str | None:
    """A block scalar whose first content line has a tab after its indentation: YAML 1.2
    takes the spaces before the tab as the indentation; libyaml wants them spelled out."""
    if header is None:
        return None
    header_end = source.find("\n", header.index)
    if header_end < 0:
        return None
    indicator = _BLOCK_HEADER.match(source, header.index)
    if indicator is None:
        return None  # an explicit indentation already, or not a header
    line_start = source.rfind("\n", 0, header.index) + 1
    parent = _node_column(source[line_start : header.index] + "|")
    floor = 0  # blank lines before the first line of text may not be indented more
    for line in source[header_end + 1 :].split("\n"):
        content = line.lstrip(" ")
        if content:
            spaces = len(line) - len(content)
            break
        floor = max(floor, len(line))
    else:
        return None
    indentation = spaces - parent if parent >= 0 else spaces
    if not 1 <= indentation <= 9 or spaces <= parent or floor > spaces:
        return None
    return source[: header.index + 1] + str(indentation) + source[header.index + 1 :]
