"""Turning COE ids written in a page's text into links to their pages."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

_ID = re.compile(r"(?<![\w/-])COE-[0-9]{4}-[0-9]{3,}(?![\w-])")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>|<!--.*?-->", re.DOTALL)
# Text inside these elements is left alone: links, code, and the page's own headings
# (a heading's text is its anchor and its table-of-contents entry).
_SKIP = frozenset(
    {
        "a",
        "code",
        "pre",
        "script",
        "style",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "title",
        "textarea",
        "svg",
        "button",
        "label",
    }
)


def link_ids(content: str, url_for: Callable[[str], str | None]) -> str:
    """Link every known COE id in the text of ``content`` (HTML). ``url_for`` gives the
    href for an id as seen from this page, or ``None`` for ids not to link (unknown ones,
    the page's own)."""
    if _ID.search(content) is None:
        return content
    out: list[str] = []
    depth = 0
    position = 0

    def link(match: re.Match[str]) -> str:
        href = url_for(match.group(0))
        if href is None:
            return match.group(0)
        return f'<a class="coe-autolink" href="{html.escape(href)}">{match.group(0)}</a>'

    for tag in _TAG.finditer(content):
        text = content[position : tag.start()]
        out.append(_ID.sub(link, text) if depth == 0 else text)
        out.append(tag.group(0))
        position = tag.end()
        name = (tag.group(2) or "").lower()
        if name in _SKIP and not tag.group(0).endswith("/>"):
            depth += -1 if tag.group(1) else 1
            depth = max(depth, 0)
    tail = content[position:]
    out.append(_ID.sub(link, tail) if depth == 0 else tail)
    return "".join(out)
