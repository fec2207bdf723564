"""Site-relative URLs and links between pages."""

from __future__ import annotations

import posixpath
import re

from ..core.index import src_to_url as src_to_url  # the page-URL rule, for the site's pages

_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """A URL-safe name for a service or team (never empty)."""
    return _SLUG.sub("-", text.casefold()).strip("-") or "unnamed"


def relative_url(target: str, page_url: str) -> str:
    """``target`` (site-relative, e.g. ``coes/x/`` or ``api/coes.json``) as seen from the
    page at ``page_url`` (``''`` for the home page)."""
    base = posixpath.dirname(page_url) if not page_url.endswith("/") else page_url.rstrip("/")
    path, _, fragment = target.partition("#")
    relative = _relpath(path or ".", base or ".")
    if path.endswith("/") and not relative.endswith("/"):
        relative += "/"
    if relative == "./":
        relative = "./"
    return relative + (f"#{fragment}" if fragment else "")


def _relpath(path: str, start: str) -> str:
    """``posixpath.relpath`` for site paths, without its two absolute-path lookups (a page
    of the site links to hundreds of others)."""
    if ".." in path or ".." in start:
        return posixpath.relpath(path, start)
    to = [part for part in path.split("/") if part and part != "."]
    base = [part for part in start.split("/") if part and part != "."]
    common = 0
    while common < min(len(to), len(base)) and to[common] == base[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + to[common:]) or "."
