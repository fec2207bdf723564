"""A strict, safe YAML reader for front-matter that remembers where every value came from.

It builds plain Python values from libyaml's event stream (the C parser when available),
so it never constructs arbitrary objects, and it applies the contract's rules on the way:

* duplicate keys are an error naming both lines (never last-wins);
* anchors, aliases and explicit tags other than ``!!str`` are refused, so an alias bomb
  is rejected before anything is expanded;
* keys are strings; nesting is bounded;
* plain scalars resolve by a YAML 1.2-like core schema without the YAML 1.1 surprises:
  ``no``/``on``/``yes`` stay strings, ``12:30`` is not sexagesimal, ``0123`` is not octal,
  dates and times stay strings (the JSON Schema checks their format), ``.nan`` and
  ``.inf`` stay strings.
"""

from __future__ import annotations

import bisect
import math
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

from .findings import Hit

try:  # libyaml's parser is several times faster; the pure-Python one gives the same events.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 32
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
    key: str | None = None
    key_pos: Pos | None = None
    skipping: bool = False  # the value being read belongs to a duplicate key: drop it


def read_yaml(text: str, first_line: int) -> YamlDocument:
    """Parse ``text`` whose first line is line ``first_line`` of its file."""
    doc = YamlDocument()
    # libyaml also breaks lines at NEL, U+2028 and U+2029; where the text has one, count
    # lines from the mark's character index so that positions stay file lines.
    line_starts: list[int] = []
    if any(char in text for char in _YAML_ONLY_BREAKS):
        line_starts = [0, *(i + 1 for i, char in enumerate(text) if char == "\n")]

    def pos(mark: Any) -> Pos:
        if line_starts:
            index = bisect.bisect_right(line_starts, mark.index) - 1
            return (first_line + index, mark.index - line_starts[index] + 1)
        return (first_line + mark.line, mark.column + 1)

    def refuse(rule: str, message: str, mark: Any) -> None:
        line, column = pos(mark)
        doc.hits.append((rule, Hit(message, line, column)))
        raise _Abort

    stack: list[_Frame] = []
    documents = 0

    def place(value: Any, event: Any, raw: str | None = None) -> None:
        """Attach a finished key or value (or the start of a collection) to its parent."""
        if not stack:
            doc.value = value
            doc.values[()] = pos(event.start_mark)
            return
        top = stack[-1]
        if isinstance(top.container, dict):
            if top.key is None:
                _take_key(top, value, event)
                return
            key = top.key
            path = (*top.path, key)
            top.key = None
            if top.skipping:
                top.skipping = False
                return
            top.container[key] = value
            doc.keys[path] = top.key_pos or pos(event.start_mark)
        else:
            path = (*top.path, len(top.container))
            top.container.append(value)
        doc.values[path] = pos(event.start_mark)
        if raw is not None:
            doc.plain_text[path] = raw

    def _take_key(top: _Frame, value: Any, event: Any) -> None:
        if not isinstance(value, str):
            shown = value
            if value is None or isinstance(value, bool):
                shown = "null" if value is None else str(value).lower()
            refuse(
                "yaml-key",
                f"key {shown} is not a string: field names are text (quote it if it must be kept)",
                event.start_mark,
            )
        assert isinstance(top.container, dict)
        if value in top.container:
            first = doc.keys.get((*top.path, value))
            where = f" (first on line {first[0]})" if first else ""
            line, column = pos(event.start_mark)
            doc.hits.append(
                (
                    "yaml-duplicate-key",
                    Hit(
                        f"duplicate key '{value}'{where}: keep one; YAML would silently keep "
                        "only the last",
                        line,
                        column,
                    ),
                )
            )
            # The rest of the document is still read, keeping the first value.
            top.key = _DUPLICATE
            top.skipping = True
            return
        # Interned: every COE repeats the same few dozen field names.
        top.key = sys.intern(value)
        top.key_pos = pos(event.start_mark)

    try:
        event: Any
        for event in yaml.parse(text, Loader=_Loader):
            # Exact classes, tested most frequent first: libyaml emits no subclasses.
            kind = type(event)
            if kind is _SCALAR:
                if event.anchor is not None:
                    _check_anchor(event, refuse)
                if event.tag not in _STR_TAGS:
                    refuse(
                        "yaml-tag", f"tag {event.tag} is not allowed: remove it", event.start_mark
                    )
                if event.style or event.tag is not None:
                    text = event.value
                    place(sys.intern(text) if len(text) <= _SHARED else text, event)
                else:
                    value = resolve_plain(event.value)
                    if isinstance(value, str) and len(value) <= _SHARED:
                        value = sys.intern(value)  # statuses, kinds, dates: repeated
                    place(value, event, None if isinstance(value, str) else event.value)
            elif kind is _MAPPING_START or kind is _SEQUENCE_START:
                _check_anchor(event, refuse)
                if event.tag not in _COLLECTION_TAGS:
                    refuse(
                        "yaml-tag", f"tag {event.tag} is not allowed: remove it", event.start_mark
                    )
                if len(stack) >= MAX_DEPTH:
                    refuse(
                        "yaml-depth",
                        f"values are nested more than {MAX_DEPTH} levels deep",
                        event.start_mark,
                    )
                container: dict[str, Any] | list[Any] = {} if kind is _MAPPING_START else []
                if stack and isinstance(stack[-1].container, dict) and stack[-1].key is None:
                    refuse(
                        "yaml-key",
                        "a list or mapping cannot be a key: field names are text",
                        event.start_mark,
                    )
                parent_path: Path = ()
                if stack:
                    top = stack[-1]
                    if isinstance(top.container, dict):
                        parent_path = (*top.path, top.key or "")
                    else:
                        parent_path = (*top.path, len(top.container))
                place(container, event)
                stack.append(_Frame(container, parent_path))
            elif kind is _MAPPING_END or kind is _SEQUENCE_END:
                stack.pop()
            elif kind is _ALIAS:
                refuse(
                    "yaml-alias",
                    f"alias *{event.anchor} is not allowed: write the value out in full",
                    event.start_mark,
                )
            elif kind is _DOCUMENT_START:
                documents += 1
                if documents > 1:
                    refuse(
                        "front-matter",
                        "holds more than one YAML document: remove the `...` or `---` inside it",
                        event.start_mark,
                    )
    except _Abort:
        doc.readable = False
        doc.value = None
    except yaml.MarkedYAMLError as exc:
        doc.readable = False
        doc.value = None
        mark = exc.problem_mark or exc.context_mark
        line, column = pos(mark) if mark is not None else (first_line, 1)
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
        hint = _break_hint(text, first_line, mark.index if mark is not None else len(text))
        message = f"YAML syntax error: {problem}{context}{hint}"
        doc.hits.append(("yaml-syntax", Hit(message, line, column)))
    except yaml.YAMLError as exc:  # e.g. a reader error for control characters
        doc.readable = False
        doc.value = None
        line, column = first_line, 1
        position = getattr(exc, "position", None)
        if isinstance(position, int):
            line = first_line + text.count("\n", 0, position)
            column = position - text.rfind("\n", 0, position)
        doc.hits.append(("yaml-syntax", Hit(f"YAML cannot be read: {exc}", line, column)))
    except UnicodeError:  # a lone surrogate, which no file read as UTF-8 can hold
        doc.readable = False
        doc.value = None
        message = "YAML cannot be read: the text holds an invalid (surrogate) character"
        doc.hits.append(("yaml-syntax", Hit(message, first_line, 1)))
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


def _check_anchor(event: Any, refuse: Any) -> None:
    if event.anchor is not None:
        refuse(
            "yaml-alias",
            f"anchor &{event.anchor} is not allowed: write values out in full",
            event.start_mark,
        )
