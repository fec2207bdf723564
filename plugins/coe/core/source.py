"""Reading a COE file's bytes into text, refusing what cannot be read safely.

Nothing here raises for bad input: every problem becomes a hit for the ``file-read``,
``file-size`` or ``encoding`` rule, and the file itself is never written.
"""

from __future__ import annotations

import codecs
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .findings import Hit

DEFAULT_MAX_BYTES = 1024 * 1024


@dataclass(slots=True)
class Source:
    """A file's text with newlines normalised to ``\\n`` and any UTF-8 BOM removed."""

    path: Path
    text: str | None
    hits: list[tuple[str, Hit]] = field(default_factory=list)


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    """The line and column of a byte, as an editor shows them: lines end at CR LF, LF or a
    lone CR (as everywhere else in the tool), and columns count characters."""
    head = data[:offset].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    line_start = head.rfind(b"\n") + 1
    column = len(head[line_start:].decode("utf-8", errors="replace")) + 1
    return head.count(b"\n") + 1, column


def is_inside(path: Path, root: Path) -> bool:
    """Whether ``path``, with every symbolic link resolved, lies inside ``root``."""
    try:
        path.resolve(strict=True).relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):
        return False
    return True


def read_source(path: Path, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read ``path`` as UTF-8; ``root`` is the repository, which links must not leave."""
    source = Source(path=path, text=None)

    def fail(rule: str, message: str, line: int = 1, column: int = 1) -> Source:
        source.hits.append((rule, Hit(message, line, column)))
        return source

    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return fail(
                "file-read", "is a broken or looping symbolic link; replace it with the file"
            )
        if not is_inside(target, root):
            return fail(
                "file-read",
                "is a symbolic link to a file outside the repository; it is not read or "
                "published: move the file into the repository",
            )
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return fail("file-read", "is not a regular file (a folder, device or pipe)")
        size = info.st_size
        if size > max_bytes:
            return fail(
                "file-size",
                f"is {size:,} bytes, over the {max_bytes:,}-byte limit for a COE: "
                "move large material (logs, images) to linked files",
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return fail("file-read", f"cannot be read ({reason}): check the file's permissions")
    if len(data) > max_bytes:
        return fail("file-size", f"is over the {max_bytes:,}-byte limit for a COE")

    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return fail("encoding", "is UTF-16 encoded: save it as UTF-8")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _line_col(data, nul)
        return fail(
            "encoding",
            "contains a NUL byte: it looks like a binary or UTF-16 file; save it as UTF-8 text",
            line,
            column,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col(data, exc.start)
        bad = data[exc.start : exc.start + 1].hex().upper()
        return fail(
            "encoding",
            f"byte 0x{bad} is not valid UTF-8: save the file as UTF-8",
            line,
            column,
        )
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    source.text = text
    return source


def display_path(path: Path, cwd: Path | None = None) -> str:
    """The path as a user would type it: relative to the working directory when inside it."""
    base = cwd or Path.cwd()
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        try:
            return Path(os.path.relpath(path, base)).as_posix()
        except ValueError:
            return path.as_posix()
