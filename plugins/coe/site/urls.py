"""Site-relative URLs and links between pages."""

from __future__ import annotations

import posixpath
import re

_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """A URL-safe name for a service or team (never empty)."""
    return _SLUG.sub("-", text.casefold()).strip("-") or "unnamed"


def relative_url(target: str, page_url: str) -> str:
    """``target`` (site-relative, e.g. ``coes/x/`` or ``api/coes.json``) as seen from the
    page at ``page_url`` (``''`` for the home page)."""
    base = posixpath.dirname(page_url) if not page_url.endswith("/") else page_url.rstrip("/")
    path, _, fragment = target.partition("#")
    relative = posixpath.relpath(path or ".", base or ".")
    if path.endswith("/") and not relative.endswith("/"):
        relative += "/"
    if relative == "./":
        relative = "./"
    return relative + (f"#{fragment}" if fragment else "")
