"""Which COE ids are taken: in the working tree, and in everything git knows locally.

Authors who write COEs at the same time each work on a branch. An id chosen from the
working tree alone is free there but may already be used by an open pull request, so
:func:`scan` also reads the COE folder of the index, of every local branch and of every
remote-tracking branch (as recent as the last ``git fetch``). It reads git's objects
directly, never checking anything out, and costs a fixed number of ``git`` processes
however many branches there are: commits and then folders (trees) and files (blobs) are
read once each by object id, so a folder shared by a hundred branches is read once.

Ids come from file names (``COE-2026-007-*.md``) and from the ``id:`` line of each
file's front-matter, since a copied file may not have been renamed yet.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

ID = re.compile(r"COE-(?P<year>[0-9]{4})-(?P<number>[0-9]{3,})")
_ID_NAME = re.compile(r"^COE-(?P<year>[0-9]{4})-(?P<number>[0-9]{3,})", re.IGNORECASE)
_ID_LINE = re.compile(
    r"^id:[ \t]*[\"']?COE-(?P<year>[0-9]{4})-(?P<number>[0-9]{3,})", re.IGNORECASE | re.MULTILINE
)
_HEAD_BYTES = 65536
_GIT_TIMEOUT = 120
_TREE, _BLOB = b"40000", (b"100644", b"100755")

Key = tuple[int, int]  # (year, number): COE-2026-007 and COE-2026-0007 are the same number


def parse_id(text: str) -> Key | None:
    """The year and number of an id written exactly as the format wants it, else None."""
    match = ID.fullmatch(text)
    return (int(match["year"]), int(match["number"])) if match else None


def format_id(year: int, number: int) -> str:
    return f"COE-{year:04d}-{number:03d}"


@dataclass
class IdScan:
    """Every id found, each with the first place it was seen ("coes/2026/x.md" or
    "origin/fix-labels: coes/2026/x.md"). ``git_note`` says why git was not read, if not."""

    places: dict[Key, str] = field(default_factory=dict)
    git_read: bool = False
    git_note: str | None = None

    def add(self, key: Key, place: str) -> None:
        self.places.setdefault(key, place)

    def numbers(self, year: int) -> set[int]:
        return {number for (y, number) in self.places if y == year}

    def next_number(self, year: int) -> int:
        return max(self.numbers(year), default=0) + 1


def front_matter_head(text: str) -> str:
    """The front-matter of a file's start, where the ``id:`` line is looked for."""
    lines = text.split("\n")
    if not lines or lines[0].strip().lstrip("\ufeff") != "---":
        return ""
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index])
    return "\n".join(lines[1:])


def ids_of_file(name: str, head: str) -> set[Key]:
    """The ids a COE file claims: the one its name starts with and the one in its
    ``id:`` line (usually the same)."""
    found = [_ID_NAME.match(name), _ID_LINE.search(front_matter_head(head))]
    return {(int(m["year"]), int(m["number"])) for m in found if m}


def _is_coe_name(name: str) -> bool:
    return name.endswith(".md") and not name.startswith(".")


def scan_working_tree(coes_dir: Path, scan: IdScan | None = None) -> IdScan:
    """The ids in the COE folder on disk (hidden files and folders skipped, as when
    validating)."""
    scan = scan or IdScan()
    if not coes_dir.is_dir():
        return scan
    base = coes_dir.parent
    for folder, dirs, files in os.walk(coes_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not _is_coe_name(name):
                continue
            path = Path(folder, name)
            try:
                with path.open("r", encoding="utf-8", errors="replace") as handle:
                    head = handle.read(_HEAD_BYTES)
            except OSError:
                head = ""
            for key in ids_of_file(name, head):
                scan.add(key, os.path.relpath(path, base).replace(os.sep, "/"))
    return scan


# ---------------------------------------------------------------------------- git


class GitUnavailable(Exception):
    """Not a git repository, git missing, or git failed: the reason, for the user."""


def _git(args: list[str], cwd: Path, data: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=data,
            capture_output=True,
            timeout=_GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError as exc:
        raise GitUnavailable("git is not installed") from exc
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitUnavailable(f"git failed: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitUnavailable(message[0] if message else f"git {args[0]} failed")
    return done.stdout


def _batch(cwd: Path, requests: Iterable[str]) -> list[tuple[str, str, bytes] | None]:
    """``git cat-file --batch`` for every request, in order: (object id, type, content),
    or None for a request that names nothing (a branch without the COE folder)."""
    wanted = list(requests)
    if not wanted:
        return []
    out = _git(["cat-file", "--batch"], cwd, "".join(f"{r}\n" for r in wanted).encode())
    answers: list[tuple[str, str, bytes] | None] = []
    position = 0
    for _ in wanted:
        end = out.index(b"\n", position)
        header = out[position:end].split(b" ")
        position = end + 1
        if len(header) != 3 or not header[2].isdigit():  # "<name> missing" or "ambiguous"
            answers.append(None)
            continue
        size = int(header[2])
        answers.append((header[0].decode(), header[1].decode(), out[position : position + size]))
        position += size + 1  # the content is followed by a newline
    return answers


def _tree_entries(content: bytes, hash_bytes: int) -> Iterable[tuple[bytes, str, str]]:
    """(mode, name, object id) of each entry of a binary tree object."""
    position = 0
    while position < len(content):
        space = content.index(b" ", position)
        nul = content.index(b"\0", space)
        oid = content[nul + 1 : nul + 1 + hash_bytes].hex()
        yield content[position:space], content[space + 1 : nul].decode("utf-8", "replace"), oid
        position = nul + 1 + hash_bytes


def _relative_folder(coes_dir: Path, cwd: Path) -> tuple[Path, str]:
    """The repository's top folder, and the COE folder as a path inside it ("" for the
    top itself)."""
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], cwd).decode().strip())
    except GitUnavailable as exc:
        if "not a git repository" in str(exc):
            raise GitUnavailable("not in a git repository") from exc
        raise
    try:
        relative = coes_dir.resolve().relative_to(top.resolve())
    except ValueError as exc:
        raise GitUnavailable(f"{coes_dir} is outside the git repository {top}") from exc
    return top, relative.as_posix() if relative.parts else ""


def scan_git(coes_dir: Path, cwd: Path, scan: IdScan | None = None) -> IdScan:
    """Add the ids in the COE folder of the index, HEAD and every local and
    remote-tracking branch. Raises :class:`GitUnavailable` when git cannot be read."""
    scan = scan or IdScan()
    start = cwd if cwd.is_dir() else cwd.parent
    top, folder = _relative_folder(coes_dir, start)
    prefix = f"{folder}/" if folder else ""

    # Refs: one line each, deduplicated by commit so that branches at the same commit
    # (every fresh clone's main and origin/main) are read once.
    listing = _git(
        ["for-each-ref", "--format=%(objectname) %(refname:short)", "refs/heads", "refs/remotes"],
        top,
    ).decode("utf-8", "replace")
    commits: dict[str, str] = {}
    for line in listing.splitlines():
        oid, _, name = line.partition(" ")
        if oid and not name.endswith("/HEAD"):
            commits.setdefault(oid, name)
    head = _batch(top, ["HEAD"])
    if head and head[0] is not None:
        commits.setdefault(head[0][0], "HEAD")

    # Folders, level by level: one cat-file process a level, each tree read once.
    hash_bytes = 0
    level: dict[str, tuple[str, str]] = {}  # tree id -> (ref name, path inside the repo)
    roots = _batch(top, [f"{commit}:{folder}" for commit in commits])
    for (commit, ref), answer in zip(commits.items(), roots, strict=True):
        if answer is not None and answer[1] == "tree":
            level.setdefault(answer[0], (ref, folder))
            hash_bytes = len(commit) // 2
    # (blob id, file name) -> (ref name, path): the same content may sit under two names.
    files: dict[tuple[str, str], tuple[str, str]] = {}
    seen_trees: set[str] = set()
    while level:
        seen_trees.update(level)
        answers = _batch(top, list(level))
        following: dict[str, tuple[str, str]] = {}
        for (ref, path), answer in zip(level.values(), answers, strict=True):
            if answer is None:
                continue
            for mode, name, oid in _tree_entries(answer[2], hash_bytes):
                if name.startswith("."):
                    continue
                child = f"{path}/{name}" if path else name
                if mode == _TREE and oid not in seen_trees:
                    following.setdefault(oid, (ref, child))
                elif mode in _BLOB and _is_coe_name(name):
                    files.setdefault((oid, name), (ref, child))
        level = following

    # The index: what is staged, including files deleted or changed since in the tree.
    staged = _git(["ls-files", "-s", "-z", "--", prefix or "."], top)
    for entry in staged.split(b"\0"):
        meta, _, path_bytes = entry.partition(b"\t")
        parts = meta.split(b" ")
        path = path_bytes.decode("utf-8", "replace")
        name = PurePosixPath(path).name
        if len(parts) == 3 and parts[0] in _BLOB and _is_coe_name(name):
            files.setdefault((parts[1].decode(), name), ("index", path))

    # A file's name gives its id; the few files whose names do not are read (each
    # distinct content once) for the id in their front-matter.
    unnamed: dict[str, tuple[str, str]] = {}
    for (oid, name), (ref, path) in files.items():
        if _ID_NAME.match(name):
            for key in ids_of_file(name, ""):
                scan.add(key, f"{ref}: {path}")
        else:
            unnamed.setdefault(oid, (ref, path))
    answers = _batch(top, list(unnamed))
    for (ref, path), answer in zip(unnamed.values(), answers, strict=True):
        head_text = answer[2][:_HEAD_BYTES].decode("utf-8", "replace") if answer else ""
        for key in ids_of_file(PurePosixPath(path).name, head_text):
            scan.add(key, f"{ref}: {path}")
    scan.git_read = True
    return scan


def scan(coes_dir: Path, cwd: Path) -> IdScan:
    """Every id taken: the working tree first (its places are the ones shown), then git.
    Outside a git repository, or without git, only the working tree, with the reason."""
    found = scan_working_tree(coes_dir)
    try:
        scan_git(coes_dir, cwd, found)
    except GitUnavailable as exc:
        found.git_note = str(exc)
    return found
