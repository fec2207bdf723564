"""The ``active-content`` rule: nothing in a COE's body may run in a reader's browser.

The body is read by markdown-it, as the page is made, so only what a page would show as
HTML or as a link counts: code spans, code blocks and the text of HTML comments are
examples, never active. Links are read without markdown-it's own refusal of dangerous
URLs (which leaves ``[x](javascript:...)`` as text on the page): the rule reports them
where the author wrote them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from html import unescape
from typing import TYPE_CHECKING
from urllib.parse import unquote

from ..body import Body
from ..document import CoeDocument
from ..findings import Hit
from ..rule import BodyRule, Context

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# Elements that run code, load other pages or styles, or send what a reader types.
ELEMENTS = {
    "script": "runs a script",
    "iframe": "embeds another page",
    "frame": "embeds another page",
    "frameset": "embeds other pages",
    "object": "embeds active content",
    "embed": "embeds active content",
    "applet": "embeds active content",
    "form": "sends what a reader types elsewhere",
    "base": "redirects every link of the page",
    "style": "restyles the whole site",
    "link": "loads a stylesheet or other resource",
}
# Attributes that hold a URL the browser may load or follow.
URL_ATTRIBUTES = {
    *("href", "src", "action", "formaction", "data", "poster", "background", "cite"),
    *("xlink:href", "srcset", "lowsrc", "dynsrc", "longdesc", "codebase", "ping", "icon"),
    *("manifest", "archive", "classid", "usemap", "profile"),
}
# Browsers ignore ASCII controls, spaces, tabs and line breaks in a URL's scheme.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
_IMAGE_DATA = re.compile(r"data:image/(?!svg)[a-z0-9.+-]+[;,]")
_IMAGE_DATA_ANY = re.compile(r"data:image/[a-z0-9.+-]+[;,]")
# A tag, or a character reference (which could spell a scheme in a link).
_TAG_OR_REFERENCE = re.compile(r"<[A-Za-z]|&(?:#|[A-Za-z]+;)")


def may_hold_active_content(body: str) -> bool:
    """A cheap test that lets most bodies skip the parse: without a tag or a character
    reference, active content can only be a Markdown link's scheme, which holds no space."""
    # The pattern is tried only at each "<" and "&": searching for it tries every position.
    for start in ("<", "&"):
        at = body.find(start)
        while at >= 0:
            if _TAG_OR_REFERENCE.match(body, at):
                return True
            at = body.find(start, at + 1)
    lowered = body.lower()
    return "script:" in lowered or "data:" in lowered


def url_problem(url: str, *, image: bool = False) -> str | None:
    """Why ``url`` is active content (completing "... a URL"), or ``None``. A ``data:``
    URL is fine for an image (any image type as an image's source, raster types
    elsewhere)."""
    plain = _IGNORED_IN_SCHEME.sub("", unquote(unescape(url))).lower()
    if plain.startswith(("javascript:", "vbscript:")):
        return f"a `{plain.split(':', 1)[0]}:` URL, which runs a script"
    if plain.startswith("data:") and not (_IMAGE_DATA_ANY if image else _IMAGE_DATA).match(plain):
        return "a `data:` URL that is not an image, which can hold a page with a script"
    return None


@dataclass(frozen=True, slots=True)
class Found:
    """A problem at a 0-based line of the body; ``needle`` is text to find its column."""

    line: int
    message: str
    needle: str


# Raw HTML is read the way a browser's tokenizer reads it, closely enough to find every
# start tag and attribute: a comment hides what it holds, the text of a script, style,
# textarea or title element holds no tags, an attribute is separated by spaces or `/`, and
# an unquoted value runs to the next space or `>`. (html.parser is no fit: it raises on
# some malformed declarations.)
_MARKUP = re.compile(r"<!--|<[A-Za-z]")
_TAG = re.compile(r"""<([A-Za-z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)""")
_ATTRIBUTE = re.compile(r"""([^\s"'>/=][^\s"'>/=]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
_RAW_TEXT = {"script", "style", "textarea", "title", "xmp", "noembed", "noframes", "iframe"}


def _tag_problems(tag: str, attributes: str, line: int) -> list[Found]:
    """The problems of one start tag at ``line``, the element's first, then in line order;
    ``attributes`` is the text after its name (attributes may be on later lines)."""
    names: set[str] = set()
    found: list[Found] = []
    for match in _ATTRIBUTE.finditer(attributes):
        name = match[1].lower()
        value = match[2].strip("\"'") if match[2] else ""
        at = line + attributes[: match.start()].count("\n")
        names.add(name)
        if name.startswith("on"):
            found.append(Found(at, f"the event handler `{name}` runs a script", name))
        elif name in URL_ATTRIBUTES and value:
            problem = url_problem(value, image=tag == "img" and name == "src")
            if problem:
                found.append(Found(at, f"`{name}` holds {problem}", name))
    if tag in ELEMENTS:
        found.insert(0, Found(line, f"`<{tag}>` {ELEMENTS[tag]}", f"<{tag}"))
    elif tag == "meta" and "http-equiv" in names:
        found.insert(0, Found(line, "`<meta http-equiv>` can reload or redirect the page", "<meta"))
    return sorted(found, key=lambda f: f.line)


def scan_html(html: str) -> list[Found]:
    """The active content of a piece of raw HTML, at 0-based lines of the piece, in order."""
    found: list[Found] = []
    position = line = 0
    lowered = html.lower()
    while (start := _MARKUP.search(html, position)) is not None:
        line += html.count("\n", position, start.start())
        if start[0] == "<!--":
            end = html.find("-->", start.end())
            position = len(html) if end < 0 else end + 3
            line += html.count("\n", start.start(), position)
            continue
        tag = _TAG.match(html, start.start())
        assert tag is not None  # `<` and a letter always start one
        name = tag[1].lower()
        found.extend(_tag_problems(name, tag[2], line))
        position = tag.end()
        if name in _RAW_TEXT:
            close = lowered.find(f"</{name}", position)
            position = len(html) if close < 0 else close
        line += html.count("\n", tag.start(), position)
    return found


@cache
def _parser() -> MarkdownIt:
    # The page's block and inline syntax (see coe.site.render), but with every link
    # kept as a link, whatever its URL.
    from markdown_it import MarkdownIt
    from mdit_py_plugins.admon import admon_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.use(footnote_plugin, inline=False).use(admon_plugin)
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def _inline(token: Token) -> Iterator[Found]:
    """Active content in a paragraph, heading or table cell: raw HTML tags, links and
    images. Lines are counted by the line breaks before each piece."""
    assert token.map is not None
    line = token.map[0]
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "html_inline":
            for found in scan_html(child.content):
                yield Found(line + found.line, found.message, found.needle)
            line += child.content.count("\n")
        elif child.type in ("link_open", "image"):
            attribute = "href" if child.type == "link_open" else "src"
            url = str(child.attrGet(attribute) or "")
            problem = url_problem(url, image=child.type == "image")
            if problem:
                kind = "a link to" if child.type == "link_open" else "an image from"
                yield Found(line, f"{kind} {problem}", url.split(":", 1)[0] + ":")


def find_active_content(body: str) -> list[Found]:
    """Every piece of active content in a body, in order, at 0-based lines."""
    if not may_hold_active_content(body):
        return []
    found: list[Found] = []
    for token in _parser().parse(body):
        if token.map is None:
            continue
        if token.type == "html_block":
            found.extend(
                Found(token.map[0] + f.line, f.message, f.needle) for f in scan_html(token.content)
            )
        elif token.type == "inline":
            found.extend(_inline(token))
    return found


def _column(line: str, needle: str) -> int:
    """Where ``needle`` is on the line; a scheme spelled with a character reference
    (``&#106;avascript:``) is found by the longest end of it that is written out."""
    lowered = line.lower()
    needle = needle.lower()
    while len(needle) >= 4:
        at = lowered.find(needle)
        if at >= 0:
            return at + 1
        needle = needle[1:]
    return 1


def active_content_in_body(doc: CoeDocument, body: Body, context: Context) -> Iterator[Hit]:
    """
    A COE is published to everyone who reads the site, so a script in one COE would run
    in every reader's browser, with the reader's access to the site. The body may hold
    HTML, but not the parts of it that run or load code, or send data elsewhere:
    `script`, `iframe`, `frame`, `object`, `embed`, `applet`, `form`, `base`,
    `meta http-equiv`, `style` and `link` elements; event-handler attributes (`onerror`,
    `onclick`...); and `javascript:`, `vbscript:` or `data:` URLs (a `data:` image is
    fine), in raw HTML and in Markdown links and images alike. Code spans and code blocks
    are examples and are not checked. The site also removes all of these from every
    page, even when this rule is turned off, but the finding shows the author what a
    reader will not see. It cannot be silenced with `coe-ignore`.
    """
    markdown, first_line = doc.body_source
    lines: list[str] = []
    for found in find_active_content(markdown):
        lines = lines or markdown.split("\n")
        text = lines[found.line] if 0 <= found.line < len(lines) else ""
        yield Hit(
            f"active content: {found.message}; remove it (use a code span to show it)",
            first_line + found.line,
            _column(text, found.needle),
        )


RULE = BodyRule(
    id="active-content",
    summary="No script, frame, form, event handler or `javascript:` URL in the body.",
    check=active_content_in_body,
    bad_example="- 2026-03-02 14:05 UTC - Deploy 5121 ships. <img src=x onerror=alert(1)>",
    good_example="- 2026-03-02 14:05 UTC - Deploy 5121 ships ([diff](https://git.example/d/5121)).",
)
