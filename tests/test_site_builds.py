"""How `mkdocs build` behaves around the COE plugin: failing well on invalid COEs (in a
build and under `mkdocs serve`), reproducible output, and the project's own site.

Every build runs in a subprocess: the MkDocs plugin instances are cached per process, so a
serve-mode build must never share a process with the other tests.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.helpers import MKDOCS_YML, ROOT, VALID_COE, build_env, make_repo, run_mkdocs

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site" / "corpus"


def python(script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=cwd,
        env=build_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


def line_of(content: str, needle: str) -> int:
    """The 1-based line of the only line of ``content`` that contains ``needle``."""
    lines = [n for n, line in enumerate(content.splitlines(), 1) if needle in line]
    assert len(lines) == 1, needle
    return lines[0]


def sha256_tree(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


# -- invalid COEs -------------------------------------------------------------------------------

# Strings of the invalid COEs' front-matter that must never be shown on their error pages.
SECRET_TAG = "zq-front-matter-marker"
BAD_DATE = VALID_COE.replace("date: 2026-03-03", "date: 2026-13-40").replace(
    "  - connection-pool", f"  - {SECRET_TAG}"
)
BROKEN_YAML = (
    VALID_COE.replace("id: COE-2026-101", "id: COE-2026-103")
    .replace("title: Label service", "title: [Label service")
    .replace("  - connection-pool", f"  - {SECRET_TAG}")
)
GOOD = VALID_COE.replace("id: COE-2026-101", "id: COE-2026-102")
BAD_FILES = {
    "coes/COE-2026-101-bad-date.md": BAD_DATE,
    "coes/2026/COE-2026-103-broken-yaml.md": BROKEN_YAML,
    "coes/COE-2026-102-good.md": GOOD,
}
# With the search plugin, so that a leak into the search index would show too.
SEARCH_YML = MKDOCS_YML.replace("plugins:\n", "plugins:\n  - search\n")
RAW_YAML = (SECRET_TAG, "started: 2026-03-02T14:00:00Z", "customers_affected: 1200")

SERVE = """
import shutil, sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

config_file, first, second, fix, fixed = sys.argv[1:]
config = load_config(config_file, site_dir=first)
config.plugins.on_startup(command="serve", dirty=False)
build(config)
# A rebuild after the author fixed the file, as `mkdocs serve` does: a new config, the
# same (cached) plugin instance.
shutil.copyfile(fixed, fix)
build(load_config(config_file, site_dir=second))
"""


@dataclass
class Invalid:
    repo: Path
    strict: subprocess.CompletedProcess[str]
    serve: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def invalid(tmp_path_factory: pytest.TempPathFactory) -> Invalid:
    root = tmp_path_factory.mktemp("invalid")
    assert "  - search\n" in SEARCH_YML
    repo = make_repo(root / "repo", BAD_FILES, mkdocs_yml=SEARCH_YML)
    strict = run_mkdocs("build", "--strict", cwd=repo)
    fixed = root / "fixed.md"
    fixed.write_text(VALID_COE, encoding="utf-8")
    serve = python(
        SERVE,
        str(repo / "mkdocs.yml"),
        str(root / "serve-1"),
        str(root / "serve-2"),
        str(repo / "coes/COE-2026-101-bad-date.md"),
        str(fixed),
        cwd=repo,
    )
    return Invalid(repo, strict, serve)


def test_build_with_an_invalid_coe_exits_1_without_a_traceback(invalid: Invalid) -> None:
    assert invalid.strict.returncode == 1, output(invalid.strict)
    assert "Traceback" not in output(invalid.strict)


def test_build_error_names_file_line_and_rule(invalid: Invalid) -> None:
    text = output(invalid.strict)
    line = line_of(BAD_DATE, "date: 2026-13-40")
    assert re.search(
        rf"coes/COE-2026-101-bad-date\.md:{line}:\d+: \[schema\] \S.*2026-13-40", text
    ), text
    assert re.search(r"coes/2026/COE-2026-103-broken-yaml\.md:\d+:\d+: \[yaml-syntax\] \S", text), (
        text
    )
    assert "COE-2026-102-good.md" not in text


def test_build_error_does_not_print_the_front_matter(invalid: Invalid) -> None:
    text = output(invalid.strict)
    for raw in RAW_YAML:
        assert raw not in text


def test_serve_mode_build_with_invalid_coes_does_not_fail(invalid: Invalid) -> None:
    assert invalid.serve.returncode == 0, output(invalid.serve)
    assert "Traceback" not in output(invalid.serve)
    assert "PluginError" not in output(invalid.serve)


@pytest.mark.parametrize(
    ("url", "rule", "source"),
    [
        ("coes/COE-2026-101-bad-date", "schema", BAD_DATE),
        ("coes/2026/COE-2026-103-broken-yaml", "yaml-syntax", BROKEN_YAML),
    ],
)
def test_serve_mode_shows_the_findings_of_an_invalid_coe_never_its_yaml(
    invalid: Invalid, url: str, rule: str, source: str
) -> None:
    assert invalid.serve.returncode == 0, output(invalid.serve)
    html = (invalid.repo.parent / "serve-1" / url / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    findings = soup.select("ul.coe-findings li")
    assert findings, html
    path = f"{url}.md"
    assert all(path in item.get_text() for item in findings)
    assert any(f"[{rule}]" in item.get_text() for item in findings)
    if rule == "schema":
        line = line_of(source, "date: 2026-13-40")
        assert any(f"{path}:{line}" in item.get_text() for item in findings)
    article = soup.select_one("article")
    assert article is not None
    for raw in RAW_YAML:
        assert raw not in html
    assert "---" not in article.get_text()
    assert soup.select_one("section.coe-card") is None


def test_serve_mode_publishes_no_front_matter_of_invalid_coes_anywhere(invalid: Invalid) -> None:
    assert invalid.serve.returncode == 0, output(invalid.serve)
    site = invalid.repo.parent / "serve-1"
    assert (site / "search" / "search_index.json").is_file()
    leaks = [
        path.relative_to(site).as_posix()
        for path in site.rglob("*")
        if path.is_file() and SECRET_TAG.encode() in path.read_bytes()
    ]
    assert leaks == []


def test_serve_mode_still_renders_the_valid_coes(invalid: Invalid) -> None:
    assert invalid.serve.returncode == 0, output(invalid.serve)
    soup = page(invalid.repo.parent / "serve-1", "coes/COE-2026-102-good")
    assert soup.select_one("section.coe-card") is not None
    assert soup.select_one("ul.coe-findings") is None


def test_serve_rebuild_after_a_fix_renders_the_coe(invalid: Invalid) -> None:
    assert invalid.serve.returncode == 0, output(invalid.serve)
    soup = page(invalid.repo.parent / "serve-2", "coes/COE-2026-101-bad-date")
    assert soup.select_one("ul.coe-findings") is None
    assert soup.select_one("section.coe-card") is not None
    exported = json.loads(
        (invalid.repo.parent / "serve-2" / "api" / "coes.json").read_text(encoding="utf-8")
    )
    assert {coe["id"] for coe in exported["coes"]} == {"COE-2026-101", "COE-2026-102"}


# -- service and team names that look alike --------------------------------------------------

# Names are free text: two COEs may spell one service differently, or name it "index".
LOOKALIKES = {
    "case and spacing": ("label-service", "Label Service"),
    "named index": ("label-service", "index"),
}


def with_service(coe_id: str, service: str) -> str:
    return VALID_COE.replace("id: COE-2026-101", f"id: {coe_id}").replace(
        "  - label-service", f"  - {service}"
    )


@pytest.fixture(scope="module")
def lookalikes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    built = {}
    for case, (first, second) in LOOKALIKES.items():
        repo = make_repo(
            tmp_path_factory.mktemp("lookalike") / "repo",
            {
                "coes/COE-2026-101-first.md": with_service("COE-2026-101", first),
                "coes/COE-2026-102-second.md": with_service("COE-2026-102", second),
            },
        )
        built[case] = (repo, output(run_mkdocs("build", "--strict", cwd=repo)))
    return built


def listed_coes(site: Path, url: str) -> set[str]:
    soup = BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")
    table = soup.select_one("article table.coe-sortable")
    assert table is not None, url
    return {row.find("td").get_text().strip() for row in table.select("tbody tr")}


@pytest.mark.parametrize("case", LOOKALIKES)
def test_lookalike_service_names_still_build_and_list_their_coes(
    lookalikes: dict[str, tuple[Path, str]], case: str
) -> None:
    repo, log = lookalikes[case]
    site = repo / "site"
    assert (site / "api" / "coes.json").is_file(), log
    assert "Traceback" not in log
    for coe_id, slug in (("COE-2026-101", "first"), ("COE-2026-102", "second")):
        url = f"coes/{coe_id}-{slug}/"
        card = page(site, url.rstrip("/")).select_one("section.coe-card")
        links = card.select("dt:-soup-contains('Services') + dd a")
        assert len(links) == 1
        target = posixpath.normpath(posixpath.join(url, links[0]["href"])) + "/"
        assert target != "services/", "a service page must not replace the services index"
        assert coe_id in listed_coes(site, target)
    listed = set()
    for link in page(site, "services").select("ul.coe-groups li a"):
        listed |= listed_coes(site, posixpath.normpath(posixpath.join("services/", link["href"])))
    assert listed == {"COE-2026-101", "COE-2026-102"}


# -- a warning only ----------------------------------------------------------------------------


@dataclass
class Warned:
    repo: Path
    lenient: subprocess.CompletedProcess[str]
    lenient_site: dict[str, str]
    strict: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def warned(tmp_path_factory: pytest.TempPathFactory) -> Warned:
    # The `filename` rule (a warning): the file name does not begin with the id.
    repo = make_repo(
        tmp_path_factory.mktemp("warned") / "repo", {"coes/label-outage.md": VALID_COE}
    )
    lenient = run_mkdocs("build", "-d", "site-lenient", cwd=repo)
    lenient_site = sha256_tree(repo / "site-lenient") if (repo / "site-lenient").is_dir() else {}
    strict = run_mkdocs("build", "--strict", "-d", "site-strict", cwd=repo)
    return Warned(repo, lenient, lenient_site, strict)


def test_a_warning_does_not_fail_a_build_without_strict(warned: Warned) -> None:
    assert warned.lenient.returncode == 0, output(warned.lenient)
    assert "coes/label-outage/index.html" in warned.lenient_site
    assert "api/coes.json" in warned.lenient_site


def test_a_warning_fails_a_strict_build(warned: Warned) -> None:
    assert warned.strict.returncode == 1, output(warned.strict)
    assert "Traceback" not in output(warned.strict)


def test_a_warning_names_file_line_and_rule(warned: Warned) -> None:
    line = line_of(VALID_COE, "id: COE-2026-101")
    for result in (warned.lenient, warned.strict):
        text = output(result)
        assert re.search(rf"WARNING .*coes/label-outage\.md:{line}:\d+: \[filename\] \S", text), (
            text
        )


# -- reproducible builds -----------------------------------------------------------------------

TWICE = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config

config_file, *site_dirs = sys.argv[1:]
for site_dir in site_dirs:
    build(load_config(config_file, site_dir=site_dir))
"""


def fixture_files() -> dict[str, str]:
    return {
        path.relative_to(FIXTURE).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(FIXTURE.rglob("*"))
        if path.is_file() and path.name != "mkdocs.yml"
    }


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("twice")
    repo = make_repo(
        root / "repo",
        fixture_files(),
        mkdocs_yml=(FIXTURE / "mkdocs.yml").read_text(encoding="utf-8"),
    )
    result = python(TWICE, str(repo / "mkdocs.yml"), str(root / "a"), str(root / "b"), cwd=repo)
    assert result.returncode == 0, output(result)
    return root / "a", root / "b"


def test_two_builds_in_one_process_are_byte_identical(twice: tuple[Path, Path]) -> None:
    first, second = (sha256_tree(site) for site in twice)
    assert "api/coes.json" in first and "sitemap.xml.gz" in first
    assert len(first) > 50
    # Nothing is ignored, not even sitemap.xml.gz: its gzip header's mtime comes from
    # SOURCE_DATE_EPOCH too.
    assert first == second


# -- the project's own site --------------------------------------------------------------------


def test_project_site_builds_strictly_without_warnings(tmp_path: Path) -> None:
    result = run_mkdocs("build", "--strict", "-d", str(tmp_path / "site"), cwd=ROOT)
    assert result.returncode == 0, output(result)
    assert "WARNING" not in output(result), output(result)
    assert "Traceback" not in output(result)
    assert (tmp_path / "site" / "api" / "coes.json").is_file()
    assert (tmp_path / "site" / "reference" / "rules" / "index.html").is_file()
