"""Bad input never produces a traceback: `coe validate` on hostile and broken COEs exits 0
or 1 with located findings, within bounded time and memory, and changes no file.

The static cases are files in ``tests/fixtures/bad_input/``; ``cases.json`` maps each case
to its ``file``, the companion files it needs (``with``), the exit code and the ``rule``
and ``line`` of its main finding (``rule`` null: the input is fine and has no finding at
all). Cases that need bytes that do not belong in git (UTF-16, NUL, CR line endings,
binary), symbolic links, FIFOs, unreadable or huge files are built at run time from
``GENERATED`` below.

Every run has its address space capped at what a trivial `coe validate` needs plus 200 MB
(``RLIMIT_AS``; a ``MemoryError`` or a kill fails the case) and a generous timeout, so a
hang fails instead of blocking the suite. Every case takes well under a second.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import random
import re
import resource
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import COE_BIN, TODAY, VALID_COE, make_repo

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "bad_input"
MANIFEST: dict[str, dict[str, Any]] = json.loads(
    (FIXTURES / "cases.json").read_text(encoding="utf-8")
)
TIMEOUT = 20  # seconds; a case that hangs fails here (each one takes well under a second)
MEMORY_BUDGET = 200 * 1024 * 1024  # bytes of address space over a trivial run's peak
MAX_BYTES = 1024 * 1024  # the default size cap for a COE
MAIN = "COE-2026-101-generated.md"
SECRET = "SECRET-MARKER-7f3a"  # in a file outside the repository, which must not be read


# --- running the CLI under bounds --------------------------------------------------------


def run_bounded(
    *args: str, cwd: Path, limit: int | None, program: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `coe` (or ``program``) as helpers.run_coe does, with the address space capped
    at ``limit`` bytes and a timeout."""

    def cap() -> None:  # runs in the child, before it starts Python
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return subprocess.run(
        [*(program or [str(COE_BIN)]), *args],
        cwd=cwd,
        env={**os.environ, "COE_TODAY": TODAY},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=cap,
        check=False,
    )


_PEAK_PROBE = """\
import runpy, sys
sys.argv = ["coe", "validate", "--format", "json"]
try:
    runpy.run_path({coe!r}, run_name="__main__")
finally:
    with open("/proc/self/status") as status:
        sys.stderr.write(status.read())
"""


@pytest.fixture(scope="session")
def limit(tmp_path_factory: pytest.TempPathFactory) -> int | None:
    """The address-space cap: the peak of a trivial `coe validate` plus the budget.
    ``None`` where RLIMIT_AS is not enforced (it is on Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    root = make_repo(tmp_path_factory.mktemp("baseline"), {"coes/COE-2026-101-label.md": VALID_COE})
    probe = _PEAK_PROBE.format(coe=str(COE_BIN))
    result = run_bounded("-c", probe, cwd=root, limit=None, program=[sys.executable])
    assert result.returncode == 0, result.stderr
    match = re.search(r"^VmPeak:\s+(\d+) kB", result.stderr, re.MULTILINE)
    assert match, result.stderr
    return int(match[1]) * 1024 + MEMORY_BUDGET


def check_run(
    result: subprocess.CompletedProcess[str],
    exit: int,
    rule: str | None,
    line: int | None,
    path: str,
) -> list[dict[str, Any]]:
    """The outcome is as pinned, and every diagnostic is located in a file."""
    assert "Traceback" not in result.stderr, result.stderr
    assert "MemoryError" not in result.stderr, result.stderr
    assert result.returncode == exit, (result.returncode, result.stdout[-3000:], result.stderr)
    diagnostics: list[dict[str, Any]] = json.loads(result.stdout)["diagnostics"]
    for diagnostic in diagnostics:
        assert isinstance(diagnostic["path"], str) and diagnostic["path"], diagnostic
        assert diagnostic["line"] >= 1 and diagnostic["column"] >= 1, diagnostic
        assert diagnostic["rule"] and diagnostic["message"], diagnostic
    if rule is None:
        assert diagnostics == []
    else:
        found = [(d["rule"], d["line"]) for d in diagnostics if d["path"] == path]
        assert (rule, line) in found, diagnostics
    return diagnostics


# --- the static corpus -------------------------------------------------------------------


def test_the_corpus_is_large_and_every_file_has_a_case() -> None:
    assert len(MANIFEST) + len(GENERATED) >= 40
    named = {case["file"] for case in MANIFEST.values()}
    named |= {extra for case in MANIFEST.values() for extra in case.get("with", [])}
    on_disk = {p.name for p in FIXTURES.iterdir() if p.name != "cases.json"}
    assert named == on_disk
    assert not set(MANIFEST) & set(GENERATED)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_static_case(name: str, tmp_path: Path, limit: int | None) -> None:
    case = MANIFEST[name]
    files = [case["file"], *case.get("with", [])]
    root = make_repo(tmp_path, {f"coes/{f}": (FIXTURES / f).read_bytes() for f in files})
    result = run_bounded("validate", "--format", "json", cwd=root, limit=limit)
    check_run(result, case["exit"], case["rule"], case["line"], f"coes/{case['file']}")


# --- cases built at run time -------------------------------------------------------------

Build = Callable[[Path, Path], list[str]]  # (repository, folder for the COEs) -> paths to pass


@dataclass(frozen=True)
class Generated:
    build: Build
    exit: int
    rule: str | None
    line: int | None
    file: str = MAIN  # the file of the main finding, relative to the folder
    says: str = ""  # words the main finding's message must hold
    non_root: bool = False  # only meaningful when not running as root


def _bytes(data: bytes) -> Build:
    def build(root: Path, folder: Path) -> list[str]:
        (folder / MAIN).write_bytes(data)
        return []

    return build


def _text(text: str, newline: str = "\n") -> Build:
    return _bytes(text.replace("\n", newline).encode("utf-8"))


def _replace(old: str, new: str, newline: str = "\n") -> Build:
    assert old in VALID_COE, old
    return _text(VALID_COE.replace(old, new, 1), newline)


def _padded(total: int) -> Build:
    """The valid COE followed by a paragraph of one long line, ``total`` bytes in all."""
    head = VALID_COE.encode("utf-8") + b"\n"
    return _bytes(head + b"y" * (total - len(head) - 1) + b"\n")


def _binary() -> bytes:
    """A PNG signature (its first NUL is on line 3) and seeded random bytes."""
    signature = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    return signature + random.Random(2026).randbytes(8192)


def _link(target: Callable[[Path], Path]) -> Build:
    def build(root: Path, folder: Path) -> list[str]:
        os.symlink(target(folder), folder / MAIN)
        return []

    return build


def _outside(make: Callable[[Path], None]) -> Callable[[Path], Path]:
    """A file next to the repository, made by ``make``."""

    def target(folder: Path) -> Path:
        place = _outside_dir(folder) / "secret.md"
        place.parent.mkdir(parents=True, exist_ok=True)
        make(place)
        return place

    return target


def _outside_dir(folder: Path) -> Path:
    """A folder outside the repository that ``folder`` is in (repositories are made in
    ``<tmp>/repo``), one for each COE folder."""
    repo = next(parent for parent in folder.parents if (parent / "mkdocs.yml").is_file())
    return repo.parent / "outside" / folder.relative_to(repo).as_posix().replace("/", "_")


def _secret(path: Path) -> None:
    path.write_text(VALID_COE.replace("Label service returned", SECRET), encoding="utf-8")


def _fifo(name: str, explicit: bool) -> Build:
    def build(root: Path, folder: Path) -> list[str]:
        os.mkfifo(folder / name)
        return [(folder / name).relative_to(root).as_posix()] if explicit else []

    return build


def _unreadable(root: Path, folder: Path) -> list[str]:
    (folder / MAIN).write_text(VALID_COE, encoding="utf-8")
    (folder / MAIN).chmod(0)
    return []


def _folder_named_md(root: Path, folder: Path) -> list[str]:
    (folder / MAIN).mkdir()
    return [(folder / MAIN).relative_to(root).as_posix()]


def _inside_link(root: Path, folder: Path) -> list[str]:
    real = root / "docs" / f"real-{folder.name}.md"
    real.write_text(VALID_COE, encoding="utf-8")
    os.symlink(real, folder / MAIN)
    return []


GENERATED: dict[str, Generated] = {
    # Encodings and line endings.
    "utf16_le_bom": Generated(
        _bytes(codecs.BOM_UTF16_LE + VALID_COE.encode("utf-16-le")), 1, "encoding", 1, says="UTF-16"
    ),
    "utf16_be_bom": Generated(
        _bytes(codecs.BOM_UTF16_BE + VALID_COE.encode("utf-16-be")), 1, "encoding", 1, says="UTF-16"
    ),
    "nul_byte": Generated(_replace("## Impact\n", "## Impact\n\x00\n"), 1, "encoding", 57),
    "crlf": Generated(_text(VALID_COE, "\r\n"), 0, None, None),
    "lone_cr": Generated(_text(VALID_COE, "\r"), 0, None, None),
    "crlf_then_schema_error": Generated(
        _replace("date: 2026-03-03", "date: 2024-13-45", "\r\n"), 1, "schema", 6
    ),
    "crlf_then_latin1": Generated(
        _bytes(
            VALID_COE.replace("\n", "\r\n")
            .replace("a connection-pool change", "a café connection-pool change")
            .encode("latin-1")
        ),
        1,
        "encoding",
        3,
    ),
    "lone_cr_then_nul": Generated(
        _replace("## Impact\n", "## Impact\n\x00\n", "\r"), 1, "encoding", 57
    ),
    "stray_cr_in_value": Generated(
        _replace("team: fulfilment", "team: fulfil\rment"), 1, "yaml-syntax", 11
    ),
    "binary_named_md": Generated(_bytes(_binary()), 1, "encoding", 3),
    # Links, pipes, permissions.
    "symlink_outside": Generated(
        _link(_outside(_secret)), 1, "file-read", 1, says="outside the repository"
    ),
    "symlink_outside_to_fifo": Generated(
        _link(_outside(os.mkfifo)), 1, "file-read", 1, says="outside the repository"
    ),
    "symlink_loop": Generated(
        _link(lambda folder: folder / MAIN), 1, "file-read", 1, says="looping symbolic link"
    ),
    "symlink_dangling": Generated(
        _link(lambda folder: folder / "missing.md"), 1, "file-read", 1, says="broken"
    ),
    "symlink_inside": Generated(_inside_link, 0, None, None),
    "fifo_named_explicitly": Generated(
        _fifo("x.md", True), 1, "file-read", 1, file="x.md", says="not a regular file"
    ),
    "fifo_in_folder": Generated(
        _fifo("x.md", False), 1, "file-read", 1, file="x.md", says="not a regular file"
    ),
    "unreadable": Generated(_unreadable, 1, "file-read", 1, says="cannot be read", non_root=True),
    "folder_named_md": Generated(_folder_named_md, 0, None, None),
    # Sizes.
    "over_size_cap": Generated(_padded(1_100_000), 1, "file-size", 1, says="1,100,000 bytes"),
    "one_byte_over_size_cap": Generated(_padded(MAX_BYTES + 1), 1, "file-size", 1),
    "at_size_cap": Generated(_padded(MAX_BYTES), 0, None, None),
    "one_mb_line_in_body": Generated(_text(VALID_COE + "z" * 1_000_000 + "\n"), 0, None, None),
}


def build_generated(name: str, root: Path, folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    return GENERATED[name].build(root, folder)


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_case(name: str, tmp_path: Path, limit: int | None) -> None:
    case = GENERATED[name]
    if case.non_root and os.geteuid() == 0:
        pytest.skip("root reads a file whatever its permissions")
    root = make_repo(tmp_path / "repo", {})
    explicit = build_generated(name, root, root / "coes")
    result = run_bounded("validate", "--format", "json", *explicit, cwd=root, limit=limit)
    diagnostics = check_run(result, case.exit, case.rule, case.line, f"coes/{case.file}")
    if case.says:
        messages = [
            d["message"] for d in diagnostics if (d["rule"], d["line"]) == (case.rule, case.line)
        ]
        assert any(case.says in message for message in messages), diagnostics
    assert SECRET not in result.stdout


def test_link_out_of_the_repository_is_not_opened(tmp_path: Path, limit: int | None) -> None:
    """The link's target is a FIFO: opening it would block until the timeout."""
    root = make_repo(tmp_path / "repo", {})
    build_generated("symlink_outside_to_fifo", root, root / "coes")
    result = run_bounded("validate", "--format", "json", f"coes/{MAIN}", cwd=root, limit=limit)
    diagnostics = check_run(result, 1, "file-read", 1, f"coes/{MAIN}")
    assert [d["rule"] for d in diagnostics] == ["file-read"]
    assert "outside the repository" in diagnostics[0]["message"]


# --- bounds ------------------------------------------------------------------------------


def test_the_memory_cap_is_enforced(tmp_path: Path, limit: int | None) -> None:
    """So that passing under it means something: the same interpreter with the package
    loaded cannot take another 256 MB."""
    if limit is None:
        pytest.skip("RLIMIT_AS is only enforced on Linux")
    code = "import coe.cli.main\nblock = bytearray(256 * 1024 * 1024)\n"
    result = run_bounded("-c", code, cwd=tmp_path, limit=limit, program=[sys.executable])
    assert result.returncode != 0
    assert "MemoryError" in result.stderr


def test_alias_bomb_is_refused_without_expansion(tmp_path: Path, limit: int | None) -> None:
    """Refused at its first anchor, under the cap; the same YAML expanded by a plain safe
    loader and serialised (as a site or an export would) does not fit under it."""
    bomb = (FIXTURES / MANIFEST["alias_bomb"]["file"]).read_text(encoding="utf-8")
    assert len(bomb.split("---\n")[1]) < 1000  # a few hundred bytes of YAML
    root = make_repo(tmp_path / "repo", {"coes/COE-2026-101-bomb.md": bomb})
    result = run_bounded("validate", "--format", "json", cwd=root, limit=limit)
    diagnostics = check_run(result, 1, "yaml-alias", 2, "coes/COE-2026-101-bomb.md")
    assert [d["rule"] for d in diagnostics] == ["yaml-alias"]
    if limit is None:
        return
    (tmp_path / "bomb.yml").write_text(bomb.split("---\n")[1], encoding="utf-8")
    expand = (
        "import json, yaml\n"
        "with open('bomb.yml') as handle:\n"
        "    data = yaml.load(handle, Loader=yaml.SafeLoader)\n"
        "json.dumps(data)\n"
    )
    expanded = run_bounded("-c", expand, cwd=tmp_path, limit=limit, program=[sys.executable])
    assert expanded.returncode != 0
    assert "MemoryError" in expanded.stderr


# --- nothing is lost ---------------------------------------------------------------------


def _snapshot(top: Path) -> dict[str, tuple[Any, ...]]:
    """Every entry under ``top``: a file's hash (its mode where it cannot be read), a
    link's target, a FIFO's or folder's mode. Nothing is followed or opened but files."""
    entries: dict[str, tuple[Any, ...]] = {}
    for folder, dirs, files in os.walk(top, followlinks=False):
        for name in [*dirs, *files]:
            path = Path(folder) / name
            info = path.lstat()
            key = path.relative_to(top).as_posix()
            if stat.S_ISLNK(info.st_mode):
                entries[key] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                try:
                    digest = hashlib.sha256(path.read_bytes()).hexdigest()
                except PermissionError:
                    digest = "unreadable"
                entries[key] = ("file", info.st_mode, info.st_size, info.st_mtime_ns, digest)
            else:
                entries[key] = ("other", info.st_mode)
    return entries


def test_validate_changes_no_file_of_the_corpus(tmp_path: Path, limit: int | None) -> None:
    root = make_repo(tmp_path / "repo", {})
    shutil.copytree(FIXTURES, root / "coes" / "static")
    for name in GENERATED:
        build_generated(name, root, root / "coes" / "generated" / name)
    before, fixtures_before = _snapshot(tmp_path), _snapshot(FIXTURES)

    everything = run_bounded("validate", "--format", "json", cwd=root, limit=limit)
    fixtures = run_bounded("validate", "--format", "json", str(FIXTURES), cwd=root, limit=limit)

    for result in (everything, fixtures):
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode == 1, result.stderr
        assert json.loads(result.stdout)["errors"] > 0
    assert _snapshot(tmp_path) == before
    assert _snapshot(FIXTURES) == fixtures_before


def test_a_file_that_cannot_be_opened_is_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the `unreadable` case checks where it can run (root reads any file): a file
    that stat() sees but open() refuses is a finding, not a traceback."""
    from coe.core.document import load_document

    path = tmp_path / "coes" / MAIN
    path.parent.mkdir()
    path.write_text(VALID_COE, encoding="utf-8")

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    doc = load_document(path, f"coes/{MAIN}", tmp_path, MAX_BYTES)
    assert [(rule, hit.line, hit.column) for rule, hit in doc.hits] == [("file-read", 1, 1)]
    assert "Permission denied" in doc.hits[0][1].message
    assert doc.text is None and doc.data is None
