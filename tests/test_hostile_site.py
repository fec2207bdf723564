"""Hostile input on the site: nothing unsafe is published, nothing outside the repository is
read into it, MkDocs' own front-matter parser never decides what a COE page shows, and no
file of the repository is changed by a build.

- A hostile corpus (valid under `coe validate --strict`) holds script, attribute-breaking,
  pipe and `javascript:` payloads in every free-text field. No generated page or feed
  carries a payload as markup, and every link built from front-matter is http(s) or
  relative. The CSV and iCalendar exports are data: they carry the values verbatim, as
  well-formed cells and properties.
- Symbolic links in docs/ or coes/ to files outside the repository fail the build, which
  names them, and their targets appear nowhere in the site, with or without --strict and
  under `mkdocs serve`. Symbolic link loops in coes/ are findings, not hangs.
- A UTF-8 BOM, a `...` closer and blank lines before the `---`, which MkDocs' front-matter
  parser reads differently from ours: the page comes from our parse or is an error page.
- Every file of every repository of this module is byte-identical after its builds.

Every build runs in a subprocess (tests/test_site_builds.py says why).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.helpers import (
    MKDOCS_YML,
    ROOT,
    VALID_COE,
    build_env,
    logged,
    make_repo,
    run_coe,
    run_mkdocs,
)
from tests.test_bad_input import FIXTURES, MANIFEST
from tests.test_bad_input_site import (
    TIMEOUT,
    files_holding,
    page_text,
    pages_showing,
    serve_build,
    shows,
    state,
    yaml_lines,
)
from tests.test_site_builds import output

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PIPE = "|"
JAVASCRIPT = "javascript:alert(1)"
PAYLOADS = (SCRIPT, IMG, PIPE, JAVASCRIPT)
# What must never reach a page, a feed or an export as markup.
RAW = re.compile(r"<script>alert\(1\)|<img src=x onerror", re.IGNORECASE)
# The CSV and iCalendar exports are data, not markup: they carry the values verbatim (see
# their own tests below), as escaping them for HTML would corrupt them.
SCANNED = (".html", ".json", ".xml")
SECRET = "OUTSIDE-SECRET-5d2c"  # in every file outside the repository


@dataclass
class Built:
    """A repository under ``top/repo`` and its builds, with the state of everything under
    ``top`` (outside files included, build outputs left out) before and after them."""

    top: Path
    before: dict[str, tuple[Any, ...]]
    builds: dict[str, subprocess.CompletedProcess[str]] = field(default_factory=dict)
    after: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.top / "repo"

    def site(self, name: str) -> Path:
        return self.top / "sites" / name

    def build(self, name: str, *args: str) -> None:
        if name == "serve":
            self.builds[name] = serve_build(self.root, self.site(name))
        else:
            self.builds[name] = run_mkdocs(
                "build", *args, "-d", str(self.site(name)), cwd=self.root, timeout=TIMEOUT
            )

    def done(self) -> Built:
        self.after = repo_state(self.top)
        return self


def repo_state(top: Path) -> dict[str, tuple[Any, ...]]:
    """Everything under ``top`` (the repository and the files outside it) but the sites."""
    return state(top, skip=("sites", "repo/site"))


def start(top: Path, files: dict[str, str | bytes], mkdocs_yml: str = MKDOCS_YML) -> Built:
    """A repository laid out as the project's: coes/, docs/, mkdocs.yml and schema/."""
    root = make_repo(top / "repo", files, mkdocs_yml=mkdocs_yml)
    (root / "schema").mkdir(exist_ok=True)
    shutil.copyfile(ROOT / "schema" / "coe.schema.json", root / "schema" / "coe.schema.json")
    return Built(top, repo_state(top))


def files_of(site: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file() and p.suffix in suffixes)


def holding(site: Path, needle: str) -> list[str]:
    return files_holding(site, needle.encode())


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# --- the hostile corpus --------------------------------------------------------------------

HOSTILE_YML = MKDOCS_YML.replace(
    "plugins:\n  - coe\n",
    "site_url: https://coes.example/\nplugins:\n  - search\n  - coe:\n"
    "      schema: schema/coe.schema.json\n",
)
RELATED_URL = "https://wiki.parcelwise.example/runbooks/label?a=1&b=x'y"
TICKET_URL = "https://tracker.parcelwise.example/browse/FUL-101?next=javascript:alert(1)&x='y'"
HOSTILE_IDS = ("COE-2026-300", "COE-2026-301", "COE-2026-302")


def _yaml(value: str) -> str:
    """A double-quoted YAML scalar (JSON's string syntax is YAML's)."""
    return json.dumps(value, ensure_ascii=False)


def hostile_values(number: int) -> dict[str, Any]:
    """The free text of hostile COE ``number`` (0-2): each field starts with another
    payload, so every payload is first somewhere."""
    first, second, third, fourth = PAYLOADS[number:] + PAYLOADS[:number]
    mix = " ".join((first, second, third, fourth))
    return {
        "title": f"{mix} label outage {number}",
        "summary": f"{mix} 1,200 merchants could not print labels for 40 minutes.",
        "team": f"{first} fulfilment",
        "services": [first, f"{second} label-service", third, fourth],
        "tags": [first, second, third, fourth],
        "authors": [f"{first} Priya Natarajan", second],
        "related_title": f"{mix} runbook",
        "items": [
            (f"{first} Add a pre-deploy check that rejects pool sizes below peak load", second),
            (f"{third} Alarm on connection-pool wait time above 200 ms for 5 minutes", fourth),
        ],
    }


def hostile_coe(number: int) -> str:
    values = hostile_values(number)
    coe_id = HOSTILE_IDS[number]
    cause = HOSTILE_IDS[(number + 1) % len(HOSTILE_IDS)]

    def listed(key: str) -> str:
        return "".join(f"\n  - {_yaml(v)}" for v in values[key])

    (first_title, first_owner), (second_title, second_owner) = values["items"]
    front = f"""\
---
id: {coe_id}
title: {_yaml(values["title"])}
status: published
severity: SEV2
date: 2026-03-03
authors:{listed("authors")}
team: {_yaml(values["team"])}
services:{listed("services")}
tags:{listed("tags")}
incident:
  started: 2026-03-02T14:00:00Z
  detected: 2026-03-02T14:10:00Z
  mitigated: 2026-03-02T14:40:00Z
  resolved: 2026-03-02T16:00:00Z
  detection: monitoring
impact:
  summary: {_yaml(values["summary"])}
  customers_affected: 1200
  nfrs:
    - reliability
  sla_breached: false
related:
  - url: {_yaml(RELATED_URL)}
    title: {_yaml(values["related_title"])}
  - coe: {cause}
    relation: caused-by
action_items:
  - id: AI-1
    title: {_yaml(first_title)}
    kind: prevent
    priority: P1
    owner: {_yaml(first_owner)}
    due: 2026-03-10
    status: done
    done: 2026-03-09
    link: {_yaml(TICKET_URL)}
    addresses: [1, 2, 3]
  - id: AI-2
    title: {_yaml(second_title)}
    kind: detect
    priority: P2
    owner: {_yaml(second_owner)}
    due: 2026-03-14
    status: open
    addresses: [4, 5]
---
"""
    return front + VALID_COE.split("\n---\n", 1)[1]


def hostile_src(number: int) -> str:
    return f"coes/{HOSTILE_IDS[number]}-hostile.md"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    assert "schema: schema/coe.schema.json" in HOSTILE_YML
    files: dict[str, str | bytes] = {hostile_src(n): hostile_coe(n) for n in range(3)}
    built = start(tmp_path_factory.mktemp("hostile"), files, mkdocs_yml=HOSTILE_YML)
    built.builds["validate"] = run_coe("validate", "--strict", cwd=built.root)
    built.build("strict", "--strict")
    return built.done()


def test_hostile_corpus_is_valid_and_builds_strictly(hostile: Built) -> None:
    validate = hostile.builds["validate"]
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "0 errors, 0 warnings" in validate.stdout
    result = hostile.builds["strict"]
    assert result.returncode == 0, output(result)
    assert "Traceback" not in output(result) and "WARNING" not in output(result)


def test_no_payload_is_published_as_markup(hostile: Built) -> None:
    site = hostile.site("strict")
    scanned = files_of(site, SCANNED)
    names = {p.relative_to(site).as_posix() for p in scanned}
    assert {"api/coes.json", "api/action-items.json", "feed.xml", "sitemap.xml"} <= names
    assert "search/search_index.json" in names
    assert len([n for n in names if n.startswith("services/")]) >= 5
    leaks = {
        p.relative_to(site).as_posix(): RAW.findall(p.read_text(encoding="utf-8")) for p in scanned
    }
    assert {name: found for name, found in leaks.items() if found} == {}
    # Not for want of payloads: the exports hold them, escaped, and parse back to them.
    exported = json.loads((site / "api" / "coes.json").read_text(encoding="utf-8"))
    titles = {coe["id"]: coe["title"] for coe in exported["coes"]}
    assert titles == {HOSTILE_IDS[n]: hostile_values(n)["title"] for n in range(3)}
    assert "\\u003cscript\\u003e" in (site / "api" / "coes.json").read_text(encoding="utf-8")


def test_every_payload_is_shown_as_text(hostile: Built) -> None:
    """Escaped, not dropped: the reader sees what the author wrote."""
    site = hostile.site("strict")
    for number in range(3):
        values = hostile_values(number)
        soup = soup_of(site / f"coes/{HOSTILE_IDS[number]}-hostile/index.html")
        heading = soup.select_one("h1#coe-title")
        assert heading is not None
        assert heading.get_text() == f"{HOSTILE_IDS[number]} {values['title']}"
        assert soup.title is not None and values["title"] in soup.title.get_text()
        card = soup.select_one("section.coe-card")
        assert card is not None

        def fact(name: str, card: Any = card) -> str:
            found = card.select_one(f"dt:-soup-contains('{name}') + dd")
            assert found is not None, name
            return str(found.get_text())

        assert fact("Team") == values["team"]
        assert fact("Services") == ", ".join(values["services"])
        assert fact("Tags") == ", ".join(values["tags"])
        assert fact("Authors") == ", ".join(values["authors"])
        summary = card.select_one(".coe-impact__summary")
        assert summary is not None and summary.get_text() == values["summary"]
        rows = soup.select("table.coe-items tbody tr")
        cells = [[cell.get_text() for cell in row.select("td")] for row in rows]
        assert [(row[1], row[4]) for row in cells] == values["items"]  # title, owner
        assert all(len(row.select("td")) == 8 for row in rows)
        related = [li.get_text(" ", strip=True) for li in soup.select("ul.coe-related li")]
        assert f"link {values['related_title']}" in related


def _links(soup: BeautifulSoup) -> list[str]:
    return [str(tag.get(attr)) for attr in ("href", "src") for tag in soup.select(f"[{attr}]")]


def _safe(url: str) -> bool:
    return urlsplit(url).scheme in ("", "http", "https") and not url.lstrip().startswith("//")


def test_links_from_front_matter_are_http_or_relative(hostile: Built) -> None:
    site = hostile.site("strict")
    for number in range(3):
        soup = soup_of(site / f"coes/{HOSTILE_IDS[number]}-hostile/index.html")
        parts = soup.select("section.coe-card, h1#coe-title, table, ul.coe-related")
        links = [link for part in parts for link in _links(part)]
        # The team, four services (one page for "|" and "javascript:alert(1)" each), the
        # ticket, the runbook and the two related COEs (as cause and as effect).
        assert len(links) >= 9, links
        assert [link for link in links if not _safe(link)] == []
        assert TICKET_URL in links and RELATED_URL in links
        card = soup.select_one("section.coe-card")
        assert card is not None
        for link in _links(card):
            assert urlsplit(link).scheme == "" and link.startswith("../"), link
    unsafe = {
        path.relative_to(site).as_posix(): bad
        for path in files_of(site, (".html",))
        if (bad := [link for link in _links(soup_of(path)) if not _safe(link)])
    }
    assert unsafe == {}


def test_feed_and_calendar_are_well_formed_with_http_links(hostile: Built) -> None:
    site = hostile.site("strict")
    feed = ET.parse(site / "feed.xml").getroot()  # well-formed despite the payloads
    titles = [el.text for el in feed.iter("{http://www.w3.org/2005/Atom}title")]
    for number in range(3):
        assert any(hostile_values(number)["title"] in (title or "") for title in titles)
    hrefs = [str(el.get("href")) for el in feed.iter() if el.get("href") is not None]
    assert hrefs and all(urlsplit(href).scheme == "https" for href in hrefs), hrefs
    calendar = _unfold((site / "action-items.ics").read_text(encoding="utf-8"))
    urls = [line.split(":", 1)[1] for line in calendar if line.startswith("URL:")]
    assert len(urls) == 3 and all(urlsplit(url).scheme == "https" for url in urls), urls


def test_tables_keep_their_shape(hostile: Built) -> None:
    """A `|` in a title or name does not split a cell."""
    site = hostile.site("strict")
    rows = 0
    for url in ("coes/index.html", "actions/index.html", "services/unnamed/index.html"):
        for table in soup_of(site / url).select("article table"):
            header = len(table.select("thead th"))
            widths = {len(row.select("td, th")) for row in table.select("tbody tr")}
            assert widths <= {header}, (url, widths, header)
            rows += len(table.select("tbody tr"))
    assert rows >= 3 + 3 + 3  # three COEs listed twice, three open items


def test_csv_export_carries_the_values_verbatim_as_data(hostile: Built) -> None:
    """A CSV file is data, not markup: the titles and owners come back exactly as
    written, each in its own cell (escaping them as HTML would corrupt them)."""
    text = (hostile.site("strict") / "api" / "action-items.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 6
    header = text.splitlines()[0].split(",")
    assert all(len(row) == len(header) and None not in row for row in rows)
    found = {(row["coe"], row["id"]): (row["title"], row["owner"]) for row in rows}
    for number in range(3):
        for index, item in enumerate(hostile_values(number)["items"], 1):
            assert found[(HOSTILE_IDS[number], f"AI-{index}")] == item


def _unfold(text: str) -> list[str]:
    return re.sub(r"\r?\n[ \t]", "", text).splitlines()


def _ics_text(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def test_calendar_carries_the_values_verbatim_in_its_own_properties(hostile: Built) -> None:
    """iCalendar text is data too: a payload stays inside its property's value and cannot
    start a property or an event of its own."""
    text = (hostile.site("strict") / "action-items.ics").read_text(encoding="utf-8")
    lines = _unfold(text)
    assert all(re.match(r"^[A-Z][A-Z0-9-]*[;:]", line) for line in lines), lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 3  # the open items
    summaries = [_ics_text(line.split(":", 1)[1]) for line in lines if line[:8] == "SUMMARY:"]
    for number in range(3):
        title, owner = hostile_values(number)["items"][1]
        assert f"{HOSTILE_IDS[number]}/AI-2: {title}" in summaries
        assert any(f"Owner: {owner}\n" in _ics_text(line) for line in lines)


# --- links out of the repository -------------------------------------------------------------


def _secret_coe() -> str:
    return VALID_COE.replace("id: COE-2026-101", "id: COE-2026-102").replace(
        "Label service returned", SECRET
    )


LINKS = {
    # name: (the link, relative to the repository; what it points at, relative to outside/)
    "docs_page": ("docs/leak.md", "secret.md"),
    "docs_asset": ("docs/leak.txt", "secret.txt"),
    "docs_folder": ("docs/linked", "folder"),
    "coes_file": ("coes/COE-2026-102-leak.md", "secret-coe.md"),
}


def _outside(top: Path) -> Path:
    outside = top / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.md").write_text(f"# {SECRET}\n\n{SECRET} page.\n", encoding="utf-8")
    (outside / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    (outside / "folder" / "page.md").write_text(f"# {SECRET}\n", encoding="utf-8")
    (outside / "secret-coe.md").write_text(_secret_coe(), encoding="utf-8")
    return outside


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """One repository for each link (with a valid COE beside it), built with --strict and
    without; and one with every link, built as `mkdocs serve` builds."""
    built = {}
    for name in [*LINKS, "all"]:
        top = tmp_path_factory.mktemp(f"link-{name}")
        outside = _outside(top)
        root = make_repo(top / "repo", {"coes/COE-2026-101-label.md": VALID_COE})
        for link, target in LINKS.values() if name == "all" else [LINKS[name]]:
            os.symlink(outside / target, root / link)
        one = start(top, {})
        if name == "all":
            one.build("serve")
        else:
            one.build("strict", "--strict")
            one.build("lenient")
        built[name] = one.done()
    return built


@pytest.mark.parametrize("mode", ["strict", "lenient"])
@pytest.mark.parametrize("name", LINKS)
def test_a_link_out_of_the_repository_fails_the_build_and_is_named(
    linked: dict[str, Built], name: str, mode: str
) -> None:
    result = linked[name].builds[mode]
    text = output(result)
    assert result.returncode == 1, text
    assert "Traceback" not in text
    link = LINKS[name][0]
    if name == "docs_folder":  # MkDocs names the pages in it
        assert logged(text, f"{link}/page.md", 1, "file-read"), text
    elif name == "coes_file":
        assert logged(text, link, 1, "file-read") and "outside the repository" in text, text
    else:
        assert logged(text, link, 1, "file-read"), text
    assert SECRET not in text


@pytest.mark.parametrize("mode", ["strict", "lenient"])
@pytest.mark.parametrize("name", LINKS)
def test_a_link_out_of_the_repository_publishes_nothing_of_its_target(
    linked: dict[str, Built], name: str, mode: str
) -> None:
    site = linked[name].site(mode)
    if site.exists():  # a failed build may leave the folder it cleaned
        assert holding(site, SECRET) == []


def test_serve_mode_publishes_nothing_from_outside_either(linked: dict[str, Built]) -> None:
    result = linked["all"].builds["serve"]
    assert result.returncode == 0, output(result)
    assert "Traceback" not in output(result)
    site = linked["all"].site("serve")
    assert (site / "coes" / "COE-2026-101-label" / "index.html").is_file()
    for link, _ in LINKS.values():
        assert f"{link}" in output(result)
    assert not (site / "leak.txt").exists() and not (site / "linked").exists()
    assert holding(site, SECRET) == []


MOVED = "MOVED-OUT-MARKER-41e8"
SERVE_MOVED = """
import os, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config

config_file, first, second, src, dst = sys.argv[1:]
config = load_config(config_file, site_dir=first)
config.plugins.on_startup(command="serve", dirty=False)
build(config)
# Between two rebuilds the COE is moved out of the repository and a link left in its
# place: the same file (inode, size and time) now reached through a link.
os.rename(src, dst)
os.symlink(dst, src)
build(load_config(config_file, site_dir=second))
"""


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, str]:
    top = tmp_path_factory.mktemp("moved")
    moving = "coes/COE-2026-102-moved.md"
    coe = VALID_COE.replace("id: COE-2026-101", "id: COE-2026-102")
    built = start(
        top,
        {
            "coes/COE-2026-101-label.md": VALID_COE,
            moving: coe.replace("Label service returned", MOVED),
        },
    )
    (top / "outside").mkdir()
    args = [str(built.root / "mkdocs.yml"), str(built.site("first")), str(built.site("second"))]
    args += [str(built.root / moving), str(top / "outside" / "moved.md")]
    built.builds["serve"] = subprocess.run(
        [sys.executable, "-c", SERVE_MOVED, *args],
        cwd=built.root,
        env=build_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    return built, moving


def test_serve_rebuild_refuses_a_coe_moved_out_behind_a_link(moved: tuple[Built, str]) -> None:
    built, moving = moved
    result = built.builds["serve"]
    text = output(result)
    assert result.returncode == 0, text
    assert "Traceback" not in text
    assert holding(built.site("first"), MOVED) != []  # published while in the repository
    assert logged(text, moving, 1, "file-read"), text  # refused once it is a link out
    assert holding(built.site("second"), MOVED) == []


@pytest.fixture(scope="module")
def loops(tmp_path_factory: pytest.TempPathFactory) -> Built:
    top = tmp_path_factory.mktemp("loops")
    root = make_repo(top / "repo", {"coes/COE-2026-101-label.md": VALID_COE})
    coes = root / "coes"
    os.symlink(coes / "COE-2026-102-self.md", coes / "COE-2026-102-self.md")
    os.symlink(coes / "COE-2026-104-b.md", coes / "COE-2026-103-a.md")
    os.symlink(coes / "COE-2026-103-a.md", coes / "COE-2026-104-b.md")
    (coes / "sub").mkdir()
    os.symlink(coes, coes / "sub" / "again")  # a folder that contains itself
    built = start(top, {})
    built.build("strict", "--strict")
    built.build("serve")
    return built.done()


@pytest.mark.parametrize("mode", ["strict", "serve"])
def test_link_loops_in_coes_are_findings_not_hangs(loops: Built, mode: str) -> None:
    result = loops.builds[mode]  # within TIMEOUT, or the fixture failed
    text = output(result)
    assert "Traceback" not in text
    assert result.returncode == (1 if mode == "strict" else 0), text
    for name in ("COE-2026-102-self.md", "COE-2026-103-a.md", "COE-2026-104-b.md"):
        assert re.search(rf"coes/{name}:1:\d+: \[file-read\] \S*.*loop", text), text
    assert "coes/sub/again" not in text  # a link to a folder is not followed at all


# --- MkDocs' front-matter parser and ours ------------------------------------------------------

DOCS_PAGE = "---\ntitle: A page titled by its meta\n---\n\nPlain text of the page.\n"


def _fixture(name: str) -> bytes:
    return (FIXTURES / MANIFEST[name]["file"]).read_bytes()


@pytest.fixture(scope="module")
def parsers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """``valid``: a COE with a BOM and a docs page with its own front-matter, built with
    --strict; ``invalid``: the same with a `...` closer and blank lines before the `---`
    (both front-matter errors), built with --strict and as `mkdocs serve` builds."""
    valid: dict[str, str | bytes] = {
        "coes/COE-2026-101-utf8-bom.md": _fixture("utf8_bom"),
        "docs/page.md": DOCS_PAGE,
    }
    invalid: dict[str, str | bytes] = {
        **valid,
        "coes/COE-2026-102-dots.md": _fixture("dots_closer").replace(
            b"id: COE-2026-101", b"id: COE-2026-102"
        ),
        "coes/COE-2026-103-blank.md": _fixture("leading_blank_lines").replace(
            b"id: COE-2026-101", b"id: COE-2026-103"
        ),
    }
    built = {}
    for name, files in (("valid", valid), ("invalid", invalid)):
        one = start(tmp_path_factory.mktemp(name), files)
        one.build("strict", "--strict")
        if name == "invalid":
            one.build("serve")
        built[name] = one.done()
    return built


def test_a_coe_with_a_bom_is_built_from_our_parse(parsers: dict[str, Built]) -> None:
    result = parsers["valid"].builds["strict"]
    assert result.returncode == 0, output(result)
    raw = _fixture("utf8_bom")
    assert raw.startswith(b"\xef\xbb\xbf---\n")
    page = parsers["valid"].site("strict") / "coes" / "COE-2026-101-utf8-bom" / "index.html"
    soup = soup_of(page)
    heading = soup.select_one("h1#coe-title")
    assert heading is not None and "Label service returned HTTP 503" in heading.get_text()
    team = soup.select_one("section.coe-card dt:-soup-contains('Team') + dd")
    assert team is not None and team.get_text() == "fulfilment"
    text = page_text(page)
    assert [line for line in yaml_lines(raw) if shows(text, line)] == []
    assert "\ufeff" not in text
    article = soup.select_one("article")
    assert article is not None and article.select("hr") == []


@pytest.mark.parametrize(
    ("src", "line"), [("coes/COE-2026-102-dots.md", 48), ("coes/COE-2026-103-blank.md", 1)]
)
def test_front_matter_mkdocs_would_read_otherwise_fails_the_build(
    parsers: dict[str, Built], src: str, line: int
) -> None:
    result = parsers["invalid"].builds["strict"]
    text = output(result)
    assert result.returncode == 1, text
    assert "Traceback" not in text
    assert logged(text, src, line, "front-matter"), text


@pytest.mark.parametrize(
    ("src", "line"), [("coes/COE-2026-102-dots.md", 48), ("coes/COE-2026-103-blank.md", 1)]
)
def test_under_serve_it_is_an_error_page_never_yaml_as_text(
    parsers: dict[str, Built], src: str, line: int
) -> None:
    built = parsers["invalid"]
    result = built.builds["serve"]
    assert result.returncode == 0, output(result)
    assert "Traceback" not in output(result)
    page = built.site("serve") / src.removesuffix(".md") / "index.html"
    soup = soup_of(page)
    findings = [li.get_text() for li in soup.select("ul.coe-findings li")]
    assert any(f"{src}:{line}" in f and "[front-matter]" in f for f in findings), findings
    assert soup.select_one("section.coe-card") is None
    raw = (built.root / src).read_bytes()
    text = page_text(page)
    assert [line for line in yaml_lines(raw) if shows(text, line)] == []
    article = soup.select_one("article")
    assert article is not None and article.select("hr") == []
    assert pages_showing(built.site("serve"), yaml_lines(raw)) == {}


@pytest.mark.parametrize("build", ["valid/strict", "invalid/serve"])
def test_a_docs_page_keeps_its_own_front_matter(parsers: dict[str, Built], build: str) -> None:
    """Our parser is for COEs only: MkDocs still reads a docs page's meta."""
    repo, mode = build.split("/")
    page = parsers[repo].site(mode) / "page" / "index.html"
    soup = soup_of(page)
    assert soup.title is not None and "A page titled by its meta" in soup.title.get_text()
    assert "title:" not in page_text(page)
    assert "Plain text of the page." in page_text(page)


def test_the_bom_coe_is_built_from_our_parse_under_serve_too(parsers: dict[str, Built]) -> None:
    page = parsers["invalid"].site("serve") / "coes" / "COE-2026-101-utf8-bom" / "index.html"
    soup = soup_of(page)
    assert soup.select_one("section.coe-card") is not None
    assert soup.select_one("ul.coe-findings") is None


# --- nothing is lost -----------------------------------------------------------------------------


def test_a_docs_page_in_the_place_of_a_coe_page_is_not_silently_dropped(tmp_path: Path) -> None:
    shadowed = "docs/coes/COE-2026-101-label.md"
    built = start(
        tmp_path,
        {"coes/COE-2026-101-label.md": VALID_COE, shadowed: "# Notes\n\nSHADOWED-PAGE-TEXT\n"},
    )
    built.build("strict", "--strict")
    built.done()
    result = built.builds["strict"]
    text = output(result)
    assert "Traceback" not in text
    assert built.after == built.before
    assert result.returncode == 1, text
    assert shadowed in text, text


# (`moved` is left out: the test moves a file itself.)
BUILT = ["hostile", "linked", "loops", "parsers"]


@pytest.mark.parametrize("fixture", BUILT)
def test_builds_change_no_file_of_the_repository(
    request: pytest.FixtureRequest, fixture: str
) -> None:
    """coes/, docs/, mkdocs.yml and schema/ (and the files outside the repository) are
    byte-identical, with the same modes and times, after every build; nothing is added to
    docs/ or coes/."""
    value = request.getfixturevalue(fixture)
    repos: list[Built] = list(value.values()) if isinstance(value, dict) else [value]
    for built in repos:
        assert built.builds, built.top
        kept = {key for key in built.before if key.startswith("repo/")}
        assert {"repo/mkdocs.yml", "repo/schema/coe.schema.json", "repo/docs/index.md"} <= kept
        assert any(key.startswith("repo/coes/") for key in kept)
        assert built.after == built.before
        assert not (built.root / "site").exists()  # every build was told where to write
