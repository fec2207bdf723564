"""Giving a COE another id: its ``id`` field, its file name, the ``related`` entries of
other COEs that name it, and the mentions of it in every COE's text.

Only those spans change: each file is edited as text (never parsed and written back),
so comments, quoting, line ends and everything else stay byte for byte as they were.

A mention is an occurrence of the id that the site turns into a link: the body is
rendered with the site's Markdown extensions and the site's own linking function
(:func:`coe.site.autolink.link_ids`), so what is rewritten and what is linked cannot
disagree. Ids in code, in links, in headings, in HTML comments and attributes are left
alone and listed, since they may be quoted on purpose (a log line, an old title).

All files are written or none: every new content goes to a temporary file beside its
target first; only then are the files replaced one by one, and if one replacement fails
the ones already made are undone from copies of the old contents.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .atomic import named_temp, sync_folder
from .corpus import discover
from .ids import ID, Key, parse_id, scan_working_tree

_LINE_END = re.compile(r"\r\n|\r|\n")
# The site's pattern for an id in text (see coe.site.autolink): not inside a longer word.
_MENTION = re.compile(r"(?<![\w/-])COE-[0-9]{4}-[0-9]{3,}(?![\w-])")
# What MkDocs enables whatever mkdocs.yml says.


class RenumberError(Exception):
    """The renumbering is refused; the message says why and what to do."""


@dataclass
class FileChange:
    """One file to rewrite, and perhaps to rename (``new_path`` differs from ``path``)."""

    path: Path
    new_path: Path
    old_text: str
    new_text: str
    replaced: int


@dataclass
class Plan:
    old_id: str
    new_id: str
    changes: list[FileChange] = field(default_factory=list)
    # Occurrences of the old id not rewritten, as "path:line: why", for the author.
    left_alone: list[str] = field(default_factory=list)
    note: str | None = None


# ---------------------------------------------------------------------------- reading


@dataclass
class _Parts:
    """A file's text split into front-matter and body, as offsets into the text."""

    text: str
    yaml_start: int
    yaml_end: int
    body_start: int


def _split(text: str) -> _Parts | None:
    """The front-matter between the first line ``---`` and the next ``---``, with the
    file's own line ends kept; None when the file has no front-matter."""
    start = 1 if text.startswith("\ufeff") else 0
    lines: list[tuple[int, int, int]] = []  # (start, end without the line end, next start)
    position = start
    for match in _LINE_END.finditer(text, start):
        lines.append((position, match.start(), match.end()))
        position = match.end()
    lines.append((position, len(text), len(text)))
    if text[lines[0][0] : lines[0][1]].rstrip(" \t") != "---":
        return None
    for line_start, line_end, following in lines[1:]:
        if text[line_start:line_end].rstrip(" \t") in ("---", "..."):
            return _Parts(text, lines[1][0], line_start, following)
    return None


def _line_of(text: str, offset: int) -> int:
    return len(_LINE_END.findall(text, 0, offset)) + 1


def _scalar_span(text: str, base: int, node: yaml.ScalarNode, value: str) -> tuple[int, int] | None:
    """Where in ``text`` the characters of a scalar holding ``value`` are (inside any
    quotes), or None when its source does not spell the value plainly."""
    start, end = base + node.start_mark.index, base + node.end_mark.index
    if node.style in ('"', "'"):
        start, end = start + 1, end - 1
    return (start, end) if text[start:end] == value else None


@dataclass
class _FrontMatter:
    id_span: tuple[int, int] | None = None
    related_spans: list[tuple[int, int]] = field(default_factory=list)
    unreadable: bool = False


def _front_matter(parts: _Parts, old_id: str) -> _FrontMatter:
    """The spans of ``id`` and of the ``related`` entries that hold ``old_id``."""
    found = _FrontMatter()
    text = parts.text
    try:
        root = yaml.compose(text[parts.yaml_start : parts.yaml_end], Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        found.unreadable = True
        return found
    if not isinstance(root, yaml.MappingNode):
        return found

    def span(node: Any) -> tuple[int, int] | None:
        if isinstance(node, yaml.ScalarNode) and node.value == old_id:
            located = _scalar_span(text, parts.yaml_start, node, old_id)
            if located is None:
                found.unreadable = True
            return located
        return None

    for key, value in root.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        if key.value == "id":
            found.id_span = span(value)
        elif key.value == "related" and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                entries = item.value if isinstance(item, yaml.MappingNode) else [(None, item)]
                for entry_key, entry in entries:
                    if entry_key is not None and getattr(entry_key, "value", None) != "coe":
                        continue
                    located = span(entry)
                    if located is not None:
                        found.related_spans.append(located)
    return found


# ---------------------------------------------------------------------------- mentions


# What the site links in a body: the ids among ``candidates`` that a COE page whose body
# is the given Markdown links (the CLI passes the site's renderer; the core does not
# render pages).
SiteLinks = Callable[[str, frozenset[str]], set[str]]


def _mentions(
    body: str, old_id: str, site_links: SiteLinks
) -> tuple[list[tuple[int, int]], list[int]]:
    """The spans of ``old_id`` in ``body`` that the site links, and the offsets of those
    it does not. Each occurrence is swapped for a distinct marker id of the same shape
    (so the Markdown structure is unchanged); the markers the site links are mentions."""
    found = [m for m in _MENTION.finditer(body) if m[0] == old_id]
    if not found:
        return [], []
    year = next(y for y in range(10000) if f"COE-{y:04d}-" not in body)
    markers = [f"COE-{year:04d}-{index:03d}" for index in range(len(found))]
    pieces: list[str] = []
    position = 0
    for match, marker in zip(found, markers, strict=True):
        pieces += [body[position : match.start()], marker]
        position = match.end()
    pieces.append(body[position:])
    linked = site_links("".join(pieces), frozenset(markers))
    spans = [m.span() for m, marker in zip(found, markers, strict=True) if marker in linked]
    others = [m.start() for m, marker in zip(found, markers, strict=True) if marker not in linked]
    return spans, others


# ---------------------------------------------------------------------------- planning


def _replace(text: str, spans: Iterable[tuple[int, int]], new: str) -> str:
    out: list[str] = []
    position = 0
    for start, end in sorted(set(spans)):
        out += [text[position:start], new]
        position = end
    out.append(text[position:])
    return "".join(out)


def _renamed(path: Path, old_id: str, new_id: str, old_key: Key, new_key: Key) -> Path:
    """The file's new path: the id at the start of its name replaced, and a folder
    named after the old id's year replaced by the new year's."""
    name = path.name
    if name.startswith(old_id):
        name = new_id + name[len(old_id) :]
    folder = path.parent
    if old_key[0] != new_key[0] and folder.name == f"{old_key[0]:04d}":
        folder = folder.parent / f"{new_key[0]:04d}"
    return folder / name


def check_ids(old_id: str, new_id: str) -> tuple[Key, Key]:
    old_key, new_key = parse_id(old_id), parse_id(new_id)
    if old_key is None:
        raise RenumberError(f"{old_id!r} is not a COE id such as COE-2026-007")
    if new_key is None:
        raise RenumberError(f"{new_id!r} is not a COE id such as COE-2026-007")
    if new_key[1] == 0:
        raise RenumberError(f"{new_id}: numbers start at 001")
    if old_key == new_key:
        raise RenumberError(f"{new_id} is the same number as {old_id}")
    return old_key, new_key


def _texts_naming(
    coes_dir: Path, old_id: str, only: Path | None, shown: Callable[[Path], str]
) -> dict[Path, str]:
    """The text of every COE file that names ``old_id`` anywhere."""
    texts: dict[Path, str] = {}
    for path in discover([coes_dir]):
        if path.is_symlink():
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            if only is None or path == only:
                raise RenumberError(f"{shown(path)} cannot be read: {exc}") from exc
            continue
        if old_id.encode() not in data:
            continue
        try:
            texts[path] = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RenumberError(
                f"{shown(path)} names {old_id} but is not UTF-8 text: fix it first"
            ) from exc
    return texts


def _spans(
    text: str,
    parts: _Parts | None,
    front: _FrontMatter | None,
    old_id: str,
    owner: bool,
    site_links: SiteLinks,
) -> tuple[list[tuple[int, int]], list[int]]:
    """In one file: the spans of ``old_id`` to rewrite, and the offsets of those left."""
    if parts is None or front is None:  # not a COE: nothing there is rewritten
        return [], [m.start() for m in ID.finditer(text) if m[0] == old_id]
    spans = list(front.related_spans)
    if owner and front.id_span is not None:
        spans.append(front.id_span)
    written = {start for start, _ in spans}
    others = [
        m.start()
        for m in ID.finditer(text, parts.yaml_start, parts.yaml_end)
        if m[0] == old_id and m.start() not in written
    ]
    linked, unlinked = _mentions(text[parts.body_start :], old_id, site_links)
    spans += [(parts.body_start + s, parts.body_start + e) for s, e in linked]
    others += [parts.body_start + offset for offset in unlinked]
    return spans, others


def plan(
    coes_dir: Path,
    old_id: str,
    new_id: str,
    *,
    only: Path | None = None,
    taken_elsewhere: dict[Key, str] | None = None,
    site_links: SiteLinks,
    shown: Callable[[Path], str] = str,
) -> Plan:
    """What renumbering ``old_id`` to ``new_id`` changes. ``only`` picks the file when
    two COEs share ``old_id``; ``taken_elsewhere`` are ids used on other branches.
    Raises :class:`RenumberError` when it must not be done."""
    old_key, new_key = check_ids(old_id, new_id)
    if only is not None:
        only = Path(os.path.normpath(only.absolute()))
    taken = scan_working_tree(coes_dir).places
    if new_key in taken:
        raise RenumberError(f"{new_id} is already used by {taken[new_key]}")
    if taken_elsewhere and new_key in taken_elsewhere:
        raise RenumberError(
            f"{new_id} is already used by {taken_elsewhere[new_key]}: choose an id no branch uses"
        )

    texts = _texts_naming(coes_dir, old_id, only, shown)
    parsed = {path: _split(text) for path, text in texts.items()}
    fronts = {
        path: _front_matter(parts, old_id) for path, parts in parsed.items() if parts is not None
    }
    owners = [path for path, front in fronts.items() if front.id_span is not None]
    if only is not None and owners == [only]:
        only = None  # the id is not shared: rewritten everywhere, as without --file
    checked = list(fronts) if only is None else [only]
    unreadable = [path for path in checked if path in fronts and fronts[path].unreadable]
    if unreadable:
        raise RenumberError(
            f"{shown(unreadable[0])}: its front-matter names {old_id} but cannot be read as "
            "plain YAML values (a syntax error, or the id written with escapes): fix it first"
        )
    if only is not None:
        if only not in owners:
            raise RenumberError(f"{shown(only)} is not a COE with the id {old_id}")
        owners = [only]
    if not owners:
        raise RenumberError(f"no COE in {shown(coes_dir)} has the id {old_id}")
    if len(owners) > 1:
        raise RenumberError(
            f"{old_id} is the id of {len(owners)} COEs ({', '.join(shown(p) for p in owners)}): "
            "name the one to renumber with --file"
        )
    owner = owners[0]
    result = Plan(old_id, new_id)
    # When two COEs shared the id, the others' relations and mentions were written for
    # the COE that keeps it (or cannot be told apart): only the chosen file changes.
    targets = [owner] if only is not None else list(texts)
    if only is not None:
        result.note = (
            f"only {shown(owner)} changes: relations and mentions of {old_id} elsewhere "
            "keep pointing at the COE that keeps it"
        )
    for path in targets:
        new_path = _renamed(path, old_id, new_id, old_key, new_key) if path == owner else path
        spans, others = _spans(
            texts[path], parsed[path], fronts.get(path), old_id, path == owner, site_links
        )
        result.left_alone += [
            f"{shown(path)}:{_line_of(texts[path], offset)}: left as it is "
            "(not a field that names a COE, nor a mention the site links)"
            for offset in sorted(others)
        ]
        if spans or new_path != path:
            new_text = _replace(texts[path], spans, new_id)
            result.changes.append(FileChange(path, new_path, texts[path], new_text, len(spans)))
    for change in result.changes:
        if change.new_path != change.path and os.path.lexists(change.new_path):
            raise RenumberError(f"{shown(change.new_path)} already exists")
    return result


# ---------------------------------------------------------------------------- output


def diff(result: Plan, shown: Callable[[Path], str] = str) -> str:
    """The plan as a unified diff, with git's rename header for a renamed file."""
    out: list[str] = []
    for change in result.changes:
        old_name, new_name = shown(change.path), shown(change.new_path)
        if change.new_path != change.path:
            out += [
                f"diff --git a/{old_name} b/{new_name}\n",
                f"rename from {old_name}\n",
                f"rename to {new_name}\n",
            ]
        lines = difflib.unified_diff(
            change.old_text.splitlines(keepends=True),
            change.new_text.splitlines(keepends=True),
            f"a/{old_name}",
            f"b/{new_name}",
        )
        for line in lines:
            out.append(line)
            if not line.endswith(("\n", "\r")):
                out.append("\n\\ No newline at end of file\n")
    return "".join(out)


# ---------------------------------------------------------------------------- writing


def apply(result: Plan) -> None:
    """Write every change, or none: on any error the files are as they were."""
    staged: list[tuple[FileChange, str, str]] = []  # (change, new content temp, backup)
    made_folders: list[Path] = []
    try:
        for change in result.changes:
            folder = change.new_path.parent
            if not folder.exists():
                folder.mkdir(parents=True)
                made_folders.append(folder)
            new_temp = named_temp(change.new_path, change.new_text.encode("utf-8"))
            try:
                mode = os.stat(change.path).st_mode & 0o7777
                os.chmod(new_temp, mode)
                backup = named_temp(change.path, change.old_text.encode("utf-8"))
                os.chmod(backup, mode)
            except BaseException:
                os.unlink(new_temp)
                raise
            staged.append((change, new_temp, backup))
    except BaseException:
        for _, new_temp, backup in staged:
            _remove(new_temp, backup)
        _remove_folders(made_folders)
        raise

    done: list[FileChange] = []
    try:
        for change, new_temp, _ in staged:
            if change.new_path == change.path:
                os.replace(new_temp, change.path)
            else:
                os.link(new_temp, change.new_path)  # never over a file that appeared since
                done.append(change)
                os.unlink(change.path)
                os.unlink(new_temp)
                continue
            done.append(change)
    except BaseException:
        backups = {id(change): backup for change, _, backup in staged}
        for change in reversed(done):
            with contextlib.suppress(OSError):
                os.replace(backups[id(change)], change.path)
            if change.new_path != change.path:
                with contextlib.suppress(OSError):
                    os.unlink(change.new_path)
        for _, new_temp, backup in staged:
            _remove(new_temp, backup)
        _remove_folders(made_folders)
        raise
    for _, new_temp, backup in staged:
        _remove(new_temp, backup)
    for folder in {c.path.parent for c in result.changes} | {
        c.new_path.parent for c in result.changes
    }:
        sync_folder(folder)


def _remove(*paths: str) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _remove_folders(folders: list[Path]) -> None:
    for folder in reversed(folders):
        with contextlib.suppress(OSError):
            folder.rmdir()
