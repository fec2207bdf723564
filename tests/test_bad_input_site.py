"""Bad input on the site: every case of the bad-input corpus (tests/test_bad_input.py),
static and generated, built alone with `mkdocs build --strict` and pinned to its outcome.

Each case gets its own repository and build, so its exit code is its own: about half a
second for a build that fails in the plugin's ``on_files``, a second for one that writes a
site. The outcomes are pinned in ``tests/fixtures/bad_input_site/outcomes.json``; the
page docs/reference/bad-input.md is generated from the same tables (tests/bad_input_page.py).

For every case: the exit code is as pinned; no traceback; a failing build names the file
and, where the case has a line, ``path:line: [rule]``; no page shows the COE's YAML as
text (a built COE page is made from the validated front-matter); nothing outside the
repository is read into the site; and no file of the repository is changed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from tests.bad_input_page import PAGE, SITE_OUTCOMES, Case, cases, render_page
from tests.helpers import build_env, logged, make_repo, run_mkdocs
from tests.test_bad_input import (
    FIXTURES,
    GENERATED,
    MANIFEST,
    SECRET,
    _snapshot,
    build_generated,
)
from tests.test_site_builds import output

CASES = cases()
TIMEOUT = 60  # seconds; a build that hangs fails here (each one takes about a second)


# --- running builds ----------------------------------------------------------------------


SERVE = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config

config = load_config(sys.argv[1], site_dir=sys.argv[2])
config.plugins.on_startup(command="serve", dirty=False)
build(config)
"""


def serve_build(root: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """One build as `mkdocs serve` makes it: invalid COEs get error pages."""
    return subprocess.run(
        [sys.executable, "-c", SERVE, str(root / "mkdocs.yml"), str(site)],
        cwd=root,
        env=build_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def state(top: Path, *, skip: tuple[str, ...] = ("site",)) -> dict[str, tuple[Any, ...]]:
    """Every entry under ``top`` (hash, size, mode and mtime of each file; links and pipes
    are not followed or opened), leaving out the build's output folders ``skip``."""
    return {
        key: value
        for key, value in _snapshot(top).items()
        if not any(key == s or key.startswith(f"{s}/") for s in skip)
    }


# --- what a page must not show -------------------------------------------------------------

# A front-matter line with a value, such as `team: fulfilment` or `- id: AI-1` (a key
# alone, `services:`, is too common a text to tell).
_KEY_LINE = re.compile(r"""^\s*(?:-\s+)?["']?[A-Za-z_][\w-]*["']?\s*:\s+\S""")


def _words(text: str) -> str:
    return " ".join(text.split())


def yaml_lines(raw: bytes) -> set[str]:
    """The key-value lines of a COE's front-matter (everything before its first section)
    that its body does not also hold: text that must never appear on a page."""
    text = raw.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    head, _, body = text.partition("\n## ")
    lines = {_words(line) for line in head.splitlines() if _KEY_LINE.match(line)}
    return {line for line in lines if len(line) >= 8 and line not in _words(body)}


def front_matter_lines(folder: Path) -> set[str]:
    """``yaml_lines`` of every COE file under ``folder`` (links and pipes are not
    followed or opened)."""
    lines: set[str] = set()
    for path in folder.rglob("*.md"):
        if path.is_file() and not path.is_symlink() and path.stat().st_size < 2_000_000:
            lines |= yaml_lines(path.read_bytes())
    return lines


def page_text(path: Path) -> str:
    """The text of an HTML page, as a reader (or the search index) sees it."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8", errors="replace"), "html.parser")
    return _words(soup.get_text(" "))


def shows(text: str, line: str) -> bool:
    """Whether page text holds ``line`` as words of its own (a finding that quotes a
    pointer such as `/action_items: 1` is not the YAML shown as text)."""
    return f" {line} " in f" {text} "


def pages_showing(site: Path, lines: set[str]) -> dict[str, list[str]]:
    """Pages of the site (the generated reference pages aside: they quote examples) whose
    text holds any of ``lines``."""
    shown: dict[str, list[str]] = {}
    if not lines or not site.is_dir():
        return shown
    for path in sorted(site.rglob("*.html")):
        key = path.relative_to(site).as_posix()
        if key.startswith("reference/"):
            continue
        text = page_text(path)
        found = sorted(line for line in lines if shows(text, line))
        if found:
            shown[key] = found
    return shown


def files_holding(site: Path, needle: bytes) -> list[str]:
    if not site.is_dir():
        return []
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*")
        if path.is_file() and needle in path.read_bytes()
    )


def coe_page(site: Path, file: str) -> Path:
    """Where the site puts the page of ``coes/<file>``."""
    return site / "coes" / file.removesuffix(".md") / "index.html"


# --- the cases ---------------------------------------------------------------------------


def materialise(case: Case, tmp_path: Path) -> Path:
    """The case's repository at ``tmp_path/repo`` (generated cases may put files beside
    it, in ``tmp_path/outside``)."""
    if not case.generated:
        files = [case.file, *case.companions]
        return make_repo(
            tmp_path / "repo", {f"coes/{f}": (FIXTURES / f).read_bytes() for f in files}
        )
    root = make_repo(tmp_path / "repo", {})
    build_generated(case.name, root, root / "coes")
    return root


def test_every_case_has_a_pinned_site_outcome() -> None:
    assert set(SITE_OUTCOMES) == set(MANIFEST) | set(GENERATED)
    assert len(CASES) == len(MANIFEST) + len(GENERATED) == 105
    for name, outcome in SITE_OUTCOMES.items():
        assert set(outcome) == {"exit", "description"}, name
        assert outcome["exit"] in (0, 1), name
        assert outcome["description"].strip() and "|" not in outcome["description"], name


def test_what_validate_refuses_the_site_refuses() -> None:
    """An error for `coe validate` is an error for the build: no COE that fails validation
    is ever published by a strict build."""
    assert [c.name for c in CASES.values() if c.exit == 1 and c.site_exit != 1] == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_builds_as_pinned(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    if case.non_root and os.geteuid() == 0:
        pytest.skip("root reads a file whatever its permissions")
    root = materialise(case, tmp_path)
    before = state(tmp_path, skip=("repo/site",))

    result = run_mkdocs("build", "--strict", cwd=root, timeout=TIMEOUT)

    text = output(result)
    assert "Traceback" not in text, text
    assert result.returncode == case.site_exit, (result.returncode, text[-3000:])
    site = root / "site"
    path = f"coes/{case.file}"
    if case.site_exit == 1:
        assert path in text, text
        if case.line is not None:
            assert logged(text, path, case.line, case.rule), text
        page = coe_page(site, case.file)
        if page.exists():  # a build that fails on warnings only still writes its pages
            assert BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one(
                "section.coe-card, ul.coe-findings"
            ), page
    else:
        for file in (case.file, *case.companions):
            if (root / "coes" / file).is_file():
                page = coe_page(site, file)
                soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
                assert soup.select_one("h1#coe-title") and soup.select_one("section.coe-card")
    assert pages_showing(site, front_matter_lines(root / "coes")) == {}
    assert SECRET not in text
    assert files_holding(site, SECRET.encode()) == []
    assert state(tmp_path, skip=("repo/site",)) == before


def test_under_serve_every_case_gets_a_page_or_an_error_page(tmp_path: Path) -> None:
    """The whole corpus in one repository, built as `mkdocs serve` builds: no traceback,
    no hang; each COE file gets its page (the first of the many with its id) or an error
    page naming it, and no page shows any front-matter as text."""
    root = make_repo(tmp_path / "repo", {})
    shutil.copytree(FIXTURES, root / "coes" / "static", ignore=shutil.ignore_patterns("*.json"))
    for name in GENERATED:
        build_generated(name, root, root / "coes" / "generated" / name)
    before = state(tmp_path, skip=("serve",))

    result = serve_build(root, tmp_path / "serve")

    text = output(result)
    assert result.returncode == 0, text
    assert "Traceback" not in text
    site = tmp_path / "serve"
    cards: list[str] = []
    for path in sorted((root / "coes").rglob("*.md")):
        if path.is_dir():  # the case of a folder named like a COE
            continue
        src = path.relative_to(root).as_posix()
        soup = BeautifulSoup(
            (site / src.removesuffix(".md") / "index.html").read_text(encoding="utf-8"),
            "html.parser",
        )
        findings = [item.get_text() for item in soup.select("ul.coe-findings li")]
        if soup.select_one("section.coe-card") is not None:
            assert findings == [], src
            cards.append(soup.select_one("h1#coe-title .coe-id").get_text())
        else:
            assert findings and all(f"{src}:" in finding for finding in findings), src
    # One page for each id (the others with it are duplicates): the corpus has two.
    assert sorted(cards) == ["COE-2026-101", "COE-2026-102"]
    assert pages_showing(site, front_matter_lines(root / "coes")) == {}
    assert SECRET not in text
    assert files_holding(site, SECRET.encode()) == []
    assert state(tmp_path, skip=("serve",)) == before


def test_yaml_lines_finds_the_front_matter_of_a_page_shown_as_text(tmp_path: Path) -> None:
    """The check above has teeth: MkDocs on its own renders a COE whose front-matter it
    cannot read (blank lines before the `---`) with the YAML as text."""
    raw = (FIXTURES / MANIFEST["leading_blank_lines"]["file"]).read_bytes()
    lines = yaml_lines(raw)
    assert {"team: fulfilment", "customers_affected: 1200", "- id: AI-1"} <= lines
    yml = "site_name: Plain\ntheme:\n  name: material\n"
    root = make_repo(tmp_path / "repo", {"docs/coe.md": raw}, mkdocs_yml=yml)
    result = run_mkdocs("build", cwd=root, timeout=TIMEOUT)
    assert result.returncode == 0, output(result)
    assert "team: fulfilment" in pages_showing(root / "site", lines)["coe/index.html"]


# --- the docs page -------------------------------------------------------------------------


def test_the_bad_input_page_is_generated_from_the_cases() -> None:
    rendered = render_page()
    if os.environ.get("UPDATE_GOLDEN") == "1":
        PAGE.write_text(rendered, encoding="utf-8")
    assert PAGE.read_text(encoding="utf-8") == rendered, (
        "docs/reference/bad-input.md is out of date: rewrite it with "
        "UPDATE_GOLDEN=1 pytest tests/test_bad_input_site.py -k page"
    )


def test_the_bad_input_page_lists_every_case_once() -> None:
    rows = [line for line in render_page().splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == sorted(CASES)
    for row, case in zip(rows, CASES.values(), strict=True):
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]]
        assert len(cells) == 6, row
        assert cells[2] == f"exit {case.exit}"
        assert cells[5].endswith(f"(exit {case.site_exit})")
