"""The published site in a real browser: end-to-end and accessibility tests in headless
Chromium, driven by Playwright.

The site under test is a real ``mkdocs build --strict`` (``COE_TODAY=2026-11-27``) of the
project's own ``mkdocs.yml``, ``docs/``, ``coes/`` and ``schema/``, copied into a temporary
folder together with ``tests/fixtures/browser/coes/2026/COE-2026-901-hostile-title.md``:
``tests.helpers.VALID_COE`` with the id COE-2026-901 and a title full of HTML. It is built
once per test session (once per xdist worker) and served over HTTP from 127.0.0.1 by a
threaded ``http.server`` on a free port. One Chromium is launched per session.

Expected values (which COEs belong to a service, the time-to-detect order, the open and
overdue action items) are worked out here from the COEs' front-matter with PyYAML, never
read from the site.

The browser is Debian's ``/usr/bin/chromium`` (``COE_CHROMIUM`` names another one); the
tests never download a browser of their own. Without one they skip with one line, except
when the ``CI`` environment variable is set: then they fail, so CI cannot go green by
skipping them. ``.ci/run`` installs the ``chromium`` package when it is missing.

No request leaves the site's origin. Every request a page makes (scripts, styles, images,
fonts, the search worker and its index) is recorded, and one to another host fails the
test: nothing is blocked or ignored. The site is served with a strict
``Content-Security-Policy`` header, worked out from the built pages by ``site_policy()``:

* ``default-src 'self'``: everything from the site itself;
* ``script-src 'self'`` and the SHA-256 hash of each of Material's three inline scripts
  (``MATERIAL_INLINE_SCRIPTS``); the one that sets up Material's storage embeds the path
  to the site's root, so it has one hash per folder depth. Any other inline script fails
  the test before a page is opened;
* ``style-src 'self' 'unsafe-hashes'`` and the hash of each ``style`` attribute that the
  project's charts write (``<style>`` elements fail the test: with ``theme.font: false``
  Material writes none);
* ``img-src 'self' data:``: Material's stylesheet draws its icons from ``data:`` SVGs;
* ``object-src 'none'`` and ``base-uri 'self'``, which take nothing away from the site.

A page reports each violation of the policy to the console (an init script listens for
``securitypolicyviolation``, beside Chromium's own message), and any such report fails the
test. ``test_checker_reports_a_font_from_another_host`` proves the guard: a page that loads
a font from another host fails it, with the policy (a violation) and without (a request to
another host).

What the crawler leaves out, and why:

* Links to other origins (ticket trackers, the repository) are not followed.
* ``blob:`` and ``data:`` URLs are not requests to the server and are not checked. Material
  9 loads its search worker from a same-origin file, so there is no blob URL today; a
  failing worker would still show as a page error or console error, which are checked.
* A link whose fragment is empty (``href="#"``) points at the top of the page and needs no
  target.

The accessibility tests set aside, node by node, the serious axe-core violations that come
from the Material theme (``MATERIAL``); none from this project's own templates and CSS is
set aside.

The tests can fail: ``test_crawler_reports_a_broken_anchor_and_an_unescaped_title`` builds
a site with a link to a missing anchor and a missing page, and edits one built page to
carry an unescaped ``<script>alert(1)</script>`` title, then checks that ``crawl()``
reports the broken anchor, the 404 and, under the site's policy, the blocked script and
event handler as violations; served without a policy, the same page's dialog is reported.
``Server(root, None)`` serves a site with no policy, for tests that must see what a page
would do without that second line of defence.

When a test fails, every main page is saved at desktop (1280 px) and phone (390 px) widths
to ``tests/artifacts/screenshots/`` (git-ignored), once per session, for a person to look
at. ``COE_SCREENSHOTS=1 .venv/bin/pytest tests/test_browser.py`` saves them after every
test, in a folder per test.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from tests.helpers import ROOT, TODAY, run_coe, run_mkdocs

try:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        Dialog,
        Page,
        Request,
        Response,
        expect,
    )
except ImportError:  # pragma: no cover - depends on the environment
    if os.environ.get("CI"):
        raise
    pytest.skip(
        "browser tests need the dev extra: pip install -e '.[dev]' (playwright, axe)",
        allow_module_level=True,
    )

# The fixtures are session-scoped, so under `pytest -n 2` (xdist's default `--dist load`)
# each worker that runs a browser test builds and serves its own site and starts its own
# Chromium. `--dist loadgroup` would keep the module on one worker, but with pytest 9.2 and
# pytest-xdist 3.8 it groups nothing: xdist renames `item._nodeid`, which pytest 9 no
# longer reads. The mark is kept for when that works again.
pytestmark = pytest.mark.xdist_group("browser")

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "browser"
HOSTILE_FIXTURE = FIXTURES / "coes" / "2026" / "COE-2026-901-hostile-title.md"
ARTIFACTS = ROOT / "tests" / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# The closed network here refuses Chromium's own background connections without these.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TODAY_DATE = date.fromisoformat(TODAY)
SOON_DAYS = 14
OPEN = {"open", "in-progress"}
HOSTILE = 'Cache <script>alert(1)</script> | x "><img src=x onerror=alert(1)>'
HOSTILE_ID = "COE-2026-901"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# The pages a reader lands on; (name, URL relative to the site root).
MAIN_PAGES = {
    "home": "",
    "coe": "coe:COE-2026-004",
    "hostile-coe": f"coe:{HOSTILE_ID}",
    "coe-index": "coes/",
    "actions": "actions/",
    "metrics": "metrics/",
}
# A word of COE-2025-014's body that no other page of the site has (checked below).
BODY_WORD = ("COE-2025-014", "heartbeats")
# Material's inline scripts, known by how they begin; site_policy() allows each by its hash.
MATERIAL_INLINE_SCRIPTS = {
    "__md_scope=new URL(": "sets up Material's storage helpers for the page's path",
    'var palette=__md_get("__palette")': "applies the reader's stored palette before painting",
    "var target=document.getElementById(location.hash.slice(1))": "opens what #hash names",
}
# Reports every violation of the page's Content-Security-Policy to the console.
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` (${e.sourceFile || document.location.href}:${e.lineNumber})`);
});"""
# Schemes that never reach a host: the browser answers them itself.
LOCAL_SCHEMES = {"data", "blob", "about"}


# -- the COEs' front-matter, read independently ----------------------------------------------


@dataclass(frozen=True)
class Coe:
    id: str
    path: str  # relative to the repository, e.g. coes/2026/COE-2026-004-....md
    data: dict[str, Any]
    body: str

    @property
    def url(self) -> str:
        return self.path.removesuffix(".md") + "/"

    def minutes(self, key: str) -> int:
        incident = self.data["incident"]
        delta = moment(incident[key]) - moment(incident["started"])
        return int(delta.total_seconds() // 60)


def moment(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def load_coes(repo: Path) -> dict[str, Coe]:
    coes = {}
    for path in sorted((repo / "coes").rglob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        data = yaml.safe_load(front)
        coes[data["id"]] = Coe(data["id"], path.relative_to(repo).as_posix(), data, body)
    return coes


@dataclass(frozen=True)
class OpenItem:
    key: str  # COE-ID/AI-N, as the actions page shows it
    due: date
    overdue: bool


def open_items(coes: dict[str, Coe]) -> list[OpenItem]:
    return [
        OpenItem(f"{coe.id}/{item['id']}", as_date(item["due"]), as_date(item["due"]) < TODAY_DATE)
        for coe in coes.values()
        for item in coe.data["action_items"]
        if item["status"] in OPEN
    ]


# -- the site: built once, served over HTTP ---------------------------------------------------


def copy_project(dest: Path) -> Path:
    """The project's site sources plus the hostile-title COE, in a folder of their own."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    for name in ("docs", "coes", "schema", "overrides"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copytree(FIXTURES / "coes", dest / "coes", dirs_exist_ok=True)
    return dest


def build(repo: Path) -> Path:
    out = repo / "site"
    result = run_mkdocs("build", "--strict", "-d", str(out), cwd=repo)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}{result.stderr}"
    return out


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def site_policy(root: Path) -> str:
    """The strictest Content-Security-Policy the built site at ``root`` works under (see
    the module's docstring). Fails on an inline script that is not one of Material's and
    on any ``<style>`` element: the policy would have to allow them, and it does not."""
    scripts: set[str] = set()
    style_attributes: set[str] = set()
    for path in sorted(root.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for script in soup.find_all("script"):
            if script.get("src") or script.get("type") == "application/json":
                continue  # a file of the site, or data that is never run
            code = script.string or ""
            known = any(code.startswith(start) for start in MATERIAL_INLINE_SCRIPTS)
            assert known, f"{path.relative_to(root)}: an inline script not from Material: {code!r}"
            scripts.add(code)
        styles = soup.find_all("style")
        assert not styles, f"{path.relative_to(root)}: a <style> element: {styles[0]}"
        style_attributes |= {str(tag["style"]) for tag in soup.find_all(style=True)}
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src 'self'", *sorted(csp_hash(s) for s in scripts)]),
            " ".join(
                ["style-src 'self' 'unsafe-hashes'", *sorted(csp_hash(s) for s in style_attributes)]
            ),
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'self'",
        ]
    )


class _Handler(SimpleHTTPRequestHandler):
    policy: str | None = None

    def end_headers(self) -> None:
        if self.policy:
            self.send_header("Content-Security-Policy", self.policy)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class Server:
    """A static file server on a free port of 127.0.0.1, in a thread, that sends
    ``policy`` as the Content-Security-Policy of every response (none when it is None)."""

    def __init__(self, root: Path, policy: str | None) -> None:
        handler_class = type("Handler", (_Handler,), {"policy": policy})
        handler = partial(handler_class, directory=str(root))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


@dataclass
class Site:
    repo: Path
    root: Path  # the built site
    base_url: str
    coes: dict[str, Coe]
    policy: str  # the Content-Security-Policy it is served with

    def url(self, page: str) -> str:
        """A main page's name (``coe:ID`` for a COE) or a site-relative URL, made absolute."""
        if page.startswith("coe:"):
            page = self.coes[page.removeprefix("coe:")].url
        return self.base_url + page


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    repo = copy_project(tmp_path_factory.mktemp("browser-site") / "repo")
    root = build(repo)
    policy = site_policy(root)
    server = Server(root, policy)
    try:
        yield Site(repo, root, server.base_url, load_coes(repo), policy)
    finally:
        server.close()


# -- the browser ------------------------------------------------------------------------------


def chromium_path() -> str | None:
    wanted = os.environ.get("COE_CHROMIUM") or CHROMIUM
    if os.access(wanted, os.X_OK):
        return wanted
    return shutil.which("chromium")


NO_BROWSER = (
    f"no Chromium at {os.environ.get('COE_CHROMIUM') or CHROMIUM} nor on PATH "
    "(apt-get install chromium, or set COE_CHROMIUM)"
)
if chromium_path() is None and not os.environ.get("CI"):
    pytest.skip(NO_BROWSER, allow_module_level=True)  # one line in the summary


def same_origin(url: str, base_url: str) -> bool:
    a, b = urlsplit(url), urlsplit(base_url)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def another_host(url: str, base_url: str) -> bool:
    """Whether loading ``url`` asks a host other than the site's (``data:`` and ``blob:``
    URLs are answered by the browser itself)."""
    return urlsplit(url).scheme not in LOCAL_SCHEMES and not same_origin(url, base_url)


@dataclass
class Session:
    """A browser context on the site under test that records every request its pages make
    and has each page report violations of its Content-Security-Policy to the console."""

    context: BrowserContext
    base_url: str
    requests: list[str] = field(default_factory=list)  # every URL requested, in order

    def close(self) -> None:
        self.context.close()


def open_session(browser: Browser, base_url: str, **options: Any) -> Session:
    options.setdefault("viewport", DESKTOP)
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    session = Session(context, base_url)
    context.on("request", lambda request: session.requests.append(request.url))
    context.add_init_script(REPORT_VIOLATIONS)
    return session


@pytest.fixture
def session(browser: Browser, site: Site) -> Iterator[Session]:
    opened = open_session(browser, site.base_url)
    try:
        yield opened
    finally:
        opened.close()


class Watcher:
    """Collects what goes wrong on a page: console errors (violations of the page's
    Content-Security-Policy among them), uncaught exceptions, any request to another host,
    failed same-origin requests, HTTP errors, and any JavaScript dialog (which it
    dismisses)."""

    def __init__(self, page: Page, session: Session) -> None:
        self.page = page
        self.session = session
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.in_flight: set[Request] = set()
        page.on("console", self._console)
        page.on("pageerror", self._error)
        page.on("request", self._request)
        page.on("requestfinished", lambda request: self.in_flight.discard(request))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        page.on("dialog", self._dialog)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        source = message.location.get("url", "")
        self.problems.append(f"console error on {self.page.url}: {message.text} ({source})")

    def _request(self, request: Request) -> None:
        self.in_flight.add(request)
        if another_host(request.url, self.session.base_url):
            self.problems.append(f"request to another host on {self.page.url}: {request.url}")

    def _error(self, error: Exception) -> None:
        stack = (getattr(error, "stack", None) or "").splitlines()[1:3]
        where = "".join(f"\n    {line.strip()}" for line in stack)
        self.problems.append(f"page error on {self.page.url}: {error}{where}")

    def _failed(self, request: Request) -> None:
        self.in_flight.discard(request)
        if same_origin(request.url, self.session.base_url):
            self.problems.append(
                f"request failed on {self.page.url}: {request.url} ({request.failure})"
            )

    def _response(self, response: Response) -> None:
        if response.status >= 400 and same_origin(response.url, self.session.base_url):
            self.problems.append(f"HTTP {response.status} on {self.page.url}: {response.url}")

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type} dialog on {self.page.url}: {dialog.message!r}")
        dialog.dismiss()

    def settle(self, quiet_ms: int = 150, limit_ms: int = 10_000) -> None:
        """Wait until no request has been in flight for ``quiet_ms`` (Playwright's own
        "networkidle" waits 500 ms, which a crawl of every page pays many times over)."""
        quiet = waited = 0
        while quiet < quiet_ms and waited < limit_ms:
            self.page.wait_for_timeout(50)
            waited += 50
            quiet = quiet + 50 if not self.in_flight else 0

    def check(self) -> None:
        assert not self.dialogs, self.dialogs
        assert not self.problems, "\n".join(self.problems)


def open_page(session: Session, url: str) -> tuple[Page, Watcher]:
    page = session.context.new_page()
    watcher = Watcher(page, session)
    page.goto(url)
    watcher.settle()
    return page, watcher


# -- the crawler ------------------------------------------------------------------------------

LINKS_AND_IDS = """() => ({
  links: Array.from(
    document.querySelectorAll('a[href], area[href], link[rel~="alternate"][href]'),
    (a) => new URL(a.getAttribute("href"), document.baseURI).href),
  ids: Array.from(document.querySelectorAll("[id]"), (e) => e.id).concat(
    Array.from(document.querySelectorAll("a[name]"), (a) => a.name)),
})"""


@dataclass
class CrawlReport:
    pages: dict[str, set[str]] = field(default_factory=dict)  # page URL -> its ids
    resources: dict[str, int] = field(default_factory=dict)  # other linked URLs -> status
    problems: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every URL the pages requested


def _head(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        return error.code, ""


def crawl(browser: Browser, base_url: str, start: str = "") -> CrawlReport:
    """Visit every same-origin HTML page reachable by links from ``start``; report console
    errors, page errors, failed requests, HTTP errors, dialogs, and links or ``#anchors``
    that resolve to nothing. Linked files that are not HTML (JSON, CSV, feeds) must exist."""
    report = CrawlReport()
    session = open_session(browser, base_url)
    page = session.context.new_page()
    watcher = Watcher(page, session)
    queue = [base_url + start]
    linked_from: dict[str, set[str]] = {queue[0]: set()}
    anchors: list[tuple[str, str, str]] = []  # (source page, target page, fragment)
    try:
        while queue:
            url = queue.pop(0)
            status, kind = _head(url)
            if status >= 400 or kind != "text/html":
                report.resources[url] = status
                continue
            page.goto(url)
            watcher.settle()
            found = page.evaluate(LINKS_AND_IDS)
            report.problems.extend(watcher.problems)
            report.dialogs.extend(watcher.dialogs)
            watcher.problems, watcher.dialogs = [], []
            report.pages[url] = set(found["ids"])
            for link in found["links"]:
                parts = urlsplit(link)
                if parts.scheme not in ("http", "https") or not same_origin(link, base_url):
                    continue
                target = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
                if parts.fragment:
                    anchors.append((url, target, unquote(parts.fragment)))
                if target not in linked_from:
                    linked_from[target] = set()
                    queue.append(target)
                linked_from[target].add(url)
    finally:
        report.requests = list(session.requests)
        session.close()
    for target, status in report.resources.items():
        if status >= 400:
            sources = sorted(linked_from[target])
            report.problems.append(f"broken link to {target} (HTTP {status}) from {sources}")
    for source, target, fragment in anchors:
        if target in report.pages:
            if fragment not in report.pages[target]:
                report.problems.append(f"broken anchor {target}#{fragment} on {source}")
        elif report.resources.get(target, 400) < 400:
            report.problems.append(f"link to #{fragment} of {target}, which is not HTML")
    return report


@pytest.fixture(scope="session")
def crawled(browser: Browser, site: Site) -> CrawlReport:
    return crawl(browser, site.base_url)


# -- screenshots of the main pages when a test fails ------------------------------------------


def write_screenshots(browser: Browser, site: Site, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        session = open_session(browser, site.base_url, viewport=viewport)
        try:
            for name, page_name in MAIN_PAGES.items():
                page = session.context.new_page()
                page.on("dialog", lambda dialog: dialog.dismiss())
                try:
                    page.goto(site.url(page_name), wait_until="networkidle")
                    page.screenshot(path=folder / f"{name}-{label}.png", full_page=True)
                finally:
                    page.close()
        finally:
            session.close()


_screenshots_written: list[Path] = []


@pytest.fixture(autouse=True)
def _screenshots_on_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    """After the first failing test of a session (or after every test when COE_SCREENSHOTS
    is set), save every main page at desktop and phone widths for a person to look at."""
    yield
    report = getattr(request.node, "rep_call", None)
    failed = report is not None and report.failed
    if "browser" not in request.fixturenames:
        return
    if os.environ.get("COE_SCREENSHOTS"):
        folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    elif failed and not _screenshots_written:
        folder = ARTIFACTS
    else:
        return
    write_screenshots(request.getfixturevalue("browser"), request.getfixturevalue("site"), folder)
    _screenshots_written.append(folder)


# -- the whole site ---------------------------------------------------------------------------


def test_every_page_loads_cleanly_and_every_link_and_anchor_resolves(
    crawled: CrawlReport, site: Site
) -> None:
    assert not crawled.problems, "\n".join(crawled.problems)
    visited = {url.removeprefix(site.base_url) for url in crawled.pages}
    wanted = {coe.url for coe in site.coes.values()}
    wanted |= {"", "coes/", "actions/", "metrics/", "services/", "teams/", "series/"}
    assert wanted <= visited, f"the crawl never reached {sorted(wanted - visited)}"
    for export in ("api/action-items.json", "api/action-items.csv"):
        assert crawled.resources.get(site.base_url + export) == 200


def test_series_pages_raise_no_page_error(crawled: CrawlReport, site: Site) -> None:
    # Their graphs link nodes with SVG <a>, whose `href` Material's script cannot rewrite:
    # the links use xlink:href.
    series = [url for url in crawled.pages if url.startswith(f"{site.base_url}series/")]
    assert len(series) >= 2
    assert not [p for p in crawled.problems if "series/" in p]


def test_no_dialog_opens_anywhere_on_the_site(crawled: CrawlReport) -> None:
    assert len(crawled.pages) > 20
    assert not crawled.dialogs, crawled.dialogs


def test_hostile_fixture_is_a_valid_coe(site: Site) -> None:
    result = run_coe("validate", "--strict", f"coes/2026/{HOSTILE_FIXTURE.name}", cwd=site.repo)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_request_leaves_the_origin_anywhere_on_the_site(
    crawled: CrawlReport, site: Site
) -> None:
    # The crawl's problems already include each request to another host; this also shows
    # that the recorder saw the theme's files, the search worker and the search index.
    foreign = sorted({url for url in crawled.requests if another_host(url, site.base_url)})
    assert not foreign, foreign
    paths = {urlsplit(url).path for url in crawled.requests}
    assert any(p.startswith("/assets/stylesheets/main.") for p in paths), sorted(paths)[:20]
    assert any(p.startswith("/assets/javascripts/workers/search.") for p in paths)
    assert "/search/search_index.json" in paths


def test_policy_allows_only_material_inline_scripts_and_chart_styles(site: Site) -> None:
    directives = dict(d.split(" ", 1) for d in site.policy.split("; "))
    assert directives["default-src"] == "'self'"
    # No other host, no 'unsafe-inline', no 'unsafe-eval': every source is one of these.
    allowed = {"'self'", "'none'", "'unsafe-hashes'", "data:"}
    sources = [s for value in directives.values() for s in value.split()]
    assert all(s in allowed or re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", s) for s in sources)
    # One hash per folder depth of the storage script (the root, 1, 2 and 3 folders deep,
    # and the 404 page's absolute path) plus the palette and #hash scripts.
    script_hashes = directives["script-src"].split()[1:]
    assert 3 <= len(script_hashes) <= 8, script_hashes


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_main_pages_ask_no_other_host_in_either_palette(
    browser: Browser, site: Site, scheme: str
) -> None:
    repo_url = yaml.safe_load((site.repo / "mkdocs.yml").read_text(encoding="utf-8"))["repo_url"]
    session = open_session(browser, site.base_url, color_scheme=scheme)
    try:
        for name in MAIN_PAGES:
            page, watcher = open_page(session, site.url(MAIN_PAGES[name]))
            expect(page.locator("body")).to_have_attribute("data-md-color-scheme", SCHEMES[scheme])
            # The repository link stays in the header, as a plain link.
            source = page.locator("a.md-source").first
            expect(source).to_have_attribute("href", repo_url)
            assert source.get_attribute("data-md-component") is None
            watcher.check()
            page.close()
        assert session.requests
        assert not [url for url in session.requests if another_host(url, site.base_url)]
    finally:
        session.close()


REMOTE_FONT_CSS = """@font-face {
  font-family: "Remote Roboto";
  src: url("https://fonts.gstatic.com/s/roboto/v30/KFOmCnqEu92Fr1Mu4mxK.woff2") format("woff2");
}
body { font-family: "Remote Roboto", sans-serif; }
"""


@pytest.mark.parametrize("with_policy", [True, False], ids=["with-policy", "without-policy"])
def test_checker_reports_a_font_from_another_host(
    browser: Browser, site: Site, tmp_path: Path, with_policy: bool
) -> None:
    # A copy of the site whose home page links a stylesheet of its own (allowed) that
    # loads a font from another host (not allowed), as Material's Google Fonts did.
    root = tmp_path / "site"
    shutil.copytree(site.root, root)
    (root / "assets" / "remote-font.css").write_text(REMOTE_FONT_CSS, encoding="utf-8")
    home = root / "index.html"
    html = home.read_text(encoding="utf-8")
    link = '<link rel="stylesheet" href="assets/remote-font.css">'
    home.write_text(html.replace("</head>", f"{link}</head>", 1), encoding="utf-8")
    server = Server(root, site_policy(root) if with_policy else None)
    session = open_session(browser, server.base_url)
    try:
        page, watcher = open_page(session, server.base_url)
        expect(page.locator("h1").first).to_be_visible()
        watcher.settle()
    finally:
        session.close()
        server.close()
    problems = "\n".join(watcher.problems)
    assert watcher.problems, "a font from another host passed the check"
    if with_policy:  # the browser refuses the font and the page reports the violation
        assert "CSP violation: font-src blocked https://fonts.gstatic.com/" in problems
    else:  # nothing stops the request, and the recorder sees it
        assert "request to another host on" in problems
        assert "https://fonts.gstatic.com/s/roboto/" in problems
    with pytest.raises(AssertionError):
        watcher.check()


# -- the COE index: filter and sort -----------------------------------------------------------


def _row_text_fields(coe: Coe) -> list[str]:
    data = coe.data
    fields = [coe.id, data["title"], data["severity"], data["status"], data["team"]]
    return [*fields, ", ".join(data["services"]), str(data["date"])]


def distinctive_service(coes: dict[str, Coe]) -> tuple[str, set[str]]:
    """A service of two or more COEs whose name appears in no other COE's row, so that the
    text filter must show exactly its COEs."""
    members: dict[str, set[str]] = {}
    for coe in coes.values():
        for service in coe.data["services"]:
            members.setdefault(service, set()).add(coe.id)
    for service, ids in sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        others = [c for c in coes.values() if c.id not in ids]
        if len(ids) >= 2 and not any(
            service.lower() in text.lower() for c in others for text in _row_text_fields(c)
        ):
            return service, ids
    raise AssertionError("no service suits the filter test")


def shown_ids(page: Page, table: str) -> list[str]:
    return page.locator(f"#{table} tbody tr:not([hidden]) td:first-child").all_inner_texts()


def count_text(n: int) -> str:
    return f"{n} COE{'s' if n != 1 else ''}"


def test_index_filter_shows_exactly_the_coes_of_a_service(session: Session, site: Site) -> None:
    service, expected = distinctive_service(site.coes)
    page, watcher = open_page(session, site.url("coes/"))
    counter = page.locator('[data-coe-count="coe-index"]')
    expect(counter).to_have_text(count_text(len(site.coes)))
    assert sorted(shown_ids(page, "coe-index")) == sorted(site.coes)

    search = page.get_by_label("Filter")
    search.click()
    search.press_sequentially(service)
    expect(counter).to_have_text(count_text(len(expected)))
    assert sorted(shown_ids(page, "coe-index")) == sorted(expected)

    search.fill("")
    expect(counter).to_have_text(count_text(len(site.coes)))
    assert len(shown_ids(page, "coe-index")) == len(site.coes)
    watcher.check()


def test_index_sorts_by_time_to_detect_both_ways(session: Session, site: Site) -> None:
    minutes = {coe.id: coe.minutes("detected") for coe in site.coes.values()}
    assert len(set(minutes.values())) > 2, "the COEs need different times to detect"
    page, watcher = open_page(session, site.url("coes/"))
    header = page.locator("#coe-index thead th", has_text="Time to detect")
    button = header.get_by_role("button")

    button.click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    ids = shown_ids(page, "coe-index")
    assert sorted(ids) == sorted(site.coes)
    values = [minutes[i] for i in ids]
    assert values == sorted(values), list(zip(ids, values, strict=True))

    button.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    ids = shown_ids(page, "coe-index")
    values = [minutes[i] for i in ids]
    assert values == sorted(values, reverse=True), list(zip(ids, values, strict=True))
    watcher.check()


# -- the open action items --------------------------------------------------------------------


def test_actions_page_lists_overdue_items_first_with_the_right_counts(
    session: Session, site: Site
) -> None:
    items = open_items(site.coes)
    overdue = {i.key for i in items if i.overdue}
    soon = TODAY_DATE + timedelta(days=SOON_DAYS)
    assert overdue and len(overdue) < len(items), "the corpus needs overdue and on-time items"
    page, watcher = open_page(session, site.url("actions/"))

    expect(page.locator('[data-count="open"]')).to_have_text(str(len(items)))
    expect(page.locator('[data-count="overdue"]')).to_have_text(str(len(overdue)))
    due_soon = sum(1 for i in items if TODAY_DATE <= i.due <= soon)
    expect(page.locator('[data-count="due-soon"]')).to_have_text(str(due_soon))

    rows = page.locator("#coe-open-items tbody tr")
    keys = rows.locator("td:first-child").all_inner_texts()
    assert sorted(keys) == sorted(i.key for i in items)
    assert set(keys[: len(overdue)]) == overdue, "overdue items do not come first"
    due = {i.key: i.due for i in items}
    for group in (keys[: len(overdue)], keys[len(overdue) :]):
        assert [due[k] for k in group] == sorted(due[k] for k in group), "not by due date"
    marked = page.locator("#coe-open-items tbody tr.coe-row--overdue td:first-child")
    assert set(marked.all_inner_texts()) == overdue
    watcher.check()


def test_an_action_item_link_lands_on_its_row_in_view(session: Session, site: Site) -> None:
    items = open_items(site.coes)
    # The last row of the table: the page has to scroll to reach it, and so does the target.
    target = max(items, key=lambda i: (not i.overdue, i.due, i.key))
    coe_id, item_id = target.key.split("/")
    page, watcher = open_page(session, site.url("actions/"))
    page.locator("#coe-open-items").get_by_role("link", name=target.key, exact=True).click()

    page.wait_for_url(f"{site.url(f'coe:{coe_id}')}#action-{item_id}")
    watcher.settle()
    expect(page.locator("h1#coe-title")).to_contain_text(coe_id)
    row = page.locator(f"#action-{item_id}")
    expect(row).to_be_in_viewport()
    expect(row.locator("td").first).to_have_text(item_id)
    watcher.check()


# -- search -----------------------------------------------------------------------------------


QUIET_RESULTS = """(ms) => new Promise((resolve) => {
  const results = document.querySelector(".md-search-result");
  let timer;
  const observer = new MutationObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(done, ms);
  });
  function done() { observer.disconnect(); resolve(); }
  observer.observe(results, {childList: true, subtree: true, characterData: true});
  timer = setTimeout(done, ms);
})"""


def search(page: Page, query: str) -> list[str]:
    """Open Material's search, type the query key by key as a reader does, and wait until
    the results stop changing; the URLs of the result pages, best first."""
    box = page.locator("input.md-search__input")
    box.click()
    expect(box).to_be_focused()
    box.press_sequentially(query)
    meta = page.locator(".md-search-result__meta")
    expect(meta).to_have_text(re.compile(r"^(\d+|1) matching documents?$|^No matching"))
    page.evaluate(QUIET_RESULTS, 400)  # each key sent a query; let the last one land
    links = page.locator(".md-search-result__list > li > a.md-search-result__link:first-child")
    hrefs = links.evaluate_all("(links) => links.map((a) => a.href)")
    return [urlunsplit(urlsplit(h)._replace(query="", fragment="")) for h in hrefs]


def test_search_finds_a_coe_by_a_word_only_its_body_has(session: Session, site: Site) -> None:
    coe_id, word = BODY_WORD
    coe = site.coes[coe_id]
    assert word in coe.body.lower() and word not in str(coe.data).lower()
    own_page = site.root / coe.url / "index.html"
    others = [p for p in site.root.rglob("*.html") if p != own_page]
    assert all(word not in p.read_text(encoding="utf-8").lower() for p in others)

    page, watcher = open_page(session, site.url(""))
    assert search(page, word) == [site.url(f"coe:{coe_id}")]
    expect(page.locator(".md-search-result__meta")).to_have_text("1 matching document")
    watcher.check()


@pytest.mark.parametrize("coe_id", ["COE-2026-003", HOSTILE_ID])
def test_search_finds_a_coe_by_its_id_first(session: Session, site: Site, coe_id: str) -> None:
    page, watcher = open_page(session, site.url(""))
    found = search(page, coe_id)
    assert found[0] == site.url(f"coe:{coe_id}"), found[:3]
    # The result is the page itself, under its title (the card has no entry of its own).
    title = page.locator(".md-search-result__list > li").first.locator("h1")
    expect(title).to_have_text(f"{coe_id}: {site.coes[coe_id].data['title']}")
    watcher.check()


# -- the hostile title ------------------------------------------------------------------------


def test_hostile_title_is_text_on_its_page_and_in_the_index(session: Session, site: Site) -> None:
    assert site.coes[HOSTILE_ID].data["title"] == HOSTILE
    page, watcher = open_page(session, site.url(f"coe:{HOSTILE_ID}"))
    expect(page.locator("h1#coe-title")).to_have_text(f"{HOSTILE_ID} {HOSTILE}")
    assert page.title().startswith(f"{HOSTILE_ID}: {HOSTILE}")
    assert page.locator('img[src="x"]').count() == 0

    page.goto(site.url("coes/"))
    watcher.settle()
    row = page.locator("#coe-index tbody tr", has_text=HOSTILE_ID)
    expect(row.locator("td.coe-title")).to_have_text(HOSTILE)
    assert page.locator('img[src="x"]').count() == 0
    watcher.check()


# -- relations and backlinks ------------------------------------------------------------------


def related_link(page: Page, relation: str, coe_id: str) -> Any:
    item = page.locator("ul.coe-related > li").filter(
        has=page.locator(".coe-rel", has_text=re.compile(f"^{re.escape(relation)}$"))
    )
    return item.get_by_role("link", name=re.compile(f"^{re.escape(coe_id)}: "))


def test_relation_and_backlink_navigate_both_ways(session: Session, site: Site) -> None:
    source, target = "COE-2026-004", "COE-2025-014"
    assert {"coe": target, "relation": "recurrence-of"} in site.coes[source].data["related"]
    page, watcher = open_page(session, site.url(f"coe:{source}"))

    related_link(page, "recurrence-of", target).click()
    page.wait_for_url(site.url(f"coe:{target}"))
    watcher.settle()  # let the page's own requests finish before the next click
    expect(page.locator("h1#coe-title")).to_contain_text(target)

    related_link(page, "recurred-in", source).click()
    page.wait_for_url(site.url(f"coe:{source}"))
    watcher.settle()
    expect(page.locator("h1#coe-title")).to_contain_text(source)
    watcher.check()


# -- accessibility ----------------------------------------------------------------------------

A11Y_PAGES = ["home", "coe", "coe-index", "actions", "metrics"]
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material palette

# Serious violations that come from the Material theme itself, set aside node by node:
# (axe rule id, a CSS selector the offending element matches, why it is not ours).
MATERIAL: list[tuple[str, str, str]] = [
    (
        "aria-dialog-name",
        ".md-search",
        "Material's search overlay is a role=dialog <div> with no accessible name",
    ),
    (
        "color-contrast",
        ".md-tabs__link",
        "Material's navigation tabs: #c6cbe9 on the indigo header, 4.28:1",
    ),
    (
        "color-contrast",
        ".md-copyright, .md-copyright *",
        "Material's 'Made with Material for MkDocs' footer: #7f7f7f on #171717, 4.47:1",
    ),
    (
        "color-contrast",
        "[data-md-color-scheme=slate] .md-typeset a code",
        "Material's slate palette colours code inside a link #5488e8 on #272a35, 4.12:1",
    ),
    (
        "link-in-text-block",
        ".md-typeset a:not(.coe-muted a)",
        "Material marks links in running text by colour alone (no underline): 2.34:1 (light) "
        "and 1.92:1 (dark) against body text; this covers authors' links and the COE-id "
        "autolinks alike",
    ),
]
AXE_RUN = """async (ignore) => {
  const results = await axe.run(document, {resultTypes: ["violations"], elementRef: true});
  const out = [];
  for (const v of results.violations) {
    if (v.impact !== "serious" && v.impact !== "critical") continue;
    const nodes = v.nodes.filter((n) => !ignore.some(
      ([rule, selector]) => rule === v.id && n.element && n.element.matches(selector)));
    if (nodes.length) out.push({
      id: v.id, impact: v.impact, help: v.help,
      nodes: nodes.map((n) => `${n.target.join(" ")}: ${n.html.slice(0, 120)}`),
    });
  }
  return out;
}"""


def serious_violations(page: Page, ignore: list[tuple[str, str]]) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each, except the
    nodes that ``ignore`` names as (rule id, selector)."""
    page.evaluate(Axe().axe_script)  # the axe.min.js that axe-playwright-python ships
    found = page.evaluate(AXE_RUN, [list(pair) for pair in ignore])
    return [
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"][:6])
        for v in found
    ]


def open_in_scheme(browser: Browser, site: Site, name: str, scheme: str) -> Any:
    # mkdocs.yml lets the palette follow prefers-color-scheme, and no choice is stored yet.
    session = open_session(browser, site.base_url, color_scheme=scheme)
    page, watcher = open_page(session, site.url(MAIN_PAGES[name]))
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", SCHEMES[scheme])
    return session, page, watcher


@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize("name", A11Y_PAGES)
def test_no_serious_accessibility_violation(
    browser: Browser, site: Site, name: str, scheme: str
) -> None:
    session, page, watcher = open_in_scheme(browser, site, name, scheme)
    try:
        ignore = [(rule, selector) for rule, selector, _ in MATERIAL]
        violations = serious_violations(page, ignore)
        assert not violations, "\n".join(violations)
        watcher.check()
    finally:
        session.close()


# -- layout on a phone ------------------------------------------------------------------------

LAYOUT = """() => {
  const width = window.innerWidth;
  const out = {width, scroll: document.documentElement.scrollWidth, problems: []};
  for (const card of document.querySelectorAll(".coe-card")) {
    const box = card.getBoundingClientRect();
    if (box.right > width + 1 || card.scrollWidth > card.clientWidth + 1)
      out.problems.push(`header card overflows: ${card.scrollWidth}px in ${card.clientWidth}px`);
  }
  for (const table of document.querySelectorAll("article table")) {
    const wrapper = table.closest(".coe-scroll, .md-typeset__scrollwrap");
    const box = (wrapper || table).getBoundingClientRect();
    if (!wrapper && table.getBoundingClientRect().right > width + 1)
      out.problems.push(`table "${table.caption ? table.caption.textContent : ""}" overflows`);
    if (wrapper && box.right > width + 1)
      out.problems.push(`scroll wrapper of a table ends at ${box.right}px`);
  }
  return out;
}"""


@pytest.mark.parametrize("name", list(MAIN_PAGES))
def test_phone_width_has_no_horizontal_overflow(browser: Browser, site: Site, name: str) -> None:
    session = open_session(browser, site.base_url, viewport=PHONE)
    try:
        page, watcher = open_page(session, site.url(MAIN_PAGES[name]))
        layout = page.evaluate(LAYOUT)
        assert layout["width"] == PHONE["width"]
        assert layout["scroll"] <= layout["width"] + 1, layout
        assert not layout["problems"], layout["problems"]
        watcher.check()
    finally:
        session.close()


# -- the tests can fail -----------------------------------------------------------------------

BROKEN_LINKS = """

<a href="coes/#nope">A link to an anchor the COE index does not have</a>
<a href="no-such-page/">A link to a page that does not exist</a>
"""


def break_site(repo: Path) -> tuple[Path, str]:
    """Build a site with two broken links on the home page, then edit the hostile COE's
    page as if its title had been published unescaped. Also the policy of the site as
    built, before the edit: the one it would be deployed with."""
    with (repo / "docs" / "index.md").open("a", encoding="utf-8") as index:
        index.write(BROKEN_LINKS)
    root = build(repo)
    policy = site_policy(root)
    coe_page = root / load_coes(repo)[HOSTILE_ID].url / "index.html"
    html = coe_page.read_text(encoding="utf-8")
    unescaped = f'<h1 id="coe-title"><span class="coe-id">{HOSTILE_ID}</span> {HOSTILE}</h1>'
    html, count = re.subn(r'<h1 id="coe-title">.*?</h1>', lambda _: unescaped, html, count=1)
    assert count == 1
    coe_page.write_text(html, encoding="utf-8")
    return root, policy


def test_crawler_reports_a_broken_anchor_and_an_unescaped_title(
    browser: Browser, tmp_path: Path
) -> None:
    repo = copy_project(tmp_path / "repo")
    root, policy = break_site(repo)
    server = Server(root, policy)
    try:
        report = crawl(browser, server.base_url)
    finally:
        server.close()
    coe_url = server.base_url + load_coes(repo)[HOSTILE_ID].url
    problems = "\n".join(report.problems)
    assert f"broken anchor {server.base_url}coes/#nope on {server.base_url}" in problems
    assert f"broken link to {server.base_url}no-such-page/ (HTTP 404)" in problems
    # The injected <img src=x> is requested from the COE's folder and is not there.
    assert f"HTTP 404 on {coe_url}: {coe_url}x" in problems
    # The policy stops the injected script and the onerror handler, and says so.
    assert f"CSP violation: script-src-elem blocked inline ({coe_url}:" in problems
    assert "CSP violation: script-src-attr blocked inline" in problems
    assert not report.dialogs

    # Without the policy the script runs, and the crawler sees its dialog.
    server = Server(root, None)
    session = open_session(browser, server.base_url)
    try:
        _, watcher = open_page(session, server.base_url + load_coes(repo)[HOSTILE_ID].url)
    finally:
        session.close()
        server.close()
    assert any(d.startswith("alert dialog on ") for d in watcher.dialogs), watcher.dialogs
