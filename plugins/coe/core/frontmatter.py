"""The front-matter layer: splitting a COE into its YAML front-matter and Markdown body,
with file line numbers, and reading the YAML with the strict reader.

The contract is strict: the first line is ``---`` and the next ``---`` line closes the
front-matter. Near misses (blank lines first, a ``...`` or ``----`` closer, JSON or TOML
blocks) get a finding that says what to change, and are split anyway where the intent is
clear, so the author sees every other finding in the same run.

:class:`StrictYAMLHandler` offers both as a python-frontmatter handler, so scripts read a
COE with the API they know and get what the checker gets; the core calls the same handler's
``split_parts`` and ``read``, which return findings as values instead of raising.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import BaseHandler

from .findings import Hit
from .source import DEFAULT_MAX_BYTES, read_source
from .yamlreader import YamlDocument, read_yaml

RULE = "front-matter"
_MULTIMARKDOWN_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_ -]*:(\s|$)")
_LONG_FENCE = re.compile(r"-{4,}")
_FENCE_STARTS = ("-", ".")


@dataclass(slots=True)
class Split:
    """The two parts of a COE; ``*_line`` are the 1-based file lines where each starts."""

    yaml_text: str
    yaml_line: int
    body: str
    body_line: int
    hits: list[Hit] = field(default_factory=list)


def _is_fence(line: str, fence: str) -> bool:
    return line.rstrip(" \t") == fence


def _missing_opener_hint(first: str) -> str:
    stripped = first.strip()
    if stripped.startswith("{"):
        return "starts with JSON; COE front-matter is YAML between two `---` lines"
    if stripped.startswith("+++"):
        return "starts with a TOML `+++` block; COE front-matter is YAML between two `---` lines"
    if stripped.startswith("---"):
        return "opens the front-matter with more than three dashes: the first line must be `---`"
    if _MULTIMARKDOWN_KEY.match(first):
        return "has metadata without delimiters: put the front-matter between two `---` lines"
    return "has no front-matter: the first line must be `---`, followed by the fields"


def split_front_matter(text: str) -> Split | Hit:
    """Split ``text`` (newlines already normalised); a lone hit means nothing could be read."""
    if not text.strip():
        return Hit("is empty: a COE starts with `---`, its front-matter fields and `---`")
    lines = text.split("\n")
    hits: list[Hit] = []
    opener = 0
    if not _is_fence(lines[0], "---"):
        first_content = next((i for i, line in enumerate(lines) if line.strip()), 0)
        if lines[0].strip() or not _is_fence(lines[first_content], "---"):
            return Hit(_missing_opener_hint(lines[first_content]), first_content + 1)
        hits.append(
            Hit(
                f"has {first_content} blank line(s) before the opening `---`: "
                "the front-matter must start on line 1"
            )
        )
        opener = first_content

    for index in range(opener + 1, len(lines)):
        line = lines[index]
        if line[:1] not in _FENCE_STARTS:
            continue  # a field: every fence below starts with one of these
        if _is_fence(line, "---"):
            break
        if _is_fence(line, "..."):
            hits.append(Hit("closes the front-matter with `...`: use `---`", index + 1))
            break
        if _LONG_FENCE.fullmatch(line.rstrip(" \t")):
            hits.append(
                Hit("closes the front-matter with more than three dashes: use `---`", index + 1)
            )
            break
    else:
        return Hit(
            f"front-matter opened on line {opener + 1} is never closed: "
            "add a line `---` after the last field",
            opener + 1,
        )

    closer = index
    return Split(
        yaml_text="\n".join(lines[opener + 1 : closer]) + "\n",
        yaml_line=opener + 2,
        body="\n".join(lines[closer + 1 :]),
        body_line=closer + 2,
        hits=hits,
    )


class FrontMatterError(Exception):
    """What the strict reader refuses, with the rule and the file line of the problem.

    Not a ``ValueError``: python-frontmatter reads a ``ValueError`` from a handler's split
    as "no front-matter here" and would return the file as body without a word."""

    def __init__(self, rule: str, hit: Hit) -> None:
        self.rule = rule
        self.line = hit.line
        self.column = hit.column
        self.reason = hit.message
        super().__init__(f"line {hit.line}, column {hit.column}: {hit.message} [{rule}]")


def normalise(text: str) -> str:
    """The text as the checker reads it: without a byte-order mark, lines ending in LF."""
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


class StrictYAMLHandler(BaseHandler):
    """A python-frontmatter handler that splits with the COE format's rules and reads the
    YAML with the strict reader (no duplicate keys, aliases or tags; YAML 1.2 scalars).

    ``frontmatter.load(path, handler=StrictYAMLHandler())`` raises
    :class:`FrontMatterError`, naming the line, for anything the checker refuses while
    reading. python-frontmatter strips the text before it splits, so line numbers count
    from the first non-blank line; :func:`coe.load` reads the file as the checker does.
    """

    FM_BOUNDARY = re.compile(r"^---[ \t]*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "---"

    def detect(self, text: str) -> bool:
        return _is_fence(normalise(text).split("\n", 1)[0], "---")

    def split(self, text: str) -> tuple[str, str]:
        parts = self.split_parts(normalise(text))
        if isinstance(parts, Hit):
            raise FrontMatterError(RULE, parts)
        if parts.hits:
            raise FrontMatterError(RULE, parts.hits[0])
        return parts.yaml_text, parts.body

    def load(self, fm: str) -> dict[str, Any]:
        # After `split`, the front-matter starts on the second line.
        return self.mapping(self.read(fm, 2))

    def export(self, metadata: dict[str, object], **kwargs: object) -> str:
        text: str = yaml.safe_dump(
            metadata, sort_keys=False, allow_unicode=True, default_flow_style=False
        )
        return text.strip()

    # -- what the core calls: findings as values, never exceptions ----------------------

    def split_parts(self, text: str) -> Split | Hit:
        """``text`` (normalised) split into its parts; a lone hit when it cannot be."""
        return split_front_matter(text)

    def read(self, yaml_text: str, first_line: int) -> YamlDocument:
        """The front-matter's values with their file positions, and the reader's hits."""
        return read_yaml(yaml_text, first_line)

    @staticmethod
    def mapping(document: YamlDocument, opener_line: int = 1) -> dict[str, Any]:
        """The front-matter's mapping, or :class:`FrontMatterError` for the first problem."""
        if document.hits:
            rule, hit = document.hits[0]
            raise FrontMatterError(rule, hit)
        if not isinstance(document.value, dict):
            raise FrontMatterError(RULE, Hit(not_a_mapping(document.value), opener_line))
        return document.value


def not_a_mapping(value: Any) -> str:
    """The finding for a front-matter that is read but is not a mapping."""
    return f"front-matter is {_kind(value)}, not a mapping of fields such as `id: ...`"


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return f"a single value ({type(value).__name__})"


HANDLER = StrictYAMLHandler()


def loads(text: str) -> frontmatter.Post:
    """A COE's text read as the checker reads it: its front-matter, split by the format's
    rules and read by the strict reader, as ``metadata``, and its body, verbatim from the
    line after the closing ``---``, as ``content``. Raises :class:`FrontMatterError`."""
    parts = HANDLER.split_parts(normalise(text))
    if isinstance(parts, Hit):
        raise FrontMatterError(RULE, parts)
    if parts.hits:
        raise FrontMatterError(RULE, parts.hits[0])
    metadata = HANDLER.mapping(HANDLER.read(parts.yaml_text, parts.yaml_line), parts.yaml_line - 1)
    post = frontmatter.Post(parts.body, handler=StrictYAMLHandler())
    post.metadata = metadata  # not as keywords: a key such as `handler` would clash
    return post


def load(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> frontmatter.Post:
    """A COE file read as the checker reads it (UTF-8 with or without a byte-order mark,
    any line ends, at most ``max_bytes``); see :func:`loads`. Raises
    :class:`FrontMatterError` for what the checker refuses, ``FileNotFoundError`` when
    there is no such file."""
    file = Path(path)
    if not file.exists():
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(file))
    # A link is followed wherever it leads: the repository's rule about links is the
    # checker's business, not a script's.
    source = read_source(file, file.resolve().parent, max_bytes)
    if source.text is None:
        rule, hit = source.hits[0]
        raise FrontMatterError(rule, hit)
    return loads(source.text)
