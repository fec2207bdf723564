"""What every check produces: a located finding with a stable rule id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
Level = Literal["error", "warning", "off"]
LEVELS: tuple[Level, ...] = ("error", "warning", "off")


@dataclass(frozen=True, slots=True)
class Hit:
    """A problem found by a rule, before the configuration gives it a severity.

    ``line`` and ``column`` are 1-based and point into the file, not into the front-matter.
    """

    message: str
    line: int = 1
    column: int = 1
    pointer: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """A hit with its file, rule and configured severity: what reporters print."""

    path: str
    line: int
    column: int
    severity: Severity
    rule: str
    message: str
    pointer: str | None = None

    def sort_key(self) -> tuple[str, int, int]:
        return (self.path, self.line, self.column)

    def text(self, severity: bool = True) -> str:
        """The finding on one line, whatever its message holds, as `coe validate` prints
        it: ``path:line:column: error [rule] /pointer: message``. Without ``severity``
        for a log that shows the level itself (MkDocs' ``ERROR -``)."""
        level = f"{self.severity} " if severity else ""
        where = f"{self.pointer}: " if self.pointer else ""
        line = f"{self.path}:{self.line}:{self.column}: {level}[{self.rule}] {where}{self.message}"
        return line.replace("\r", "\\r").replace("\n", "\\n")


def json_pointer(path: tuple[str | int, ...]) -> str:
    """RFC 6901 pointer for a path of keys and indexes ('' is the whole document)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)
