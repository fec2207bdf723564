"""No active content from a COE: the ``active-content`` rule through `coe validate`, and COE
pages through a real `mkdocs build`.

- The rule reports every script, frame, form, ``meta http-equiv``, style or link element,
  event handler and ``javascript:``/``vbscript:``/non-image ``data:`` URL at its line and
  column, in raw HTML and Markdown alike; code, comments, image ``data:`` URLs and plain
  words are left alone; ``coe-ignore`` cannot silence it.
- A built COE page (the body rendered by markdown-it) has a fence on a list item's line as
  code inside the item, headings with ids and permalinks, a table of contents and search
  sections from the same headings.
- With the rule turned off, the sanitizer still keeps every active payload off the page:
  for a COE with ``<script>``, ``onerror`` and a ``javascript:`` link, and for every
  active-content case of the bad-input corpus.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from hypothesis import given, settings
from hypothesis import strategies as st

from coe.core.rules.active_content import (
    _TAG_OR_REFERENCE,
    find_active_content,
    may_hold_active_content,
)
from coe.site.render import render_body
from tests.helpers import MKDOCS_YML, VALID_COE, make_repo, run_coe, run_mkdocs, validate_json
from tests.test_bad_input import FIXTURES, MANIFEST
from tests.test_render import elements
from tests.test_site_builds import output

NAME = "coes/COE-2026-101-label-service.md"
RULE_OFF = MKDOCS_YML.replace(
    "  - coe\n", "  - search\n  - coe:\n      rules: {active-content: off}\n"
)
END = "See the runbook.\n"
ACTIVE_ELEMENTS = ("script", "iframe", "frame", "object", "embed", "form", "base", "style", "link")


def with_body(extra: str) -> str:
    """VALID_COE with ``extra`` at the end of its body (after the Related items text)."""
    return VALID_COE.replace(END, END + "\n" + extra)


def first_extra_line() -> int:
    """The file line where ``with_body``'s text starts."""
    return VALID_COE.split("\n").index(END.strip()) + 3


# --- the rule -------------------------------------------------------------------------------

HOSTILE = """\
<script>alert(1)</script>

A graph: <img src=x onerror="alert(1)"> and [click](javascript:alert(1)).

| check | link |
|---|---|
| pool | <a href="VBScript:msgbox(1)">x</a> |

<iframe src="https://grafana.parcelwise.example/d/x"></iframe>
<form action="/x"><input name="q"></form>

- ![chart](data:text/html;base64,PHNjcmlwdD4=)
- <a href="https://grafana.parcelwise.example"
     onclick="alert(1)">dashboard</a>

<style>body { display: none }</style>
<link rel="stylesheet" href="https://example.com/x.css">

<meta http-equiv="refresh" content="0">
<base href="https://example.com/">
<svg onload="alert(1)"></svg> <object data="x"></object> <embed src="x">

[ref link][r]

[r]: vbscript:msgbox(1)
"""


def test_every_active_piece_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {NAME: with_body(HOSTILE)})
    code, report = validate_json(root)
    start = first_extra_line()
    found = [
        (d["line"] - start, d["column"], d["severity"], d["message"].split(";")[0])
        for d in report["diagnostics"]
        if d["rule"] == "active-content"
    ]
    assert code == 1
    assert found == [
        (0, 1, "error", "active content: `<script>` runs a script"),
        (2, 21, "error", "active content: the event handler `onerror` runs a script"),
        (2, 53, "error", "active content: a link to a `javascript:` URL, which runs a script"),
        (6, 13, "error", "active content: `href` holds a `vbscript:` URL, which runs a script"),
        (8, 1, "error", "active content: `<iframe>` embeds another page"),
        (9, 1, "error", "active content: `<form>` sends what a reader types elsewhere"),
        (
            11,
            12,
            "error",
            "active content: an image from a `data:` URL that is not an image, which can "
            "hold a page with a script",
        ),
        (13, 6, "error", "active content: the event handler `onclick` runs a script"),
        (15, 1, "error", "active content: `<style>` restyles the whole site"),
        (16, 1, "error", "active content: `<link>` loads a stylesheet or other resource"),
        (18, 1, "error", "active content: `<meta http-equiv>` can reload or redirect the page"),
        (19, 1, "error", "active content: `<base>` redirects every link of the page"),
        (20, 6, "error", "active content: the event handler `onload` runs a script"),
        (20, 31, "error", "active content: `<object>` embeds active content"),
        (20, 58, "error", "active content: `<embed>` embeds active content"),
        (22, 1, "error", "active content: a link to a `vbscript:` URL, which runs a script"),
    ]


INERT = """\
Code is an example: `<script>alert(1)</script>` and `[x](javascript:alert(1))`.

```html
<img src=x onerror="alert(1)">
<script>alert(1)</script>
```

    <iframe src="x"></iframe>

<!-- <script>alert(1)</script> -->

The words onerror="x", javascript: and data: in prose are not markup.
<kbd>Ctrl</kbd> <details><summary>More</summary>Logs.</details>
![pixel](data:image/png;base64,iVBORw0KGgo=) <img src="data:image/svg+xml;base64,PHN2Zz4=">
[runbook](https://wiki.parcelwise.example/runbook) <mailto:oncall@parcelwise.example>
"""


def test_code_comments_images_and_plain_words_are_not_active(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {NAME: with_body(INERT)})
    result = run_coe("validate", "--strict", cwd=root)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "1 file checked: 0 errors, 0 warnings"


def test_coe_ignore_does_not_silence_it(tmp_path: Path) -> None:
    body = "<!-- coe-ignore active-content: the dashboard needs it -->\n\n<script>x()</script>\n"
    root = make_repo(tmp_path, {NAME: with_body(body)})
    code, report = validate_json(root)
    start = first_extra_line()
    found = [(d["rule"], d["severity"], d["line"] - start) for d in report["diagnostics"]]
    assert code == 1
    assert found == [("suppression", "warning", 0), ("active-content", "error", 2)]
    assert "active-content cannot be suppressed" in report["diagnostics"][0]["message"]


@pytest.mark.parametrize(("level", "exit"), [("warning", 0), ("off", 0), ("error", 1)])
def test_its_level_is_configurable(tmp_path: Path, level: str, exit: int) -> None:
    yml = MKDOCS_YML.replace("  - coe\n", f"  - coe:\n      rules: {{active-content: {level}}}\n")
    root = make_repo(tmp_path, {NAME: with_body("<script>x()</script>\n")}, mkdocs_yml=yml)
    code, report = validate_json(root)
    assert code == exit
    assert [d["severity"] for d in report["diagnostics"]] == ([] if level == "off" else [level])


# --- the built page ---------------------------------------------------------------------------

STEPS = """\
Steps to take the pool back:

1. ```sh
   label-service scale-down --pool labels
   ```
2. Confirm the pool size:

   ```sh
   label-service pool show
   ```

!!! note "Runbook"
    The runbook has the same steps[^steps].

[^steps]: Updated after this incident.
"""
BODY_PAYLOADS = """\
<script>alert(1)</script>

Graph: <img src=x onerror="alert(2)">, see [click](javascript:alert(3)).
"""


def _built_site(root: Path) -> Path:
    result = run_mkdocs("build", "--strict", cwd=root)
    assert result.returncode == 0, output(result)[-3000:]
    return root / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    hostile = with_body(BODY_PAYLOADS).replace("COE-2026-101", "COE-2026-102")
    root = make_repo(
        tmp_path_factory.mktemp("render"),
        {NAME: with_body(STEPS), "coes/COE-2026-102-hostile.md": hostile},
        mkdocs_yml=RULE_OFF,
    )
    return _built_site(root)


def article(site: Path, page: str) -> Tag:
    html = (site / page / "index.html").read_text(encoding="utf-8")
    found = BeautifulSoup(html, "html.parser").select_one("article")
    assert isinstance(found, Tag)
    return found


def test_a_fence_on_a_list_items_line_is_code_inside_the_item(site: Path) -> None:
    page = article(site, "coes/COE-2026-101-label-service")
    steps = page.find("p", string="Steps to take the pool back:")
    assert isinstance(steps, Tag)
    items = steps.find_next("ol").find_all("li", recursive=False)  # type: ignore[union-attr]
    codes = [li.select_one("div.highlight > pre > code") for li in items]
    assert [c.get_text() if c else None for c in codes[:2]] == [
        "label-service scale-down --pool labels\n",
        "label-service pool show\n",
    ]
    assert "language-sh" in (items[0].select_one("div.highlight") or Tag(name="x")).get("class", [])
    admonition = page.select_one("div.admonition.note > p.admonition-title")
    assert admonition is not None and admonition.get_text() == "Runbook"
    assert page.select_one("section.footnotes li#fn1") is not None


def test_headings_have_ids_permalinks_and_a_table_of_contents(site: Path) -> None:
    html = (site / "coes/COE-2026-101-label-service/index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    expected = [
        "incident-summary",
        "impact",
        "timeline",
        "metrics",
        "incident-questions",
        "detection",
        "diagnosis",
        "mitigation",
        "prevention",
        "five-whys",
        "action-items",
        "related-items",
        "possibly-related",  # generated: it shares the page's ids and contents
    ]
    headings = soup.select("article h2[id], article h3[id]")
    assert [h["id"] for h in headings] == expected
    for heading in headings:
        link = heading.select_one("a.headerlink")
        assert link is not None and link["href"] == f"#{heading['id']}", heading
        assert link["title"] == "Permanent link" and link.get_text() == "¶"
    toc = [a["href"] for a in soup.select("nav.md-nav--secondary a.md-nav__link")]
    assert toc == [f"#{anchor}" for anchor in expected]
    # The action items are placed under their section, before the next heading.
    action_items = soup.select_one("article h2#action-items")
    assert action_items is not None
    assert action_items.find_next("table") is not None
    assert action_items.find_next("table") == soup.select_one(
        "article h2#related-items"
    ).find_previous(  # type: ignore[union-attr]
        "table"
    )


def test_the_search_index_has_the_bodys_sections(site: Path) -> None:
    index: dict[str, Any] = json.loads(
        (site / "search" / "search_index.json").read_text(encoding="utf-8")
    )
    docs = {d["location"]: d for d in index["docs"]}
    page = "coes/COE-2026-101-label-service/"
    for anchor in ("incident-summary", "timeline", "detection", "five-whys", "related-items"):
        assert f"{page}#{anchor}" in docs, sorted(docs)
    assert "label-service scale-down" in docs[f"{page}#related-items"]["text"]
    assert "1,200 merchants saw HTTP 503" in docs[f"{page}#impact"]["text"]


def assert_inert(page: Tag) -> None:
    """No element, attribute or URL of the page's article can run anything."""
    for element in page.find_all(True):
        assert element.name not in ACTIVE_ELEMENTS, element
        assert not (element.name == "meta" and element.get("http-equiv")), element
        for name, value in element.attrs.items():
            assert not name.startswith("on"), element
            text = " ".join(value) if isinstance(value, list) else str(value)
            assert not re.match(r"\s*(javascript|vbscript|data:text)", text, re.I), element


def test_with_the_rule_off_no_payload_reaches_the_page(site: Path) -> None:
    page = article(site, "coes/COE-2026-102-hostile")
    assert_inert(page)
    assert "alert(1)" not in str(page) and "alert(2)" not in str(page)
    assert "alert(3)" not in str(page)
    assert page.find("a", string="click") is not None  # the text stays, without its URL
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = [d for d in index["docs"] if d["location"].startswith("coes/COE-2026-102-")]
    assert len(entries) > 10
    assert not [d for d in entries if "alert(" in d["text"] or "alert(" in d["title"]]


def test_no_active_content_case_of_the_corpus_reaches_its_page(tmp_path: Path) -> None:
    """Each active-content case of the bad-input corpus, built with the rule off (under its
    own id, so that they publish side by side): its page carries none of its payload."""
    cases = sorted(name for name, case in MANIFEST.items() if case["rule"] == "active-content")
    assert len(cases) >= 8
    files: dict[str, str | bytes] = {}
    for number, name in enumerate(cases, start=300):
        text = (FIXTURES / MANIFEST[name]["file"]).read_text(encoding="utf-8")
        files[f"coes/COE-2026-{number}-{name}.md"] = text.replace(
            "COE-2026-101", f"COE-2026-{number}"
        )
    root = make_repo(tmp_path, files, mkdocs_yml=RULE_OFF)
    site = _built_site(root)
    for number, name in enumerate(cases, start=300):
        page = article(site, f"coes/COE-2026-{number}-{name}")
        assert page.select_one("section.coe-card") is not None, name
        assert_inert(page)
        assert "alert(1)" not in str(page), name


# --- any text -----------------------------------------------------------------------------

ATOMS = [
    *("<", ">", "<!", "<![CDATA[", "<?", "</", "<a ", "<img ", "<svg", "<script>", "</script>"),
    *("<!--", "-->", "<style>", "<textarea>", "href=", "src=", "onerror=", '"', "'", "/"),
    *("javascript:", "data:text/html,", "&#106;", "&#x", ";", "\n", "\n\n", " ", "\t", "    "),
    *("[", "]", "(", ")", "!", "!!! note", "??? tip", "- ", "1. ", "```", "~~~", "|", "---"),
    *("## ", "x", "[^1]", "[^1]:", "\x00", "\u2028", "www.", "https://", "*", "_", "`"),
]
# No carriage return: the reader turns every line end into "\n" before any rule runs.


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ATOMS), max_size=60))
def test_any_text_is_checked_and_rendered_without_a_traceback(atoms: list[str]) -> None:
    text = "".join(atoms)
    lines = text.split("\n")
    for found in find_active_content(text):
        assert 0 <= found.line < len(lines) and found.message
    html = render_body(text).html
    for tag, attrs in elements(html):
        assert tag not in ACTIVE_ELEMENTS, html
        assert not any(name.startswith("on") for name, _ in attrs), html


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from([*ATOMS, "&amp;", "&", "R&D", "a<b", "<B", "&&x;"]), max_size=30))
def test_the_quick_test_answers_as_a_search_for_a_tag_or_reference_would(atoms: list[str]) -> None:
    text = "".join(atoms)
    lowered = text.lower()
    searched = bool(_TAG_OR_REFERENCE.search(text)) or "script:" in lowered or "data:" in lowered
    assert may_hold_active_content(text) == searched
