"""Writing files so that no reader, and no crash, ever sees half of one.

``write_new`` creates a file that must not exist yet: the text goes to a temporary file in
the same folder first, which is then hard-linked into place. ``link`` fails when the
target exists, so an existing file is never overwritten, and the target appears complete
or not at all. Where the system offers anonymous temporary files (Linux ``O_TMPFILE``), a
process killed half-way leaves nothing behind; elsewhere it may leave a hidden
``.<name>.<random>.tmp`` file, never the target.

``write_replace`` replaces a file's content in one step (temporary file, ``fsync``,
``os.replace``), for generated files that are rewritten on every run.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

# Errors from O_TMPFILE or from linking through /proc that mean "not available here",
# after which the named temporary file is used instead.
_UNSUPPORTED = {
    errno.EOPNOTSUPP,
    errno.EISDIR,
    errno.EINVAL,
    errno.ENOENT,
    errno.EPERM,
    errno.EACCES,
    errno.EXDEV,
    errno.ENOSYS,
}


def _file_mode() -> int:
    """The mode a new file gets from ``open()``: 0o666 less the process's umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def sync_folder(folder: Path) -> None:
    """Make a new or renamed entry in ``folder`` durable (where folders can be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def named_temp(path: Path, data: bytes) -> str:
    """A hidden temporary file beside ``path`` holding ``data``, flushed to disk."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with contextlib.suppress(AttributeError, OSError):  # no fchmod on Windows
            os.fchmod(fd, _file_mode())
        _write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    os.close(fd)
    return temp


def _link_anonymous(path: Path, data: bytes) -> bool:
    """Write ``data`` to an anonymous file and link it at ``path``. ``False`` when the
    system cannot do this (the caller falls back); ``FileExistsError`` when ``path``
    exists."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not os.path.isdir("/proc/self/fd"):
        return False
    try:
        fd = os.open(path.parent, flag | os.O_WRONLY, _file_mode())
    except OSError as exc:
        if exc.errno in _UNSUPPORTED:
            return False
        raise
    try:
        _write_all(fd, data)
        os.fsync(fd)
        try:
            os.link(f"/proc/self/fd/{fd}", path, follow_symlinks=True)
        except FileExistsError:
            raise
        except OSError as exc:
            if exc.errno in _UNSUPPORTED:
                return False
            raise
    finally:
        os.close(fd)
    return True


def write_new(path: Path, text: str) -> None:
    """Create ``path`` holding ``text`` (UTF-8), atomically and exclusively.

    Raises ``FileExistsError`` when ``path`` exists (a file, a folder or a link, even a
    broken one); the existing entry is left untouched. The folder must exist.
    """
    path = Path(path)
    data = text.encode("utf-8")
    if os.path.lexists(path):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
    if _link_anonymous(path, data):
        sync_folder(path.parent)
        return
    temp = named_temp(path, data)
    try:
        try:
            os.link(temp, path)
        except FileExistsError:
            raise
        except OSError as exc:
            if exc.errno not in _UNSUPPORTED and exc.errno != errno.EMLINK:
                raise
            # No hard links on this file system: an exclusive create, then the content.
            # Not crash-atomic, but it still never overwrites anything.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _file_mode())
            try:
                _write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
    sync_folder(path.parent)


def write_replace(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path``, replacing any existing file in one step: readers
    see the old content or the new, never a mixture. An existing file keeps its mode."""
    path = Path(path)
    temp = named_temp(path, text.encode("utf-8"))
    try:
        with contextlib.suppress(OSError):
            os.chmod(temp, os.stat(path).st_mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    sync_folder(path.parent)
