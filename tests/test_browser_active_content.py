"""A COE full of active content, published with the ``active-content`` rule turned off,
opened in headless Chromium: no dialog opens and no script of the COE runs, even when a
reader clicks its links. The harness (server, browser context, watcher) is
tests/test_browser.py's, which also says which Chromium is used and when these tests skip.

Every payload would set ``window.coeRan`` and open a dialog if it ran. The test has teeth:
the same page with one script put back into it is caught.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import MKDOCS_YML, VALID_COE, make_repo, run_mkdocs
from tests.test_browser import (
    Server,
    open_page,
    open_session,
)

try:
    from playwright.sync_api import Browser
except ImportError:  # pragma: no cover - test_browser skips (or fails under CI) first
    pytest.skip("browser tests need the dev extra", allow_module_level=True)

PAYLOADS = """\
<script>window.coeRan = "script"; alert("script")</script>

A graph: <img src=x onerror="window.coeRan = 'onerror'; alert('onerror')">

<svg onload="window.coeRan = 'svg'; alert('svg')"><circle r="2"/></svg>

<details open ontoggle="window.coeRan = 'ontoggle'; alert('ontoggle')">
<summary>Logs</summary>x</details>

<iframe srcdoc="<script>parent.coeRan = 'iframe'; alert('iframe')</script>"></iframe>

[click me](javascript:window.coeRan='link';alert('link'))
<a href="javascript:window.coeRan='html-link';alert('html-link')">html link</a>

<meta http-equiv="refresh" content="0;url=javascript:alert('meta')">
<base href="javascript:alert('base')//">
<form action="javascript:alert('form')"><button>submit</button></form>
"""
RULE_OFF = MKDOCS_YML.replace("  - coe\n", "  - coe:\n      rules: {active-content: off}\n")
PAGE = "coes/COE-2026-101-hostile/"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    body = VALID_COE.replace("See the runbook.\n", "See the runbook.\n\n" + PAYLOADS)
    root = make_repo(
        tmp_path_factory.mktemp("active") / "repo",
        {"coes/COE-2026-101-hostile.md": body},
        mkdocs_yml=RULE_OFF,
    )
    result = run_mkdocs("build", "--strict", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    # Served with no Content-Security-Policy: what keeps scripts from running here is the
    # sanitizer alone.
    server = Server(root / "site", None)
    try:
        yield server.base_url, root / "site"
    finally:
        server.close()


def visit(browser: Browser, base_url: str, page_url: str) -> tuple[list[str], object]:
    """The dialogs that opened and the value of ``window.coeRan``, after loading the page
    and after clicking the links the payloads wrote."""
    session = open_session(browser, base_url)
    try:
        page, watcher = open_page(session, base_url + page_url)
        ran = page.evaluate("() => window.coeRan")
        for text in ("click me", "html link"):
            link = page.get_by_text(text, exact=True)
            if link.count() == 1:
                link.click(no_wait_after=True)
                watcher.settle()
        if page.url.split("#")[0] != base_url + page_url:
            return watcher.dialogs, f"navigated to {page.url}"
        return watcher.dialogs, ran or page.evaluate("() => window.coeRan")
    finally:
        session.close()


def test_no_script_of_a_coe_runs_in_the_browser(browser: Browser, served: tuple[str, Path]) -> None:
    base_url, _ = served
    dialogs, ran = visit(browser, base_url, PAGE)
    assert dialogs == []
    assert ran is None
    html = (served[1] / PAGE / "index.html").read_text(encoding="utf-8")
    assert "click me" in html and "html link" in html  # the links were there to click


def test_the_check_catches_a_script_that_runs(browser: Browser, served: tuple[str, Path]) -> None:
    base_url, site = served
    html = (site / PAGE / "index.html").read_text(encoding="utf-8")
    broken = site / "broken" / "index.html"
    broken.parent.mkdir(exist_ok=True)
    broken.write_text(
        html.replace("<p>See the runbook.</p>", '<script>window.coeRan = 1; alert("x")</script>'),
        encoding="utf-8",
    )
    dialogs, ran = visit(browser, base_url, "broken/")
    assert len(dialogs) == 1 and ran == 1
