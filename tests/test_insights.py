"""Metrics, charts, series and the ``InsightPages`` API, on a small fixture corpus whose
figures were worked out by hand (``tests/fixtures/insights/metrics/``, today 2026-11-27).

The corpus: seven COEs from 2025-Q3 to 2026-Q3 with nothing in 2025-Q4; one starts at
23:30 on 2026-02-18 at -02:00 (2026-02-19 UTC) and one at 23:50 on 2026-03-31 at -01:00,
which is 2026-04-01 UTC and so in Q2. Thirteen action items: done on time, done late, done
before their COE was opened, still open past due, due today, not due yet and won't-do.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

import coe.core.similar as similar_module
import coe.site.insights as insights_module
from coe.core.index import Index
from coe.core.metrics import metrics_document, percentile, quarter_range
from coe.core.series import find_series
from coe.site.insights import InsightPages
from coe.site.metrics_page import metrics_page
from coe.site.svg import nice_ticks
from tests.helpers import VALID_COE
from tests.insight_helpers import check_svg, fixture_files, repo_index, svgs

GENERATED = "2026-11-27T12:00:00Z"
SEVS = ("SEV1", "SEV2", "SEV3", "SEV4", "SEV5")

EXPECTED: dict[str, Any] = {
    "generated": GENERATED,
    "today": "2026-11-27",
    "coes": 7,
    "action_items": 13,
    "quarters": ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"],
    "coes_per_quarter": [
        {"quarter": q, "total": sum(counts), "by_severity": dict(zip(SEVS, counts, strict=True))}
        for q, counts in [
            ("2025-Q3", (0, 0, 0, 1, 0)),
            ("2025-Q4", (0, 0, 0, 0, 0)),
            ("2026-Q1", (1, 1, 1, 0, 0)),
            ("2026-Q2", (0, 1, 0, 0, 0)),
            ("2026-Q3", (1, 0, 1, 0, 0)),
        ]
    ],
    # Q1: detect 10, 30, 45 and mitigate 60, 90, 50; Q3: detect 5, 60 and mitigate 15, 120.
    "time_to_detect": [
        {"quarter": "2025-Q3", "count": 1, "median_minutes": 100.0, "p90_minutes": 100},
        {"quarter": "2025-Q4", "count": 0, "median_minutes": None, "p90_minutes": None},
        {"quarter": "2026-Q1", "count": 3, "median_minutes": 30.0, "p90_minutes": 45},
        {"quarter": "2026-Q2", "count": 1, "median_minutes": 20.0, "p90_minutes": 20},
        {"quarter": "2026-Q3", "count": 2, "median_minutes": 32.5, "p90_minutes": 60},
    ],
    "time_to_mitigate": [
        {"quarter": "2025-Q3", "count": 1, "median_minutes": 400.0, "p90_minutes": 400},
        {"quarter": "2025-Q4", "count": 0, "median_minutes": None, "p90_minutes": None},
        {"quarter": "2026-Q1", "count": 3, "median_minutes": 60.0, "p90_minutes": 90},
        {"quarter": "2026-Q2", "count": 1, "median_minutes": 200.0, "p90_minutes": 200},
        {"quarter": "2026-Q3", "count": 2, "median_minutes": 67.5, "p90_minutes": 120},
    ],
    # (quarter, monitoring, customer-report, other): internal-report counts as other.
    "detection_sources": [
        {
            "quarter": q,
            "total": m + c + o,
            "counts": {"monitoring": m, "customer-report": c, "other": o},
            "shares": dict(zip(("monitoring", "customer-report", "other"), shares, strict=True)),
        }
        for q, m, c, o, shares in [
            ("2025-Q3", 0, 0, 1, (0.0, 0.0, 1.0)),
            ("2025-Q4", 0, 0, 0, (None, None, None)),
            ("2026-Q1", 1, 2, 0, (0.3333, 0.6667, 0.0)),
            ("2026-Q2", 0, 0, 1, (0.0, 0.0, 1.0)),
            ("2026-Q3", 2, 0, 0, (1.0, 0.0, 0.0)),
        ]
    ],
    # (month, created, completed, open at month end); the backlog leaves out the won't-do
    # item and the item done before its COE's date; November counts as of today.
    "action_items_by_month": [
        {"month": m, "created": c, "completed": d, "open_at_month_end": o}
        for m, c, d, o in [
            ("2025-08", 1, 0, 1),
            ("2025-09", 0, 1, 0),
            ("2025-10", 0, 0, 0),
            ("2025-11", 0, 0, 0),
            ("2025-12", 0, 0, 0),
            ("2026-01", 3, 1, 2),
            ("2026-02", 2, 1, 2),
            ("2026-03", 1, 2, 1),
            ("2026-04", 2, 1, 2),
            ("2026-05", 0, 0, 2),
            ("2026-06", 0, 1, 2),
            ("2026-07", 4, 0, 5),
            ("2026-08", 0, 0, 5),
            ("2026-09", 0, 0, 5),
            ("2026-10", 0, 1, 4),
            ("2026-11", 0, 0, 4),
        ]
    ],
    # By the quarter of due: done on its due date is on time; due today is not yet late.
    "on_time_completion": [
        dict(
            zip(
                ("quarter", "due", "on_time", "late", "overdue", "pending", "wont_do", "rate"),
                row,
                strict=True,
            )
        )
        for row in [
            ("2025-Q3", 1, 0, 1, 0, 0, 0, 0.0),
            ("2025-Q4", 0, 0, 0, 0, 0, 0, None),
            ("2026-Q1", 5, 3, 1, 1, 0, 0, 0.6),
            ("2026-Q2", 2, 1, 0, 0, 0, 1, 1.0),
            ("2026-Q3", 3, 1, 1, 1, 0, 0, 0.3333),
            ("2026-Q4", 2, 0, 0, 0, 2, 0, None),
        ]
    ],
    "teams": [
        {"team": "alpha", "open": 3, "overdue": 1},
        {"team": "beta", "open": 1, "overdue": 1},
        {"team": "gamma", "open": 0, "overdue": 0},
    ],
    "top_services": [
        {"service": "api", "coes": 4},
        {"service": "web", "coes": 3},
        {"service": "db", "coes": 2},
        {"service": "queue", "coes": 1},
    ],
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    return repo_index(tmp_path_factory.mktemp("metrics"), fixture_files("metrics"))


@pytest.fixture(scope="module")
def page(index: Index) -> BeautifulSoup:
    return BeautifulSoup(metrics_page(index, "metrics/"), "html.parser")


def table(soup: BeautifulSoup, chart_id: str) -> list[list[str]]:
    figure = soup.find("div", id=chart_id)
    assert figure is not None, chart_id
    assert figure.details is not None and figure.details.summary.get_text() == "Data"
    body = figure.details.table.tbody
    return [[cell.get_text() for cell in row.find_all(["th", "td"])] for row in body.find_all("tr")]


def number(value: float | None) -> str:
    if value is None:
        return "–"
    return str(int(value)) if float(value).is_integer() else str(value)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


# -- figures -----------------------------------------------------------------------------------


def test_metrics_document_matches_hand_computed_figures(index: Index) -> None:
    assert metrics_document(index, GENERATED) == EXPECTED


def test_metrics_document_is_plain_json(index: Index) -> None:
    assert json.loads(json.dumps(metrics_document(index, GENERATED))) == EXPECTED


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 0.9) is None
    assert percentile([7], 0.9) == 7
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert percentile(list(range(1, 12)), 0.9) == 10
    assert percentile([5, 1, 3], 0.5) == 3


def test_quarter_range_crosses_years() -> None:
    assert quarter_range("2025-Q3", "2026-Q2") == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]


def test_nice_ticks() -> None:
    assert nice_ticks(0) == [0.0, 1.0]
    assert nice_ticks(2) == [0.0, 1.0, 2.0]
    assert nice_ticks(7) == [0.0, 2.0, 4.0, 6.0, 8.0]
    assert nice_ticks(0.8, integer=False)[-1] >= 0.8


# -- chart data tables -------------------------------------------------------------------------


def test_coes_per_quarter_table(page: BeautifulSoup) -> None:
    expected = [
        [q["quarter"], *(str(v) for v in q["by_severity"].values()), str(q["total"])]
        for q in EXPECTED["coes_per_quarter"]
    ]
    assert table(page, "chart-coes-per-quarter") == expected


@pytest.mark.parametrize("key", ["time_to_detect", "time_to_mitigate"])
def test_duration_tables(page: BeautifulSoup, key: str) -> None:
    expected = [
        [d["quarter"], str(d["count"]), number(d["median_minutes"]), number(d["p90_minutes"])]
        for d in EXPECTED[key]
    ]
    assert table(page, "chart-" + key.replace("_", "-")) == expected


def test_detection_table(page: BeautifulSoup) -> None:
    expected = [
        [
            d["quarter"],
            *(
                f"{d['counts'][g]} ({percent(d['counts'][g] / d['total'] if d['total'] else None)})"
                for g in ("monitoring", "customer-report", "other")
            ),
            str(d["total"]),
        ]
        for d in EXPECTED["detection_sources"]
    ]
    assert table(page, "chart-detection") == expected


def test_action_item_tables(page: BeautifulSoup) -> None:
    months = EXPECTED["action_items_by_month"]
    assert table(page, "chart-items-flow") == [
        [m["month"], str(m["created"]), str(m["completed"]), str(m["open_at_month_end"])]
        for m in months
    ]
    assert table(page, "chart-backlog") == [
        [m["month"], str(m["open_at_month_end"])] for m in months
    ]


def test_on_time_table(page: BeautifulSoup) -> None:
    keys = ("due", "on_time", "late", "overdue", "pending", "wont_do")
    assert table(page, "chart-on-time") == [
        [o["quarter"], *(str(o[k]) for k in keys), percent(o["rate"])]
        for o in EXPECTED["on_time_completion"]
    ]


def test_team_and_service_tables(page: BeautifulSoup) -> None:
    # The chart leaves out teams with nothing open; the JSON keeps them.
    assert table(page, "chart-teams") == [
        [t["team"], str(t["open"]), str(t["overdue"])] for t in EXPECTED["teams"] if t["open"]
    ]
    assert table(page, "chart-services") == [
        [s["service"], str(s["coes"])] for s in EXPECTED["top_services"]
    ]


def test_every_chart_is_accessible_svg(index: Index) -> None:
    markup = metrics_page(index, "metrics/")
    found = svgs(markup)
    assert len(found) == 9
    ids: list[str | None] = []
    for svg in found:
        _, desc = check_svg(svg)
        ids.extend([svg.find("{http://www.w3.org/2000/svg}title").get("id"), None])  # type: ignore[union-attr]
        assert len(desc) > 40
        # Axis labels and the legend are text in the drawing.
        texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
        assert len(texts) >= 3
    titles = [i for i in ids if i]
    assert len(titles) == len(set(titles))  # unique ids on the page


def test_chart_descriptions_summarise_the_data(index: Index) -> None:
    found = {check_svg(s)[0]: check_svg(s)[1] for s in svgs(metrics_page(index, "metrics/"))}
    assert "7 COEs" in found["COEs per quarter, by severity"]
    assert "Most in 2026-Q1 (3)" in found["COEs per quarter, by severity"]
    assert "alpha 3 open, 1 overdue" in found["Open and overdue action items per team"]
    assert "api 4" in found["Services with the most COEs"]
    assert "Overall: 50% (5 of 10)" in found["On-time completion rate by quarter due"]


def test_charts_follow_the_palette_of_the_page(index: Index) -> None:
    markup = metrics_page(index, "metrics/")
    assert "currentColor" in markup
    assert "var(--md-default-fg-color)" in markup
    assert "var(--md-default-bg-color)" in markup
    assert "<script" not in markup


def test_metrics_page_links_the_json_relative_to_the_page(index: Index) -> None:
    assert 'href="../api/metrics.json"' in metrics_page(index, "metrics/")
    assert 'href="api/metrics.json"' in metrics_page(index, "metrics.html")


# -- small corpora -----------------------------------------------------------------------------


def test_empty_corpus(tmp_path: Path) -> None:
    index = repo_index(tmp_path, {})
    markup = metrics_page(index, "metrics/")
    assert svgs(markup) == []
    assert markup.count("No data yet.") == 8
    assert "No open action items." in markup
    document = metrics_document(index, GENERATED)
    assert document["coes"] == 0 and document["quarters"] == []
    assert document["coes_per_quarter"] == [] and document["top_services"] == []
    pages = InsightPages(index, generated=GENERATED)
    assert pages.sources() == ["metrics.md", "series/index.md"]
    assert "No series yet" in (pages.render("series/index.md", "series/") or "")
    files = pages.extra_files()
    assert json.loads(files["api/metrics.json"])["coes"] == 0


def test_single_coe_corpus(tmp_path: Path) -> None:
    index = repo_index(tmp_path, {"COE-2026-101-label.md": VALID_COE})
    markup = metrics_page(index, "metrics/")
    found = svgs(markup)
    assert len(found) == 9
    for svg in found:
        check_svg(svg)
    soup = BeautifulSoup(markup, "html.parser")
    assert table(soup, "chart-coes-per-quarter") == [["2026-Q1", "0", "1", "0", "0", "0", "1"]]
    assert table(soup, "chart-time-to-detect") == [["2026-Q1", "1", "10", "10"]]


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    hostile = (
        VALID_COE.replace(
            "title: Label service returned HTTP 503 for 40 minutes after a connection-pool change",
            "title: '<script>alert(1)</script> & \"quoted\"'",
        )
        .replace("team: fulfilment", "team: '<img src=x onerror=alert(1)>'")
        .replace("  - label-service", "  - '<b>svc</b>'")
    )
    twin = hostile.replace("id: COE-2026-101", "id: COE-2026-102").replace(
        "related:\n", "related:\n  - coe: COE-2026-101\n    relation: recurrence-of\n"
    )
    index = repo_index(tmp_path, {"COE-2026-101-a.md": hostile, "COE-2026-102-b.md": twin})
    pages = InsightPages(index, generated=GENERATED)
    outputs = [pages.render(src, "x/") or "" for src in pages.sources()]
    outputs += [s for e in index.entries for s in pages.coe_sections(e, e.url)]
    for markup in outputs:
        assert "<script" not in markup and "<img" not in markup and "<b>svc" not in markup
        for svg in svgs(markup):
            check_svg(svg)
    assert any("&lt;b&gt;svc&lt;/b&gt;" in m for m in outputs)
    assert any("&lt;script&gt;" in m for m in outputs)


# -- series ------------------------------------------------------------------------------------


def test_series_from_the_fixture(index: Index) -> None:
    series = find_series(index.entries)
    assert [s.id for s in series] == ["COE-2026-001", "COE-2026-003"]
    first, second = series
    assert first.member_ids == ["COE-2026-001", "COE-2026-005"]
    assert [(e.source, e.relation, e.target) for e in first.edges] == [
        ("COE-2026-005", "recurrence-of", "COE-2026-001")
    ]
    # Written on both COEs (caused and caused-by): one edge.
    assert second.member_ids == ["COE-2026-003", "COE-2026-004"]
    assert [(e.source, e.relation, e.target) for e in second.edges] == [
        ("COE-2026-003", "caused", "COE-2026-004")
    ]
    # see-also does not join a series.
    assert all("COE-2026-006" not in s.member_ids for s in series)


def chain(tmp_path: Path, links: dict[str, list[tuple[str, str]]], starts: dict[str, str]) -> Index:
    files = {}
    for coe_id, start in starts.items():
        related = "".join(
            f"  - coe: {target}\n    relation: {relation}\n"
            for target, relation in links.get(coe_id, [])
        )
        text = (
            VALID_COE.replace("id: COE-2026-101", f"id: {coe_id}")
            .replace("started: 2026-03-02T14:00:00Z", f"started: {start}")
            .replace("related:\n", "related:\n" + related)
        )
        files[f"{coe_id}.md"] = text
    return repo_index(tmp_path, files)


def test_series_members_in_time_order_not_id_order(tmp_path: Path) -> None:
    index = chain(
        tmp_path,
        {
            "COE-2026-001": [("COE-2026-002", "same-root-cause")],
            "COE-2026-003": [("COE-2026-002", "caused-by"), ("COE-2026-004", "see-also")],
            "COE-2026-005": [("COE-2026-006", "caused")],
        },
        {
            "COE-2026-001": "2026-03-02T13:59:00Z",
            "COE-2026-002": "2026-03-02T13:00:00Z",
            "COE-2026-003": "2026-03-02T13:30:00Z",
            "COE-2026-004": "2026-03-02T13:10:00Z",
            "COE-2026-005": "2026-03-02T13:50:00Z",
            "COE-2026-006": "2026-03-02T13:55:00Z",
        },
    )
    series = find_series(index.entries)
    assert [s.id for s in series] == ["COE-2026-002", "COE-2026-005"]
    assert series[0].member_ids == ["COE-2026-002", "COE-2026-003", "COE-2026-001"]
    assert series[0].src == "series/COE-2026-002.md"
    pages = InsightPages(index, generated=GENERATED)
    markup = pages.render("series/COE-2026-002.md", "series/COE-2026-002/") or ""
    soup = BeautifulSoup(markup, "html.parser")
    rows = soup.find("table", class_="coe-table").tbody.find_all("tr")
    assert [r.find_all("td")[1].get_text().split(":")[0] for r in rows] == series[0].member_ids
    (graph,) = svgs(markup)
    title, desc = check_svg(graph)
    assert "COE-2026-002" in title
    assert desc.index("COE-2026-002") < desc.index("COE-2026-003") < desc.index("COE-2026-001")
    labels = [t.text for t in graph.iter("{http://www.w3.org/2000/svg}text")]
    assert labels.count("same-root-cause") == 1 and labels.count("caused-by") == 1
    nodes = [
        t
        for t in graph.iter("{http://www.w3.org/2000/svg}text")
        if (t.text or "").startswith("COE-")
    ]
    xs = [float(t.get("x", "0")) for t in nodes]
    assert [t.text for t in nodes] == series[0].member_ids and xs == sorted(xs)


# -- the InsightPages API ----------------------------------------------------------------------


def test_sources_and_render(index: Index) -> None:
    pages = InsightPages(index, True, "https://coes.example.org/", generated=GENERATED)
    assert pages.sources() == [
        "metrics.md",
        "series/index.md",
        "series/COE-2026-001.md",
        "series/COE-2026-003.md",
    ]
    for src in pages.sources():
        markup = pages.render(src, src.removesuffix("index.md").removesuffix(".md") + "/")
        assert markup is not None and markup.startswith("# ")
        for svg in svgs(markup):
            check_svg(svg)
    assert pages.render("coes/index.md", "coes/") is None
    listing = pages.render("series/index.md", "series/") or ""
    assert 'href="COE-2026-001/"' in listing and 'href="COE-2026-003/"' in listing


def test_links_without_directory_urls(tmp_path: Path) -> None:
    index = repo_index(tmp_path, fixture_files("metrics"), use_directory_urls=False)
    pages = InsightPages(index, False, generated=GENERATED)
    markup = pages.render("series/COE-2026-001.md", "series/COE-2026-001.html") or ""
    assert 'href="../coes/COE-2026-005-fixture.html"' in markup
    entry = index.by_id["COE-2026-005"]
    link = pages.coe_sections(entry, entry.url)[0]
    assert 'href="../series/COE-2026-001.html"' in link


def test_coe_sections_link_the_series(index: Index) -> None:
    pages = InsightPages(index, generated=GENERATED)
    entry = index.by_id["COE-2026-005"]
    section = pages.coe_sections(entry, entry.url)[0]
    assert section.startswith('<div class="coe-series-link" data-search-exclude>')
    assert 'href="../../series/COE-2026-001/"' in section
    assert "1 other COE " in section
    # Not in a series: no link (the see-also relation does not make one).
    other = index.by_id["COE-2026-006"]
    assert not any("coe-series-link" in s for s in pages.coe_sections(other, other.url))


def test_coe_sections_possibly_related(tmp_path: Path) -> None:
    other = (
        VALID_COE.replace("id: COE-2026-101", "id: COE-2026-102")
        .replace("title: Label service returned", "title: Label printing failed with")
        .replace("team: fulfilment", "team: printing")
    )
    unrelated = (
        VALID_COE.replace("id: COE-2026-101", "id: COE-2026-103")
        .replace(
            "title: Label service returned HTTP 503 for 40 minutes after a connection-pool change",
            "title: Invoices emailed twice after a mail relay retried every batch",
        )
        .replace("  - label-service", "  - invoicing")
        .replace("  - connection-pool", "  - email")
    )
    index = repo_index(
        tmp_path,
        {
            "2026/COE-2026-101-a.md": VALID_COE,
            "2026/COE-2026-102-b.md": other,
            "COE-2026-103-c.md": unrelated,
        },
    )
    pages = InsightPages(index, generated=GENERATED)
    entry = index.by_id["COE-2026-101"]
    (section,) = pages.coe_sections(entry, entry.url)
    assert section.startswith("## Possibly related\n")
    soup = BeautifulSoup(section, "html.parser")
    first = soup.find("li")
    assert first.a["href"] == "../COE-2026-102-b/"
    assert first.a.get_text().startswith("COE-2026-102: Label printing failed")
    assert "shared services: label-service" in first.get_text()
    # Words of the shared service are not repeated as shared terms.
    assert "terms: label" not in first.get_text()
    # How strong the match is, in words and as the score, as `coe similar` says it.
    strength = first["data-strength"]
    assert strength in ("strong", "moderate", "weak")
    assert re.search(rf"\({strength}, [01]\.\d\d: ", first.get_text())


def test_extra_files(index: Index) -> None:
    pages = InsightPages(index, True, "https://coes.example.org/", generated=GENERATED)
    files = pages.extra_files()
    assert sorted(files) == ["action-items.ics", "api/metrics.json", "feed.xml"]
    assert json.loads(files["api/metrics.json"]) == EXPECTED
    assert files["feed.xml"].startswith("<?xml")
    assert files["action-items.ics"].startswith("BEGIN:VCALENDAR\r\n")


def test_cross_coe_work_happens_once(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: dict[str, int] = {}

    def counting(name: str, real: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] = calls.get(name, 0) + 1
            return real(*args, **kwargs)

        return wrapper

    for name in ("find_series", "index_metrics"):
        monkeypatch.setattr(insights_module, name, counting(name, getattr(insights_module, name)))
    model = similar_module.SimilarityModel
    monkeypatch.setattr(similar_module, "SimilarityModel", counting("model", model))
    monkeypatch.setattr(model, "suggest_all", counting("suggest_all", model.suggest_all))
    pages = InsightPages(index, generated=GENERATED)
    for src in pages.sources():
        pages.render(src, "x/")
    for entry in index.entries:
        pages.coe_sections(entry, entry.url)
    pages.extra_files()
    assert calls == {"model": 1, "suggest_all": 1, "find_series": 1, "index_metrics": 1}


def test_a_preview_works_out_only_the_suggestions_it_shows(index: Index) -> None:
    every = InsightPages(index, generated=GENERATED)
    one_by_one = InsightPages(index, generated=GENERATED, similar_one_by_one=True)
    entry = index.entries[0]
    assert one_by_one.coe_sections(entry, entry.url) == every.coe_sections(entry, entry.url)
    assert list(one_by_one.similar.found) == [entry.id]
    assert len(every.similar.found) == len(index.entries)
    for entry in index.entries:
        assert one_by_one.similar.of(entry.id) == every.similar.of(entry.id)
