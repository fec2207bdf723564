"""Acceptance tests of the published site: a real `mkdocs build --strict` of the fixture
corpus in ``tests/fixtures/site/corpus/``, built once for the module, then read back as a
reader (HTML parsed with BeautifulSoup) and as a consumer of the exports (JSON, CSV).

The corpus has six COEs with every relation type (two of them written on both COEs),
action items in every status (some overdue on 2026-11-27, one due that very day, one due
within 14 days, one later), a draft, a COE in review, and a COE whose title and team,
service, owner and action-item title carry HTML. ``docs/index.md`` names a COE by its id.
Expected values are worked out here from the fixture's front-matter (read with PyYAML,
timestamps kept as text) or written out by hand, never taken from the project's code.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup, Tag
from jsonschema.validators import validator_for

from coe.core.rules import RULES
from tests.helpers import ROOT, SOURCE_DATE_EPOCH, TODAY, make_repo, run_mkdocs

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site" / "corpus"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
TODAY_DATE = date.fromisoformat(TODAY)
SOON_DAYS = 14
HOSTILE = 'Cache <script>alert(1)</script> | x "><img src=x onerror=alert(1)>'
HOSTILE_ID = "COE-2026-205"
RAW_MARKUP = ("<script>alert(1)", "<img src=x", "<b>")
OPEN = {"open", "in-progress"}
# The contract: "caused-by on A shows as caused on B and back; recurrence-of shows as
# recurred-in; the others are symmetric".
INVERSE = {"caused-by": "caused", "caused": "caused-by", "recurrence-of": "recurred-in"}
COE_LINK_TEXT = re.compile(r"^(COE-[0-9]{4}-[0-9]{3,}): ")
SITE_BASE = "https://site.invalid/"


# -- the fixture's front-matter, read independently ---------------------------------------


class _TextTimesLoader(yaml.SafeLoader):
    """PyYAML's safe loader without the timestamp resolver: dates and times stay text,
    as they are in the exports."""


_TextTimesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Coe:
    id: str
    path: str  # relative to the repository
    data: dict[str, Any]

    @property
    def url(self) -> str:
        stem = PurePosixPath(self.path).with_suffix("")
        return f"{stem.as_posix()}/"

    @property
    def items(self) -> list[dict[str, Any]]:
        return list(self.data["action_items"])


def _load_fixture() -> dict[str, Coe]:
    coes = {}
    for path in sorted((FIXTURE / "coes").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = text.split("---\n", 2)[1]
        data = yaml.load(front, Loader=_TextTimesLoader)
        coes[data["id"]] = Coe(data["id"], path.relative_to(FIXTURE).as_posix(), data)
    return coes


COES = _load_fixture()
IDS = sorted(COES)


def fixture_files() -> dict[str, str]:
    """Every file of the corpus except mkdocs.yml, for make_repo."""
    return {
        path.relative_to(FIXTURE).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(FIXTURE.rglob("*"))
        if path.is_file() and path.name != "mkdocs.yml"
    }


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def minutes_from_start(data: dict[str, Any], key: str) -> int | None:
    incident = data["incident"]
    if key not in incident:
        return None
    return int((moment(incident[key]) - moment(incident["started"])).total_seconds() // 60)


def item_state(item: dict[str, Any]) -> tuple[bool, bool, int]:
    """(open, overdue, days overdue) as the contract defines them, as of TODAY."""
    is_open = item["status"] in OPEN
    days = (TODAY_DATE - date.fromisoformat(item["due"])).days
    overdue = is_open and days > 0
    return is_open, overdue, days if overdue else 0


def explicit_relations(coe_id: str) -> list[tuple[str, str]]:
    """(relation, target) of the COE's own `related` entries that name a COE."""
    found = []
    for entry in COES[coe_id].data.get("related") or []:
        if isinstance(entry, str):
            found.append(("see-also", entry))
        elif "coe" in entry:
            found.append((entry["relation"], entry["coe"]))
    return found


def backlinks(coe_id: str) -> list[tuple[str, str]]:
    """(inverse relation, source) of every other COE's relation pointing at this one."""
    return [
        (INVERSE.get(relation, relation), source)
        for source in IDS
        for relation, target in explicit_relations(source)
        if target == coe_id and source != coe_id
    ]


def external_links(coe_id: str) -> list[tuple[str, str]]:
    return [
        (entry["title"], entry["url"])
        for entry in COES[coe_id].data.get("related") or []
        if isinstance(entry, dict) and "url" in entry
    ]


def all_items() -> list[tuple[str, dict[str, Any]]]:
    return [(coe_id, item) for coe_id in IDS for item in COES[coe_id].items]


def open_items() -> list[tuple[str, dict[str, Any]]]:
    return [(c, i) for c, i in all_items() if item_state(i)[0]]


# -- the build ------------------------------------------------------------------------------


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@dataclass
class Built:
    repo: Path
    result: subprocess.CompletedProcess[str]
    sources_before: dict[str, dict[str, str]]
    sources_after: dict[str, dict[str, str]]

    @property
    def output(self) -> str:
        return self.result.stdout + self.result.stderr


class Site:
    """The built site, read as a browser would: pages by URL, links resolved from them."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def file(self, url: str) -> Path:
        path = url.split("#", 1)[0]
        return self.root / (path + "index.html" if path.endswith("/") or not path else path)

    @cache  # noqa: B019 (one Site per module; pages are parsed once)
    def page(self, url: str) -> BeautifulSoup:
        return BeautifulSoup(self.file(url).read_text(encoding="utf-8"), "html.parser")

    def article(self, url: str) -> Tag:
        article = self.page(url).select_one("article")
        assert article is not None, f"{url}: no <article>"
        return article

    def coe_page(self, coe_id: str) -> Tag:
        return self.article(COES[coe_id].url)

    @staticmethod
    def resolve(page_url: str, href: str) -> str:
        """A relative href, as seen from the page at page_url, as a site-relative URL."""
        absolute = urljoin(SITE_BASE + page_url, href)
        assert absolute.startswith(SITE_BASE), f"{href!r} from {page_url!r} leaves the site"
        return absolute[len(SITE_BASE) :]

    def json(self, url: str) -> Any:
        return json.loads((self.root / url).read_text(encoding="utf-8"))

    def html_pages(self) -> list[str]:
        """The URL of every page (theme assets excluded)."""
        pages = []
        for path in sorted(self.root.rglob("*.html")):
            relative = path.relative_to(self.root).as_posix()
            if relative.startswith("assets/"):
                continue
            pages.append(relative[: -len("index.html")] if path.name == "index.html" else relative)
        return pages


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    repo = make_repo(
        tmp_path_factory.mktemp("site") / "repo",
        fixture_files(),
        mkdocs_yml=(FIXTURE / "mkdocs.yml").read_text(encoding="utf-8"),
    )
    before = {name: tree_hashes(repo / name) for name in ("docs", "coes")}
    result = run_mkdocs("build", "--strict", cwd=repo)
    after = {name: tree_hashes(repo / name) for name in ("docs", "coes")}
    return Built(repo, result, before, after)


@pytest.fixture(scope="module")
def site(built: Built) -> Site:
    if built.result.returncode != 0:
        pytest.fail(f"the fixture site did not build:\n{built.output}")
    return Site(built.repo / "site")


def text(node: Tag | None) -> str:
    assert node is not None
    return " ".join(node.get_text().split())


def html_text(fragment: str) -> str:
    return " ".join(BeautifulSoup(fragment, "html.parser").get_text().split())


def cells(row: Tag) -> list[Tag]:
    return row.find_all(["td", "th"], recursive=False)


def body_rows(table: Tag | None) -> list[Tag]:
    assert table is not None
    body = table.find("tbody")
    assert isinstance(body, Tag)
    return body.find_all("tr", recursive=False)


def facts(card: Tag) -> dict[str, str]:
    return {text(dt): text(dt.find_next_sibling("dd")) for dt in card.select("dl.coe-facts dt")}


# -- the build itself -----------------------------------------------------------------------


def test_fixture_site_builds_strictly_without_warnings(built: Built) -> None:
    assert built.result.returncode == 0, built.output
    assert "WARNING" not in built.output
    assert "Traceback" not in built.output


def test_build_writes_nothing_into_docs_or_coes(built: Built, site: Site) -> None:
    assert built.sources_after == built.sources_before
    assert built.sources_before["coes"], "the fixture corpus is empty"


def test_nav_reaches_every_generated_index_page(site: Site) -> None:
    links = site.page("").select("nav.md-nav--primary a.md-nav__link[href]")
    targets = {Site.resolve("", a["href"]) for a in links}
    expected = {"coes/", "actions/", "services/", "teams/", "reference/rules/", "reference/schema/"}
    assert expected <= targets
    for url in expected:
        assert site.file(url).is_file(), url
        assert site.article(url).find("h1") is not None, url


# -- COE pages: the header card -------------------------------------------------------------

# What a reader sees, written out by hand: times in UTC, durations as displayed.
TIMES = {
    "COE-2026-201": [
        ("Started", "2026-09-29 08:00", "–"),
        ("Detected", "2026-09-29 08:12", "12 min"),
        ("Mitigated", "2026-09-29 09:05", "1 h 5 min"),
        ("Resolved", "2026-10-01 10:30", "2 d 2 h 30 min"),
    ],
    "COE-2026-202": [  # started is written as 16:00+02:00
        ("Started", "2026-09-14 14:00", "–"),
        ("Detected", "2026-09-14 14:30", "30 min"),
        ("Mitigated", "2026-09-14 14:50", "50 min"),
    ],
    "COE-2026-203": [
        ("Started", "2026-11-18 10:00", "–"),
        ("Detected", "2026-11-18 10:05", "5 min"),
        ("Mitigated", "2026-11-18 10:45", "45 min"),
        ("Resolved", "2026-11-18 12:15", "2 h 15 min"),
    ],
    "COE-2026-204": [
        ("Started", "2026-11-24 09:00", "–"),
        ("Detected", "2026-11-24 09:20", "20 min"),
        ("Mitigated", "2026-11-24 09:35", "35 min"),
    ],
    "COE-2026-205": [
        ("Started", "2026-11-08 22:00", "–"),
        ("Detected", "2026-11-08 22:10", "10 min"),
        ("Mitigated", "2026-11-08 23:00", "1 h"),
        ("Resolved", "2026-11-09 01:00", "3 h"),
    ],
    "COE-2026-206": [
        ("Started", "2026-11-18 09:45", "–"),
        ("Detected", "2026-11-18 10:05", "20 min"),
        ("Mitigated", "2026-11-18 10:30", "45 min"),
    ],
}
CUSTOMERS = {
    "COE-2026-201": "5,400",
    "COE-2026-202": "0",
    "COE-2026-203": "830",
    "COE-2026-204": "120",
    "COE-2026-205": "2,000",
    "COE-2026-206": "830",
}
FLAGS = {"COE-2026-201": {"SLA breached", "Customers overcharged"}}
MONEY = {"COE-2026-201": "12,500.50 EUR"}


@pytest.mark.parametrize("coe_id", IDS)
def test_coe_page_header_card_shows_the_front_matter(site: Site, coe_id: str) -> None:
    data = COES[coe_id].data
    page = site.coe_page(coe_id)
    heading = page.select_one("h1#coe-title")
    assert text(heading.select_one(".coe-id")) == coe_id
    assert text(heading) == " ".join(f"{coe_id} {data['title']}".split())
    card = page.select_one("section.coe-card")
    assert card is not None
    assert text(card.select_one(".coe-sev")) == data["severity"]
    assert text(card.select_one(".coe-status")) == data["status"]
    assert [text(chip) for chip in card.select(".coe-nfr")] == data["impact"]["nfrs"]
    assert {text(chip) for chip in card.select(".coe-flag")} == FLAGS.get(coe_id, set())
    shown = facts(card)
    assert shown["Team"] == data["team"]
    assert [text(a) for a in card.select("dt:-soup-contains('Services') + dd a")] == data[
        "services"
    ]
    assert shown["Opened"] == data["date"]
    assert shown["Customers affected"] == CUSTOMERS[coe_id]
    assert shown.get("Money lost") == MONEY.get(coe_id)
    assert shown["Authors"] == ", ".join(data["authors"])
    assert shown.get("Tags") == (", ".join(data["tags"]) if data.get("tags") else None)
    assert shown["Detected by"] == data["incident"]["detection"].replace("-", " ")


@pytest.mark.parametrize("coe_id", IDS)
def test_coe_page_shows_incident_times_in_utc_with_durations(site: Site, coe_id: str) -> None:
    table = site.coe_page(coe_id).select_one("section.coe-card table.coe-times")
    assert table is not None
    assert "UTC" in text(table.find("caption"))
    rows = [tuple(text(cell) for cell in cells(row)) for row in body_rows(table)]
    assert rows == TIMES[coe_id]


@pytest.mark.parametrize("coe_id", IDS)
def test_coe_page_card_counts_open_and_overdue_items(site: Site, coe_id: str) -> None:
    states = [item_state(item) for item in COES[coe_id].items]
    total, opened = len(states), sum(s[0] for s in states)
    overdue = sum(s[1] for s in states)
    expected = f"{total} ({opened} open" + (f", {overdue} overdue)" if overdue else ")")
    assert facts(site.coe_page(coe_id).select_one("section.coe-card"))["Action items"] == expected


@pytest.mark.parametrize("coe_id", IDS)
def test_coe_page_title_element_names_the_coe(site: Site, coe_id: str) -> None:
    title = text(site.page(COES[coe_id].url).find("title"))
    assert title.startswith(" ".join(f"{coe_id}: {COES[coe_id].data['title']}".split()))


def test_unpublished_coes_carry_a_banner_and_published_ones_do_not(site: Site) -> None:
    seen = set()
    for coe_id in IDS:
        status = COES[coe_id].data["status"]
        seen.add(status)
        banners = site.coe_page(coe_id).select(".coe-banner")
        if status == "published":
            assert banners == [], coe_id
        else:
            assert len(banners) == 1, coe_id
            assert f"coe-banner--{status}" in banners[0]["class"]
            assert {"draft": "Draft", "in-review": "In review"}[status] in text(banners[0])
    assert seen == {"draft", "in-review", "published"}


# -- COE pages: action items ------------------------------------------------------------------


@pytest.mark.parametrize("coe_id", IDS)
def test_action_item_table_has_a_row_per_item_with_its_fields(site: Site, coe_id: str) -> None:
    table = site.coe_page(coe_id).select_one("table.coe-items")
    rows = body_rows(table)
    items = COES[coe_id].items
    assert [row.get("id") for row in rows] == [f"action-{item['id']}" for item in items]
    for row, item in zip(rows, items, strict=True):
        _, overdue, days = item_state(item)
        values = [text(cell) for cell in cells(row)]
        assert values[:5] == [
            item["id"],
            item["title"],
            item["kind"],
            item["priority"],
            item["owner"],
        ]
        assert values[5].startswith(item["due"])
        assert ("overdue" in values[5]) is overdue
        if overdue:
            assert f"overdue {days} d" in values[5]
        assert values[6].startswith(item["status"])
        if "done" in item:
            assert item["done"] in values[6]
        links = [a["href"] for a in cells(row)[7].find_all("a")]
        assert links == ([item["link"]] if "link" in item else [])
        assert ("coe-row--overdue" in (row.get("class") or [])) is overdue, item["id"]


def test_item_due_today_is_not_overdue_anywhere(site: Site) -> None:
    due_today = [(c, i) for c, i in open_items() if i["due"] == TODAY]
    assert due_today, "the fixture needs an open item due on TODAY"
    exported = {(i["coe"], i["id"]): i for i in site.json("api/action-items.json")["items"]}
    actions = {
        text(cells(row)[0]): row for row in body_rows(site.article("actions/").find("table"))
    }
    for coe_id, item in due_today:
        row = site.coe_page(coe_id).find("tr", id=f"action-{item['id']}")
        assert "coe-row--overdue" not in (row.get("class") or [])
        assert exported[(coe_id, item["id"])]["overdue"] is False
        assert exported[(coe_id, item["id"])]["days_overdue"] == 0
        assert "coe-row--overdue" not in (actions[f"{coe_id}/{item['id']}"].get("class") or [])


@pytest.mark.parametrize("coe_id", IDS)
def test_action_items_and_relations_render_under_their_sections(site: Site, coe_id: str) -> None:
    article = site.coe_page(coe_id)
    order = [
        node
        for node in article.find_all(["h2", "table", "ul", "p"])
        if node.get("id") in ("action-items", "related-items")
        or "coe-items" in (node.get("class") or [])
        or "coe-related" in (node.get("class") or [])
    ]
    names = [node.get("id") or node["class"][-1] for node in order]
    assert names == ["action-items", "coe-items", "related-items", "coe-related"]


# -- COE pages: related items -----------------------------------------------------------------


def shown_relations(site: Site, coe_id: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(relation, COE id) and (title, url) of every item of the page's related list, after
    checking that each COE link reaches the right page."""
    url = COES[coe_id].url
    related = site.coe_page(coe_id).select_one("ul.coe-related")
    assert related is not None, f"{coe_id}: no related list"
    coes, external = [], []
    for item in related.find_all("li", recursive=False):
        relation = text(item.select_one(".coe-rel"))
        link = item.find("a")
        match = COE_LINK_TEXT.match(text(link))
        if match:
            target = match.group(1)
            assert Site.resolve(url, link["href"]) == COES[target].url
            assert text(link) == " ".join(f"{target}: {COES[target].data['title']}".split())
            coes.append((relation, target))
        else:
            external.append((text(link), link["href"]))
    return coes, external


# 206 and 203 both write their caused/caused-by relation; 206 and 204 both write see-also.
BOTH_SIDES = ["COE-2026-203", "COE-2026-204", "COE-2026-206"]


@pytest.mark.parametrize("coe_id", IDS)
def test_related_items_show_relations_and_their_inverses(site: Site, coe_id: str) -> None:
    coes, _ = shown_relations(site, coe_id)
    assert set(coes) == set(explicit_relations(coe_id) + backlinks(coe_id))
    if coe_id not in BOTH_SIDES:
        assert len(coes) == len(set(coes))


@pytest.mark.parametrize("coe_id", BOTH_SIDES)
def test_a_relation_written_on_both_coes_is_listed_once(site: Site, coe_id: str) -> None:
    coes, _ = shown_relations(site, coe_id)
    assert sorted(coes) == sorted(set(coes))


@pytest.mark.parametrize("coe_id", IDS)
def test_related_items_show_external_links(site: Site, coe_id: str) -> None:
    _, external = shown_relations(site, coe_id)
    assert sorted(external) == sorted(external_links(coe_id))


# Written out by hand from the contract, so that a wrong inverse in the test's own
# derivation cannot hide a wrong inverse on the site.
INVERSES_SHOWN = [
    ("COE-2026-202", "caused", "COE-2026-201"),  # 201 is caused-by 202
    ("COE-2026-203", "caused-by", "COE-2026-202"),  # 202 caused 203
    ("COE-2026-201", "recurred-in", "COE-2026-203"),  # 203 is a recurrence-of 201
    ("COE-2026-204", "same-root-cause", "COE-2026-203"),  # written on 204 only
    ("COE-2026-203", "same-root-cause", "COE-2026-204"),
    ("COE-2026-202", "see-also", "COE-2026-204"),  # a bare id on 204
    ("COE-2026-202", "see-also", "COE-2026-205"),  # {coe, relation: see-also} on 205
    ("COE-2026-203", "caused-by", "COE-2026-206"),  # written on both: caused on 206
    ("COE-2026-206", "caused", "COE-2026-203"),
    ("COE-2026-206", "see-also", "COE-2026-204"),  # written on both
]


@pytest.mark.parametrize(("page", "relation", "other"), INVERSES_SHOWN)
def test_every_relation_type_shows_on_both_pages_with_the_contract_names(
    site: Site, page: str, relation: str, other: str
) -> None:
    coes, _ = shown_relations(site, page)
    assert (relation, other) in coes


def test_coe_ids_in_body_text_link_to_their_pages(site: Site) -> None:
    url = COES["COE-2026-201"].url
    page = site.coe_page("COE-2026-201")
    links = page.select("a.coe-autolink")
    targets = {text(a): Site.resolve(url, a["href"]) for a in links}
    assert targets["COE-2026-202"] == COES["COE-2026-202"].url
    assert targets["COE-2026-203"] == COES["COE-2026-203"].url
    for target in targets.values():
        assert site.file(target).is_file()
    # The page's own id, written in its summary, is not a link to itself.
    assert "COE-2026-201" not in targets
    assert "This page is COE-2026-201." in text(page.find(id="incident-summary").find_next("p"))
    # An id of no COE in the repository is left as text.
    assert "COE-2025-999" not in targets
    assert "COE-2025-999" in text(page.find(id="impact").find_next("p"))


def test_coe_id_on_a_docs_page_links_to_the_coe_but_not_inside_code(site: Site) -> None:
    article = site.article("")
    links = article.select("a.coe-autolink")
    assert [text(a) for a in links] == ["COE-2026-201"]
    target = Site.resolve("", links[0]["href"])
    assert target == COES["COE-2026-201"].url
    assert site.file(target).is_file()
    code = article.find("code", string="COE-2026-202")
    assert code is not None and code.find("a") is None


# -- index pages ----------------------------------------------------------------------------

INDEX_COLUMNS = [
    "Id",
    "Title",
    "Severity",
    "Status",
    "Team",
    "Services",
    "Date",
    "Time to detect",
    "Time to mitigate",
    "Open actions",
]


def index_rows(site: Site, url: str) -> dict[str, list[str]]:
    table = site.article(url).select_one("table.coe-sortable")
    assert table is not None, url
    head = [text(th) for th in table.select("thead th")]
    assert head == INDEX_COLUMNS
    rows = {}
    for row in body_rows(table):
        values = [text(cell) for cell in cells(row)]
        assert len(values) == len(INDEX_COLUMNS), values
        link = cells(row)[0].find("a")
        assert Site.resolve(url, link["href"]) == COES[values[0]].url
        rows[values[0]] = values
    return rows


def test_all_coes_index_has_one_row_per_coe_newest_first(site: Site) -> None:
    rows = index_rows(site, "coes/")
    expected = sorted(IDS, key=lambda i: COES[i].data["date"], reverse=True)
    assert list(rows) == expected


@pytest.mark.parametrize("coe_id", IDS)
def test_all_coes_index_row_shows_the_columns(site: Site, coe_id: str) -> None:
    data = COES[coe_id].data
    opened = sum(item_state(i)[0] for i in COES[coe_id].items)
    overdue = sum(item_state(i)[1] for i in COES[coe_id].items)
    values = index_rows(site, "coes/")[coe_id]
    assert values[:7] == [
        coe_id,
        " ".join(data["title"].split()),
        data["severity"],
        data["status"],
        data["team"],
        ", ".join(data["services"]),
        data["date"],
    ]
    assert values[7:9] == [TIMES[coe_id][1][2], TIMES[coe_id][2][2]]
    assert values[9] == f"{opened}" + (f" ({overdue} overdue)" if overdue else "")


@pytest.mark.parametrize("kind", ["services", "teams"])
def test_group_pages_list_exactly_their_coes(site: Site, kind: str) -> None:
    index_url = f"{kind}/"
    links = site.article(index_url).select("ul.coe-groups li > a")
    names = {text(a): Site.resolve(index_url, a["href"]) for a in links}
    members: dict[str, set[str]] = {}
    for coe_id in IDS:
        data = COES[coe_id].data
        for name in data["services"] if kind == "services" else [data["team"]]:
            members.setdefault(name, set()).add(coe_id)
    assert set(names) == set(members)
    for name, url in names.items():
        assert site.file(url).is_file(), url
        rows = index_rows(site, url)
        assert set(rows) == members[name], name
        assert list(rows) == sorted(rows, key=lambda i: COES[i].data["date"], reverse=True)
        assert name in text(site.article(url).find("h1"))


@pytest.mark.parametrize("coe_id", IDS)
def test_card_team_and_service_links_reach_their_group_pages(site: Site, coe_id: str) -> None:
    url = COES[coe_id].url
    card = site.coe_page(coe_id).select_one("section.coe-card")
    for label, kind in (("Team", "teams"), ("Services", "services")):
        dd = card.select_one(f"dt:-soup-contains('{label}') + dd")
        for link in dd.find_all("a"):
            target = Site.resolve(url, link["href"])
            assert target.startswith(f"{kind}/")
            assert coe_id in index_rows(site, target)
            assert text(link) in text(site.article(target).find("h1"))


# -- the open action items page ---------------------------------------------------------------

EXPECTED_OPEN_ORDER = [  # overdue, most overdue first; then by due date
    "COE-2026-202/AI-2",  # 2026-09-29, 59 days overdue
    "COE-2026-201/AI-1",  # 2026-10-08
    "COE-2026-201/AI-4",  # 2026-10-12
    "COE-2026-205/AI-1",  # 2026-11-20
    "COE-2026-203/AI-3",  # 2026-11-26, 1 day overdue
    "COE-2026-203/AI-1",  # 2026-11-27, due today: not overdue
    "COE-2026-203/AI-2",  # 2026-12-03
    "COE-2026-204/AI-1",  # 2026-12-20
]


def action_rows(site: Site) -> list[Tag]:
    return body_rows(site.article("actions/").select_one("table#coe-open-items"))


def test_open_items_page_lists_only_open_items_overdue_first_then_by_due(site: Site) -> None:
    shown = [text(cells(row)[0]) for row in action_rows(site)]
    computed = [
        f"{c}/{i['id']}"
        for c, i in sorted(open_items(), key=lambda ci: (not item_state(ci[1])[1], ci[1]["due"]))
    ]
    assert computed == EXPECTED_OPEN_ORDER
    assert shown == EXPECTED_OPEN_ORDER


def test_open_items_page_rows_show_the_item_and_overdue_state(site: Site) -> None:
    items = {f"{c}/{i['id']}": (c, i) for c, i in open_items()}
    for row in action_rows(site):
        values = [text(cell) for cell in cells(row)]
        coe_id, item = items[values[0]]
        _, overdue, days = item_state(item)
        assert values[1:5] == [item["title"], item["priority"], item["owner"], item["due"]]
        assert values[5] == (f"{days} d" if overdue else "–")
        assert values[6] == item["status"]
        assert values[7] == coe_id
        assert ("coe-row--overdue" in (row.get("class") or [])) is overdue


def test_open_items_page_counts_match_the_fixture(site: Site) -> None:
    article = site.article("actions/")
    counts = {span["data-count"]: int(text(span)) for span in article.select("[data-count]")}
    states = [(date.fromisoformat(i["due"]), item_state(i)) for _, i in all_items()]
    soon = TODAY_DATE + timedelta(days=SOON_DAYS)
    assert counts == {
        "open": sum(1 for _, s in states if s[0]),
        "overdue": sum(1 for _, s in states if s[1]),
        "due-soon": sum(1 for due, s in states if s[0] and TODAY_DATE <= due <= soon),
    }
    assert counts == {"open": 8, "overdue": 5, "due-soon": 2}


def test_open_items_page_links_reach_the_item_rows_on_coe_pages(site: Site) -> None:
    for row in action_rows(site):
        item_link, coe_link = cells(row)[0].find("a"), cells(row)[7].find("a")
        coe_id, item_id = text(item_link).split("/")
        target = Site.resolve("actions/", item_link["href"])
        page, _, fragment = target.partition("#")
        assert page == COES[coe_id].url
        assert fragment == f"action-{item_id}"
        assert site.page(page).find(id=fragment) is not None
        assert Site.resolve("actions/", coe_link["href"]) == COES[coe_id].url


def test_open_items_page_summarises_per_owner(site: Site) -> None:
    table = site.article("actions/").select_one("table.coe-owners")
    shown = {}
    for row in body_rows(table):
        owner, opened, overdue = (text(cell) for cell in cells(row))
        shown[owner] = (int(opened), int(overdue))
    expected: dict[str, list[int]] = {}
    for _, item in open_items():
        counts = expected.setdefault(item["owner"], [0, 0])
        counts[0] += 1
        counts[1] += item_state(item)[1]
    assert shown == {owner: tuple(counts) for owner, counts in expected.items()}


# -- exports ----------------------------------------------------------------------------------

DERIVED_COE = ("url", "durations", "backlinks", "action_item_counts")
DERIVED_ITEM = ("coe", "open", "overdue", "days_overdue", "url")


@pytest.mark.parametrize(
    ("export", "schema"),
    [
        ("api/coes.json", "coes-export.schema.json"),
        ("api/action-items.json", "action-items-export.schema.json"),
    ],
)
def test_exports_validate_against_their_schemas(site: Site, export: str, schema: str) -> None:
    spec = json.loads((SCHEMAS / schema).read_text(encoding="utf-8"))
    cls = validator_for(spec)
    cls.check_schema(spec)
    validator = cls(spec, format_checker=cls.FORMAT_CHECKER)
    document = site.json(export)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []
    assert document["today"] == TODAY


def test_exports_are_stamped_with_source_date_epoch(site: Site) -> None:
    expected = datetime.fromtimestamp(int(SOURCE_DATE_EPOCH), UTC)
    for name in ("api/coes.json", "api/action-items.json"):
        assert moment(site.json(name)["generated"]) == expected


def test_coes_export_has_every_coe_with_its_front_matter(site: Site) -> None:
    records = {record["id"]: record for record in site.json("api/coes.json")["coes"]}
    assert sorted(records) == IDS
    for coe_id, record in records.items():
        front = {k: v for k, v in record.items() if k not in DERIVED_COE}
        assert front == COES[coe_id].data, coe_id


@pytest.mark.parametrize("coe_id", IDS)
def test_coes_export_derived_fields_match_the_fixture(site: Site, coe_id: str) -> None:
    record = next(r for r in site.json("api/coes.json")["coes"] if r["id"] == coe_id)
    data = COES[coe_id].data
    states = [item_state(item) for item in COES[coe_id].items]
    assert record["url"] == COES[coe_id].url
    assert record["durations"] == {
        "detect_minutes": minutes_from_start(data, "detected"),
        "mitigate_minutes": minutes_from_start(data, "mitigated"),
        "resolve_minutes": minutes_from_start(data, "resolved"),
    }
    assert sorted((b["relation"], b["coe"]) for b in record["backlinks"]) == sorted(
        backlinks(coe_id)
    )
    assert record["action_item_counts"] == {
        "total": len(states),
        "open": sum(s[0] for s in states),
        "overdue": sum(s[1] for s in states),
    }


def test_action_items_export_has_every_item_with_its_state(site: Site) -> None:
    document = site.json("api/action-items.json")
    assert document["today"] == TODAY
    records = {(r["coe"], r["id"]): r for r in document["items"]}
    assert len(records) == len(document["items"])
    assert sorted(records) == sorted((c, i["id"]) for c, i in all_items())
    for coe_id, item in all_items():
        record = records[(coe_id, item["id"])]
        is_open, overdue, days = item_state(item)
        assert {k: v for k, v in record.items() if k not in DERIVED_ITEM} == item
        assert (record["open"], record["overdue"], record["days_overdue"]) == (
            is_open,
            overdue,
            days,
        )
        assert record["url"] == f"{COES[coe_id].url}#action-{item['id']}"
        page, _, fragment = record["url"].partition("#")
        assert site.page(page).find(id=fragment) is not None


def test_action_items_csv_has_the_same_items_as_the_json(site: Site) -> None:
    rows = list(
        csv.DictReader(io.StringIO((site.root / "api/action-items.csv").read_text("utf-8")))
    )
    records = site.json("api/action-items.json")["items"]
    assert len(rows) == len(records) == len(all_items())

    def as_csv(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return " ".join(str(v) for v in value)
        return "" if value is None else str(value)

    by_key = {(row["coe"], row["id"]): row for row in rows}
    for record in records:
        row = by_key[(record["coe"], record["id"])]
        for column in ("coe", "id", "title", "kind", "priority", "owner", "due", "status"):
            assert row[column] == record[column], column
        for column in ("done", "link", "addresses", "open", "overdue", "days_overdue", "url"):
            assert row[column] == as_csv(record.get(column)), column


# -- safety: front-matter is text, never markup -----------------------------------------------


def test_hostile_title_is_text_in_the_title_element_and_the_header(site: Site) -> None:
    url = COES[HOSTILE_ID].url
    assert HOSTILE in site.page(url).find("title").get_text()
    heading = site.coe_page(HOSTILE_ID).select_one("h1#coe-title")
    assert heading.get_text() == f"{HOSTILE_ID} {HOSTILE}"
    assert heading.find(["script", "img", "b"]) is None


@pytest.mark.parametrize("index", ["coes/", "services", "teams"])
def test_hostile_title_is_one_cell_in_index_tables(site: Site, index: str) -> None:
    data = COES[HOSTILE_ID].data
    url = {
        "coes/": "coes/",
        "services": next(
            Site.resolve("services/", a["href"])
            for a in site.article("services/").select("ul.coe-groups a")
            if a.get_text() == data["services"][0]
        ),
        "teams": next(
            Site.resolve("teams/", a["href"])
            for a in site.article("teams/").select("ul.coe-groups a")
            if a.get_text() == data["team"]
        ),
    }[index]
    table = site.article(url).select_one("table.coe-sortable")
    row = next(r for r in body_rows(table) if text(cells(r)[0]) == HOSTILE_ID)
    assert len(cells(row)) == len(INDEX_COLUMNS)
    assert cells(row)[1].get_text() == HOSTILE
    assert cells(row)[4].get_text() == data["team"]
    assert cells(row)[5].get_text() == ", ".join(data["services"])
    assert row.find(["script", "img", "b"]) is None


def test_markup_in_team_service_owner_and_item_title_is_text(site: Site) -> None:
    data = COES[HOSTILE_ID].data
    page = site.coe_page(HOSTILE_ID)
    card = page.select_one("section.coe-card")
    assert "<b>" in data["team"] and "<b>" in data["services"][0]
    assert facts(card)["Team"] == data["team"]
    assert facts(card)["Services"] == data["services"][0]
    item = data["action_items"][0]
    assert "<b>" in item["title"] and "<b>" in item["owner"]
    row = page.find("tr", id=f"action-{item['id']}")
    assert [cells(row)[1].get_text(), cells(row)[4].get_text()] == [item["title"], item["owner"]]
    assert page.find(["script", "img", "b"]) is None
    owners = site.article("actions/").select_one("table.coe-owners")
    assert item["owner"] in [cells(r)[0].get_text() for r in body_rows(owners)]


def test_hostile_title_is_html_escaped_in_the_search_index(site: Site) -> None:
    docs = site.json("search/search_index.json")["docs"]
    for doc in docs:
        for raw in RAW_MARKUP:
            assert raw not in doc["title"] and raw not in doc["text"], doc["location"]
    by_location = {doc["location"]: doc for doc in docs}
    assert HOSTILE in html_text(by_location[COES[HOSTILE_ID].url]["title"])
    # Listings repeat the COE pages' facts: they are left out of search.
    assert "coes/" not in by_location and "actions/" not in by_location


def test_search_finds_a_coe_by_its_card_and_action_items_as_text(site: Site) -> None:
    docs = site.json("search/search_index.json")["docs"]
    url = COES[HOSTILE_ID].url
    data = COES[HOSTILE_ID].data
    found = " ".join(html_text(doc["text"]) for doc in docs if doc["location"].startswith(url))
    for value in (data["team"], data["impact"]["summary"], data["action_items"][0]["title"]):
        assert " ".join(value.split()) in found
    # The card is words in the page's entry, not a section (and a result) of its own.
    assert not [doc for doc in docs if doc["location"].startswith(f"{url}#coe-")]


def test_search_does_not_find_a_coe_by_the_coes_it_lists_or_by_table_labels(site: Site) -> None:
    docs = site.json("search/search_index.json")["docs"]
    url = COES["COE-2026-201"].url
    found = " ".join(html_text(doc["text"]) for doc in docs if doc["location"].startswith(url))
    # 201 relates to 202 and a status page; its page lists them, but search should find
    # 202 by 202's own page, and the external link's title is no word of this COE.
    assert "Status page post for the checkout outage" not in found
    assert "Action items of COE-2026-201" not in found and "Priority" not in found
    assert "Checkout" in found or "checkout" in found


@pytest.mark.parametrize("raw", RAW_MARKUP)
def test_no_generated_html_or_json_contains_raw_markup_from_front_matter(
    site: Site, raw: str
) -> None:
    files = [p for p in site.root.rglob("*") if p.suffix in (".html", ".json")]
    assert any(p.name == "search_index.json" for p in files)
    assert any(p.name == "coes.json" for p in files)
    offenders = [
        p.relative_to(site.root).as_posix() for p in files if raw in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_every_link_in_page_content_is_http_or_relative_and_resolves(site: Site) -> None:
    problems = []
    for url in site.html_pages():
        for link in site.article(url).find_all("a", href=True):
            href = link["href"]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                if parts.scheme not in ("http", "https") or not parts.netloc:
                    problems.append(f"{url}: {href}")
                continue
            if href.startswith("/"):
                problems.append(f"{url}: {href} (absolute path)")
                continue
            target = Site.resolve(url, href)
            page, _, fragment = target.partition("#")
            if not site.file(page).is_file():
                problems.append(f"{url}: {href} (no such page)")
            elif fragment and page.endswith("/") and site.page(page).find(id=fragment) is None:
                problems.append(f"{url}: {href} (no such anchor)")
    assert problems == []


def test_links_from_front_matter_are_written_as_given(site: Site) -> None:
    for coe_id, item in all_items():
        if "link" in item:
            row = site.coe_page(coe_id).find("tr", id=f"action-{item['id']}")
            assert row.find("a", href=item["link"]) is not None, (coe_id, item["id"])
    for coe_id in IDS:
        related = site.coe_page(coe_id).select_one("ul.coe-related")
        for title, url in external_links(coe_id):
            link = related.find("a", href=url)
            assert link is not None and link.get_text() == title, url


# -- generated reference pages ------------------------------------------------------------------


def test_rules_reference_lists_every_registered_rule_with_its_level(site: Site) -> None:
    table = site.article("reference/rules/").find("table")
    shown = {}
    for row in body_rows(table):
        values = [text(cell) for cell in cells(row)]
        shown[values[0]] = values[1]
    assert shown == {rule.id: rule.level for rule in RULES}
    for rule in RULES:
        assert site.article("reference/rules/").find(id=rule.id) is not None, rule.id


def test_schema_reference_lists_every_top_level_property_with_its_title(site: Site) -> None:
    schema = json.loads((ROOT / "schema" / "coe.schema.json").read_text(encoding="utf-8"))
    heading = site.article("reference/schema/").find("h2", id="top-level")
    assert heading is not None
    shown = {}
    for row in body_rows(heading.find_next("table")):
        values = [text(cell) for cell in cells(row)]
        shown[values[0]] = values
    assert set(shown) == set(schema["properties"])
    for name, prop in schema["properties"].items():
        if "title" not in prop and "$ref" in prop:
            prop = schema["$defs"][prop["$ref"].rsplit("/", 1)[1]]
        assert shown[name][3].startswith(f"{prop['title']}."), name
        assert shown[name][2] == ("yes" if name in schema["required"] else "no"), name
