"""The site under ProperDocs, the maintained fork of MkDocs 1.6.

ProperDocs finds plugins under both entry-point groups, `properdocs.plugins` and
`mkdocs.plugins` (where this package registers `coe`), and themes under `properdocs.themes`
and `mkdocs.themes` (where Material registers `material`); while it runs, `import mkdocs...`
resolves to its own modules, so the plugin and the theme run unchanged.

`properdocs build --strict -f mkdocs.yml` of the project's own site must write the same
files as `mkdocs build --strict`. The one difference allowed, in every HTML page, is the
generator tag, which names the engine (`mkdocs-1.6.1` or `mkdocs-ProperDocs 1.6.7`); the
comparison replaces it in both trees and nothing else (the sitemap's dates come from
SOURCE_DATE_EPOCH in both builds).

ProperDocs is in the dev extra; without it the tests skip with one line, except under CI.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import MKDOCS, ROOT, VALID_COE, build_env, make_repo, run_mkdocs

PROPERDOCS = Path(sys.executable).parent / "properdocs"
GENERATOR = re.compile(rb'<meta name="generator" content="mkdocs-[^"]*">')
# Material's notice, printed only when the program is called `mkdocs`.
MATERIAL_NOTICE = "NO_MKDOCS_2_WARNING"

if not PROPERDOCS.is_file():
    if os.environ.get("CI"):
        raise AssertionError("properdocs is missing: run `make install` (it is in the dev extra)")
    pytest.skip("properdocs is not installed: pip install -e '.[dev]'", allow_module_level=True)


def run(
    program: Path, *args: str, cwd: Path = ROOT, notice: bool = False
) -> subprocess.CompletedProcess[str]:
    env = build_env()
    if notice:  # as a user runs it, without the variable the Makefile sets
        del env["NO_MKDOCS_2_WARNING"]
    return run_mkdocs(*args, cwd=cwd, program=program, env=env)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def without_generator(files: dict[str, bytes]) -> dict[str, bytes]:
    out = {}
    for name, content in files.items():
        if name.endswith(".html"):
            content, count = GENERATOR.subn(b"<generator>", content)
            assert count == 1, f"{name}: {count} generator tags"
        out[name] = content
    return out


def test_properdocs_builds_the_same_pages_as_mkdocs(tmp_path: Path) -> None:
    config = str(ROOT / "mkdocs.yml")
    built = {}
    for name, program in (("mkdocs", MKDOCS), ("properdocs", PROPERDOCS)):
        out = tmp_path / name
        result = run(program, "build", "--strict", "-f", config, "-d", str(out))
        assert result.returncode == 0, f"{name}:\n{result.stdout}{result.stderr}"
        built[name] = tree(out)
    mkdocs, properdocs = built["mkdocs"], built["properdocs"]
    assert sorted(mkdocs) == sorted(properdocs)
    assert sum(name.startswith("coes/2026/") for name in mkdocs) >= 5  # the plugin's pages
    assert b"mkdocs-ProperDocs 1.6.7" in properdocs["index.html"]
    assert b"mkdocs-ProperDocs" not in mkdocs["index.html"]
    normal, fork = without_generator(mkdocs), without_generator(properdocs)
    different = [name for name in normal if normal[name] != fork[name]]
    assert not different, different


def test_a_finding_fails_the_properdocs_build_as_it_fails_mkdocs(tmp_path: Path) -> None:
    # The plugin runs under ProperDocs: a COE with a bad date stops the build, with its line.
    broken = VALID_COE.replace("due: 2026-03-10", "due: 2026-13-40")
    repo = make_repo(tmp_path / "repo", {"coes/COE-2026-101-label.md": broken})
    for program in (MKDOCS, PROPERDOCS):
        result = run(program, "build", "--strict", "-f", "mkdocs.yml", cwd=repo)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "coes/COE-2026-101-label.md:" in result.stdout + result.stderr
        assert "2026-13-40" in result.stdout + result.stderr


def test_material_notice_is_printed_under_mkdocs_only(tmp_path: Path) -> None:
    # Why the Makefile and the workflows set NO_MKDOCS_2_WARNING: MkDocs prints the notice
    # on every build, ProperDocs never does, so the variable is needed for MkDocs alone.
    repo = make_repo(tmp_path / "repo", {"coes/COE-2026-101-label.md": VALID_COE})
    under_mkdocs = run(MKDOCS, "build", "-f", "mkdocs.yml", cwd=repo, notice=True)
    under_properdocs = run(PROPERDOCS, "build", "-f", "mkdocs.yml", cwd=repo, notice=True)
    assert under_mkdocs.returncode == under_properdocs.returncode == 0
    assert MATERIAL_NOTICE in under_mkdocs.stderr
    assert MATERIAL_NOTICE not in under_properdocs.stderr
    assert "MkDocs 2" not in under_properdocs.stderr  # nor ProperDocs' own warning
