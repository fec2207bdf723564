"""A COE's body is rendered in the worker that checks it (site/coe_body.py): the page is
the same as one rendered in the building process, and the author cannot reach the slots
where the site puts its tables."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from bench.corpus import generate
from bs4 import BeautifulSoup

from coe.core.checker import make_context
from coe.core.config import load_config
from coe.core.pipeline import PARALLEL_FROM, load_and_check
from coe.site.build import SiteBuild, SiteOptions, make_build
from coe.site.coe_body import ITEMS_SLOT, RELATED_SLOT, prepare_body
from tests.helpers import ROOT, TODAY, make_repo, run_mkdocs


def _build(root: Path, jobs: int) -> SiteBuild:
    config = load_config(None, root)
    context = make_context(config, date.fromisoformat(TODAY))
    checked = load_and_check(context, cwd=root, jobs=jobs, keep_prose=True, prepare=prepare_body)
    return make_build(
        checked, config, context.schema.schema, context.today, SiteOptions(), failing=set()
    )


def _pages(build: SiteBuild) -> dict[str, str]:
    """Every COE page's content once its body is in, as the plugin makes it."""
    pages = {}
    for src, entry in build.coe_pages.items():
        body = build.take_body(entry)
        sections = [build.pages.suppressions_section(body.suppressions, entry.url, []) or ""]
        content = build.pages.coe_page(entry, entry.url, body, sections)
        pages[src] = build.pages.restore(build.pages.insert_body(content)[0])
    return pages


def test_bodies_rendered_by_the_workers_equal_bodies_rendered_in_one_process(
    tmp_path: Path,
) -> None:
    root = generate(tmp_path / "corpus", PARALLEL_FROM + 10)
    pooled = _build(root, jobs=2)
    assert len(pooled.bodies) == PARALLEL_FROM + 10
    alone = _build(root, jobs=1)
    pooled_pages, alone_pages = _pages(pooled), _pages(alone)
    assert pooled_pages == alone_pages
    assert not pooled.bodies, "each page takes its body"
    page = next(iter(pooled_pages.values()))
    assert "coe-items" in page and "## " not in page and "<h2" in page


def test_only_coes_that_get_a_page_have_their_body_rendered(tmp_path: Path) -> None:
    example = next(ROOT.joinpath("coes").rglob("COE-2026-001-*.md")).read_text(encoding="utf-8")
    broken = example.replace("severity: SEV1", "severity: SEV9", 1)
    assert broken != example
    root = make_repo(tmp_path, {"coes/a.md": example, "coes/b.md": broken})
    config = load_config(None, root)
    context = make_context(config, date.fromisoformat(TODAY))
    checked = load_and_check(context, cwd=root, prepare=prepare_body)
    assert checked.prepared["coes/a.md"] is not None
    assert checked.prepared["coes/b.md"] is None


@pytest.fixture(scope="module")
def slot_site(tmp_path_factory: pytest.TempPathFactory) -> BeautifulSoup:
    """A COE whose author wrote the slots' comments themselves: as HTML, in a code span and
    in a code block."""
    path = next(ROOT.joinpath("coes").rglob("COE-2026-001-*.md"))
    text = path.read_text(encoding="utf-8")
    written = (
        f"\n{ITEMS_SLOT}\n\nThe marker `{RELATED_SLOT}` in code.\n\n```html\n{ITEMS_SLOT}\n```\n\n"
    )
    text = text.replace("## Action items", f"{written}## Action items", 1)
    root = make_repo(tmp_path_factory.mktemp("slots"), {f"coes/{path.name}": text})
    result = run_mkdocs("build", "-q", "-d", "site", cwd=root)
    assert result.returncode == 0, result.stderr
    page = root / "site" / "coes" / path.stem / "index.html"
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def test_slots_written_by_the_author_do_not_repeat_the_tables(slot_site: BeautifulSoup) -> None:
    article = slot_site.select_one("article")
    assert article is not None
    assert len(article.select("table.coe-items")) == 1
    assert len(article.select("ul.coe-related")) == 1
    codes = [code.get_text() for code in article.select("code")]
    assert RELATED_SLOT in codes
    assert any(ITEMS_SLOT in code for code in codes)
    assert not re.search(r"<!--coe-slot", str(article))
