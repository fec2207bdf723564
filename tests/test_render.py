"""The renderer of COE bodies (coe.site.render): markdown-it with GitHub's extensions and
Material's admonitions, Python-Markdown's heading ids and permalinks, pymdownx's code
markup, and a sanitizer in front of every page.

- ``tests/fixtures/render/body.md`` holds Markdown and the HTML it must become, in
  markdown-it-py's fixture format (title, ``.``, input, ``.``, expected, ``.``).
  ``UPDATE_GOLDEN=1`` rewrites the expected HTML from the renderer, for review in the diff.
- Heading ids, table-of-contents names, permalinks, code blocks and admonitions are
  compared with what Python-Markdown makes of the same text with the docs pages'
  extensions from ``mkdocs.yml``, so COE pages and docs pages cannot drift apart.
- The headings the checker reports (``parse_body``) are exactly the page's top-level
  ``h2``/``h3`` headings, for bodies holding every block construct.
- Known attack strings leave no active content in the sanitized HTML.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from markdown_it.utils import read_fixture_file
from mkdocs.structure.toc import get_toc

from coe.core.body import parse_body
from coe.site.render import render_body, sanitize
from coe.site.render.sanitize import ATTRIBUTES, TAGS
from tests.helpers import ROOT

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "render" / "body.md"
CASES = read_fixture_file(FIXTURE)


def _docs_extensions() -> tuple[list[str], dict[str, Any]]:
    """The docs pages' Markdown extensions and their options, from the project's mkdocs.yml."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    names: list[str] = []
    options: dict[str, Any] = {}
    for entry in config["markdown_extensions"]:
        if isinstance(entry, dict):
            ((name, value),) = entry.items()
            names.append(name)
            options[name] = value or {}
        else:
            names.append(entry)
    return names, options


def python_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    names, options = _docs_extensions()
    md = markdown.Markdown(extensions=names, extension_configs=options)
    html = md.convert(text)
    return html, md.toc_tokens  # type: ignore[attr-defined]


def test_every_fixture_case_has_a_title_input_and_output() -> None:
    assert len(CASES) >= 14
    for line, title, source, expected in CASES:
        assert title and source.strip() and expected is not None, line


def test_fixture_cases_render_as_expected() -> None:
    if os.environ.get("UPDATE_GOLDEN") == "1":
        parts = [
            f"{title}\n.\n{source}.\n{render_body(source).html.rstrip()}\n.\n"
            for _, title, source, _ in CASES
        ]
        FIXTURE.write_text("\n".join(parts), encoding="utf-8")
    failures = [
        (title, render_body(source).html.rstrip(), expected.rstrip())
        for _, title, source, expected in read_fixture_file(FIXTURE)
        if render_body(source).html.rstrip() != expected.rstrip()
    ]
    assert failures == [], (
        "tests/fixtures/render/body.md differs from the renderer: if the change is meant, "
        "rewrite it with UPDATE_GOLDEN=1 pytest tests/test_render.py -k fixture"
    )


HEADINGS = [
    "Incident summary",
    "Incident summary",
    "Incident summary",
    "Incident summary_1",
    "Detection & *diagnosis*",
    "`code` in a heading",
    "Ünïcode — dashes!",
    "Timeline (UTC)",
    "What's next? 50% / 100%",
    "A [link](https://example.com) in it",
    "&lt;angle&gt; &amp; entities",
    "Five   whys",
    "__init__ and snake_case",
    "1. Numbered",
    "",
]


def test_heading_ids_names_and_permalinks_are_python_markdowns() -> None:
    text = "\n\n".join(f"## {h}" for h in HEADINGS) + "\n"
    expected_html, expected_toc = python_markdown(text)
    rendered = render_body(text)
    assert rendered.toc_tokens() == expected_toc
    ours = re.findall(r"<h2[^>]*>.*?</h2>", rendered.html)
    theirs = re.findall(r"<h2[^>]*>.*?</h2>", expected_html)
    assert [re.search(r'id="([^"]*)"', h)[1] for h in ours] == [  # type: ignore[index]
        re.search(r'id="([^"]*)"', h)[1]  # type: ignore[index]
        for h in theirs
    ]
    permalink = re.compile(r'<a class="headerlink" href="#[^"]*" title="Permanent link">&para;</a>')
    assert [permalink.findall(h) for h in ours] == [permalink.findall(h) for h in theirs]


def test_nested_headings_make_a_nested_table_of_contents() -> None:
    text = "## Incident questions\n\n### Detection\n\n### Diagnosis\n\n## Five whys\n"
    toc = get_toc(render_body(text).toc_tokens())
    assert [(a.title, a.url, [c.url for c in a.children]) for a in toc] == [
        ("Incident questions", "#incident-questions", ["#detection", "#diagnosis"]),
        ("Five whys", "#five-whys", []),
    ]


@pytest.mark.parametrize(
    "language", ["sh", "shell", "console", "python", "yaml", "json", "sql", "", "nope"]
)
def test_code_blocks_are_what_pymdownx_highlight_makes(language: str) -> None:
    code = 'if [ "$pool" -lt 5 ]; then echo "too small" && exit 1; fi\nSELECT 1 < 2;\n'
    text = f"```{language}\n{code}```\n"
    expected, _ = python_markdown(text)
    assert render_body(text).html.strip() == expected.strip()


def test_admonitions_are_what_the_admonition_extension_makes() -> None:
    text = '!!! note "Why the pool shrank"\n    The unit was **seconds**.\n\n!!! warning\n    Ok.\n'
    expected, _ = python_markdown(text)
    assert render_body(text).html.split() == expected.split()


def test_collapsible_admonitions_are_what_pymdownx_details_makes() -> None:
    text = '??? tip "Closed"\n    Hidden.\n\n???+ danger "Open"\n    Shown.\n'
    expected, _ = python_markdown(text)
    assert render_body(text).html.split() == expected.split()


def test_generated_html_goes_in_before_the_block_at_its_line_untouched() -> None:
    text = "## Action items\n\nTracked.\n\n## Related items\n\nNone.\n"
    generated = '<!--coe-html:7-->\n<table class="coe"><tr><td onclick="x">kept</td></tr></table>'
    rendered = render_body(text, insertions={4: generated, 99: "<!--end-->"})
    assert rendered.html.index("Tracked.") < rendered.html.index(generated)
    assert rendered.html.index(generated) < rendered.html.index('id="related-items"')
    assert rendered.html.rstrip().endswith("<!--end-->")


def test_generated_sections_share_the_pages_ids_and_table_of_contents() -> None:
    rendered = render_body(
        "## Possibly related\n\nThe author's own.\n", trusted=["## Possibly related\n\n<p>x</p>\n"]
    )
    assert [h.id for h in rendered.headings] == ["possibly-related", "possibly-related_1"]


# --- the checker and the page agree ---------------------------------------------------

CONSTRUCTS = {
    "backtick fence": "```\n## not a heading\n```",
    "tilde fence": "~~~ yaml\n## not a heading\n~~~",
    "fence on a list item's line": "1. ```sh\n   ## not a heading\n   ```\n2. next",
    "unclosed fence in an item": "- ```\n  ## still code\n- next",
    "indented code": "    ## not a heading",
    "html comment": "<!--\n## hidden\n-->",
    "html div": "<div>\n## raw html until a blank line\n</div>",
    "script block": "<script>\n## raw\n</script>",
    "pre block": "<pre>\n## raw\n\n## still raw\n</pre>",
    "block quote": "> ## quoted heading",
    "heading in an item": "- ## item heading",
    "setext heading": "Setext title\n------------",
    "setext level one": "Title\n=====",
    "admonition": '!!! note "A note"\n    ## inside the note\n\n    More.',
    "collapsible admonition": "??? tip\n    ## inside",
    "footnote": "Text[^1].\n\n[^1]: A note\n    ## in the note",
    "table": "| a | b |\n|---|---|\n| ## x | 1 |",
    "tabs": "-\tan item\n\n\t## indented by a tab",
    "closing sequence": "### Detection ###",
    "empty heading": "## ",
    "task list": "- [ ] todo\n- [x] done",
    "lazy continuation": "> quote\n## after the quote",
    "paragraph then heading": "text\n### Subsection",
    "html type 7": "<custom-box>\n## inside\n</custom-box>",
}


def checker_headings(body: str, first_line: int) -> list[tuple[int, int, str]]:
    return [(s.level, s.line, s.title) for s in parse_body(body, first_line).sections]


def page_headings(body: str, first_line: int) -> list[tuple[int, int, str]]:
    return [
        (h.level, first_line + h.line, h.source.strip())
        for h in render_body(body).headings
        if h.top_level and h.level in (2, 3)
    ]


@pytest.mark.parametrize("name", sorted(CONSTRUCTS))
def test_the_checkers_sections_are_the_pages_headings(name: str) -> None:
    construct = CONSTRUCTS[name]
    for body in (
        f"## Before\n\n{construct}\n\n## After\n",  # a realistic section
        f"## Before\n\n{construct}\n## After\n",  # the next heading right after
        f"{construct}\n",  # alone
    ):
        assert checker_headings(body, 40) == page_headings(body, 40), body


def test_a_body_of_every_construct_has_the_same_headings_for_checker_and_page() -> None:
    body = "\n\n".join(f"## {name}\n\n{text}" for name, text in CONSTRUCTS.items()) + "\n"
    assert checker_headings(body, 12) == page_headings(body, 12)
    assert len(page_headings(body, 12)) >= len(CONSTRUCTS)


# --- the sanitizer ------------------------------------------------------------------------

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//example.com/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<img/src=x/onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" &#106;avascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:text/html,<script>alert(1)</script>">',
    '<iframe src="https://example.com"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="x.swf"></object>',
    '<embed src="x.swf">',
    '<form action="https://example.com"><input name="q"></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<base href="https://example.com/">',
    '<meta http-equiv="refresh" content="0;url=https://example.com">',
    "<style>body{display:none}</style>",
    '<link rel="stylesheet" href="https://example.com/x.css">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<details open ontoggle="alert(1)"><summary>x</summary></details>',
    '<body onload="alert(1)">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<a href="#" onclick="alert(1)">x</a>',
    "<template><script>alert(1)</script></template>",
    '<video><source onerror="alert(1)"></video>',
    '<input autofocus onfocus="alert(1)">',
]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.tags


@pytest.mark.parametrize("attack", ATTACKS)
def test_no_attack_leaves_active_content(attack: str) -> None:
    for html in (
        sanitize(attack),
        render_body(attack + "\n").html,
        render_body(f"x {attack}\n").html,
    ):
        for tag, attrs in elements(html):
            assert tag in TAGS, html
            allowed = ATTRIBUTES["*"] | ATTRIBUTES.get(tag, set()) | {"type", "disabled"}
            for name, value in attrs:
                assert name in allowed, html
                if name in ("href", "src"):
                    assert not re.match(r"\s*(javascript|vbscript|data):", value or "", re.I), html
            if tag == "input":
                assert ("disabled", "") in attrs and ("type", "checkbox") in attrs, html
        assert "alert(1)</script>" not in html and "<script" not in html.lower()


def test_image_data_urls_and_ordinary_links_are_kept() -> None:
    html = sanitize(
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="p"> <a href="/x">r</a> '
        '<a href="mailto:oncall@example.com">m</a> <a href="https://example.com">h</a>'
    )
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in html
    assert all(f'href="{url}"' in html for url in ("/x", "mailto:oncall@example.com"))


def test_headings_leave_the_ids_the_page_already_has() -> None:
    rendered = render_body("## COE title\n\n## Action AI-1\n", taken_ids=["coe-title"])
    assert [h.id for h in rendered.headings] == ["coe-title_1", "action-ai-1"]
