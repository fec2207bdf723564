"""A COE's body as its page shows it: rendered by markdown-it-py, the parser that checks it.

Authors review a COE in the pull request, where GitHub shows it as CommonMark with GitHub's
extensions; the checker reads it with markdown-it's CommonMark parser. The page is made by
the same parser with the same extensions (tables, strikethrough, task lists, autolinks,
footnotes) and Material's admonitions, so the page, the checker and the review all read the
same document. What the rest of the site gets from Python-Markdown is reproduced: heading ids
by the ``toc`` extension's own slugify and de-duplication, its permalinks, its table of
contents tokens, and ``pymdownx.highlight``'s code markup.

Every piece of the author's HTML is sanitized (``sanitize``); HTML the site generates goes
in between the pieces untouched.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

# Python-Markdown's own functions, so that ids and names are the ones other pages get.
from markdown.extensions.toc import (  # type: ignore[import-untyped]
    nest_toc_tokens,
    slugify,
    strip_tags,
    unique,
)
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

from .highlight import code_block
from .sanitize import sanitize

__all__ = ["Heading", "RenderedBody", "add_sections", "render_body", "sanitize"]

PERMALINK_TITLE = "Permanent link"
_PILCROW = "\u00b6"
# nh3 writes the pilcrow as a character; the toc extension writes it as an entity.
_PERMALINK_END = f'title="{PERMALINK_TITLE}">{_PILCROW}</a>'
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref">.*?</sup>', re.DOTALL)


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading of the page. ``line`` is the 0-based line of the rendered text where it
    starts; ``source`` its text as written; ``name`` and ``html`` as the ``toc`` extension
    gives them (``name`` is HTML-escaped text). ``top_level`` is False inside a list, a
    quote, an admonition or a footnote."""

    level: int
    line: int
    id: str
    name: str
    html: str
    source: str
    top_level: bool


@dataclass(slots=True)
class RenderedBody:
    """A rendered body, its headings, and the ids its page has taken (so that sections
    added later get ids of their own)."""

    html: str
    headings: list[Heading] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    def toc_tokens(self) -> list[dict[str, Any]]:
        """The headings nested as Python-Markdown's ``toc_tokens``, which MkDocs turns into
        a page's table of contents (``mkdocs.structure.toc.get_toc``)."""
        flat = [
            {
                "level": h.level,
                "id": h.id,
                "name": h.name,
                "html": h.html,
                "data-toc-label": "",
            }
            for h in self.headings
        ]
        nested: list[dict[str, Any]] = nest_toc_tokens(flat)
        return nested


def _fence(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    language = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
    return code_block(token.content, htmllib.unescape(language))


def _code_block(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return code_block(tokens[idx].content)


def _heading_close(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    anchor = token.meta.get("anchor")
    link = ""
    if anchor:
        link = (
            f'<a class="headerlink" href="#{htmllib.escape(anchor)}" '
            f'title="{PERMALINK_TITLE}">{_PILCROW}</a>'
        )
    return f"{link}</{token.tag}>\n"


def _admonition(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """``!!!`` admonitions as Material's ``admonition`` extension writes them; ``???`` and
    ``???+`` as ``pymdownx.details`` does (closed and open)."""
    token = tokens[idx]
    # A title's closing token carries no markup: its opening token, two before, does.
    markup = tokens[idx - 2].markup if token.type == "admonition_title_close" else token.markup
    if not markup.startswith("?"):
        rendered: str = self.renderToken(tokens, idx, options, env)
        return rendered
    if token.type == "admonition_open":
        classes = " ".join(
            c
            for c in str(token.attrs.get("class", "")).split()
            if c not in ("admonition", "is-collapsible", "collapsible-open", "collapsible-closed")
        )
        opened = ' open="open"' if token.markup.endswith("+") else ""
        return f'<details class="{htmllib.escape(classes)}"{opened}>\n'
    return {
        "admonition_title_open": "<summary>",
        "admonition_title_close": "</summary>\n",
        "admonition_close": "</details>\n",
    }[token.type]


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.options["tasklists"] = True
    # GitHub's own autolink rules (www. and scheme links), not linkify's wider guesses:
    # a bare `example.com` stays text, as in the review.
    md.use(gfm_autolink_plugin).use(footnote_plugin, inline=False)
    md.use(admon_plugin, render=_admonition)
    # Every link and image is kept as the author wrote it, as GitHub does; the sanitizer,
    # not markdown-it's own list of bad schemes, decides which URLs stay.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.add_render_rule("fence", _fence)
    md.add_render_rule("code_block", _code_block)
    md.add_render_rule("heading_close", _heading_close)
    return md


def _name_of(inner: str) -> tuple[str, str]:
    """A heading's inner HTML (sanitized) and its text, as the toc extension makes them:
    footnote references left out; any tag left by a broken one escaped."""
    safe = sanitize(inner).strip()
    name: str = strip_tags(_FOOTNOTE_REF.sub("", safe))
    return safe, name.replace("<", "&lt;").replace(">", "&gt;")


def _label_headings(md: MarkdownIt, tokens: list[Token], env: EnvType) -> list[Heading]:
    """Give every heading its id (unique on the page, as the toc extension makes it) and
    return them in order."""
    headings: list[Heading] = []
    used: set[str] = env.setdefault("coe_heading_ids", set())
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        close = tokens[index + 2]
        renderer: Any = md.renderer
        inner: str = renderer.renderInline(inline.children or [], md.options, env)
        safe, name = _name_of(inner)
        anchor: str = unique(slugify(htmllib.unescape(name), "-"), used)
        token.attrSet("id", anchor)
        close.meta = {**close.meta, "anchor": anchor}
        line = token.map[0] if token.map else 0
        headings.append(
            Heading(
                level=int(token.tag[1]),
                line=line,
                id=anchor,
                name=name,
                html=safe,
                source=inline.content,
                top_level=token.level == 0,
            )
        )
    return headings


def render_body(
    text: str,
    *,
    insertions: Mapping[int, str] | None = None,
    trusted: Sequence[str] = (),
    taken_ids: Iterable[str] = (),
) -> RenderedBody:
    """Render an author's Markdown ``text`` to sanitized HTML with its headings.

    ``insertions`` maps a 0-based line of ``text`` to HTML the site generates, placed before
    the top-level block that starts on or after that line (at the end when none does).
    ``trusted`` are Markdown texts the site generates, rendered after the body (see
    ``add_sections``). ``taken_ids`` are ids the page already has elsewhere, which headings
    do not take (the toc extension, too, leaves out the ids a page has)."""
    rendered = _render_author(text, insertions or {}, taken_ids)
    return add_sections(rendered, trusted) if trusted else rendered


def _render_author(
    text: str, insertions: Mapping[int, str], taken_ids: Iterable[str]
) -> RenderedBody:
    md = _parser()
    env: EnvType = {"coe_heading_ids": set(taken_ids)}
    tokens = md.parse(text, env)
    headings = _label_headings(md, tokens, env)
    # Cut the body at its top-level blocks where generated HTML goes in; each piece is
    # balanced HTML, sanitized on its own.
    pending = sorted(insertions.items())
    pieces: list[str] = []
    start = 0
    for index, token in enumerate(tokens):
        if not pending:
            break
        if token.level != 0 or token.nesting == -1 or token.map is None:
            continue
        if token.map[0] >= pending[0][0]:
            pieces.append(sanitize(md.renderer.render(tokens[start:index], md.options, env)))
            start = index
            while pending and token.map[0] >= pending[0][0]:
                pieces.append(pending.pop(0)[1])
    pieces.append(sanitize(md.renderer.render(tokens[start:], md.options, env)))
    pieces.extend(html for _, html in pending)
    return RenderedBody(_joined(pieces), headings, env["coe_heading_ids"])


def add_sections(rendered: RenderedBody, trusted: Sequence[str]) -> RenderedBody:
    """``rendered`` followed by ``trusted``, Markdown texts the site generates, rendered
    without sanitizing and sharing the body's heading ids and table of contents."""
    md = _parser()
    headings, ids = list(rendered.headings), set(rendered.ids)
    pieces = [rendered.html]
    for extra in trusted:
        # Footnotes are the author's: a generated text starts without them.
        env: EnvType = {"coe_heading_ids": ids}
        extra_tokens = md.parse(extra, env)
        headings.extend(_label_headings(md, extra_tokens, env))
        pieces.append(md.renderer.render(extra_tokens, md.options, env))
    return RenderedBody(_joined(pieces), headings, ids)


def _joined(pieces: Iterable[str]) -> str:
    joined = "\n".join(piece for piece in pieces if piece)
    return joined.replace(_PERMALINK_END, f'title="{PERMALINK_TITLE}">&para;</a>')
