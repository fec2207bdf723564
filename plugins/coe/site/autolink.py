"""Turning COE ids written in a page's text into links to their pages."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

_ID = re.compile(r"(?<![\w/-])COE-[0-9]{4}-[0-9]{3,}(?![\w-])")
# Text inside these elements is left alone: links, code, and the page's own headings
# (a heading's text is its anchor and its table-of-contents entry). Comments are matched
# too, so that a tag written inside one is not taken for an element.
_SKIP_TAG = re.compile(
    r"<!--.*?-->"
    r"|<(/?)(a|code|pre|script|style|h[1-6]|title|textarea|svg|button|label)(?![a-zA-Z0-9])"
    r"[^>]*>",
    re.DOTALL | re.IGNORECASE,
)


def link_ids(content: str, url_for: Callable[[str], str | None]) -> str:
    """Link every known COE id in the text of ``content`` (HTML). ``url_for`` gives the
    href for an id as seen from this page, or ``None`` for ids not to link (unknown ones,
    the page's own)."""
    found = list(_ID.finditer(content))
    hrefs = {coe_id: url_for(coe_id) for coe_id in {match[0] for match in found}}
    if not any(hrefs.values()):
        return content
    # Only the elements to skip and the comments are walked, not every tag: most pages
    # have hundreds of tags and a handful of ids.
    skips = list(_SKIP_TAG.finditer(content))
    out: list[str] = []
    position = depth = step = comment_end = 0
    for match in found:
        start = match.start()
        while step < len(skips) and skips[step].start() < start:
            tag = skips[step]
            step += 1
            if tag[2] is None:
                comment_end = tag.end()
            elif not tag[0].endswith("/>"):  # a self-closed element opens nothing
                depth = max(depth + (-1 if tag[1] else 1), 0)
        href = hrefs[match[0]]
        if (
            href is None
            or depth > 0
            or comment_end > start
            # Inside a tag's attributes: the nearest "<" before is nearer than any ">".
            or content.rfind("<", 0, start) > content.rfind(">", 0, start)
        ):
            continue
        out.append(content[position:start])
        out.append(f'<a class="coe-autolink" href="{html.escape(href)}">{match[0]}</a>')
        position = match.end()
    out.append(content[position:])
    return "".join(out)


_LINKED = re.compile(r'<a class="coe-autolink" href="#">(COE-[0-9]{4}-[0-9]+)</a>')


def linked_ids(markdown: str, candidates: frozenset[str]) -> set[str]:
    """The ids among ``candidates`` that a COE page links when its body is ``markdown``:
    rendered as the site renders bodies, then linked as the site links ids."""
    from .render import render_body  # the renderer's parsers load only when needed

    html = render_body(markdown).html
    linked = link_ids(html, lambda coe_id: "#" if coe_id in candidates else None)
    return set(_LINKED.findall(linked)) & candidates
