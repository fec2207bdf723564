"""Splitting a COE into its YAML front-matter and Markdown body, with file line numbers.

The contract is strict: the first line is ``---`` and the next ``---`` line closes the
front-matter. Near misses (blank lines first, a ``...`` or ``----`` closer, JSON or TOML
blocks) get a finding that says what to change, and are split anyway where the intent is
clear, so the author sees every other finding in the same run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .findings import Hit

RULE = "front-matter"
_MULTIMARKDOWN_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_ -]*:(\s|$)")
_LONG_FENCE = re.compile(r"-{4,}")


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
