"""coe.site.urls: relative links between site pages, as posixpath computes them."""

from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from coe.site.urls import _relpath, relative_url

SEGMENTS = st.sampled_from(["coes", "2026", "x", "services", "api", "coes.json", ".", "", ".."])
PATHS = st.lists(SEGMENTS, max_size=5).map(lambda parts: "/".join(parts).lstrip("/") or ".")


@given(PATHS, PATHS)
def test_site_paths_are_related_as_posixpath_relates_them(path: str, start: str) -> None:
    assert _relpath(path, start) == posixpath.relpath(path, start)


def test_links_between_pages_keep_folders_and_fragments() -> None:
    assert relative_url("coes/2026/b/", "coes/2026/a/") == "../b/"
    assert relative_url("api/coes.json", "") == "api/coes.json"
    assert relative_url("services/", "services/") == "./"
    assert relative_url("actions/#a-1", "coes/x/") == "../../actions/#a-1"
    assert relative_url("coes/x.html", "services/web.html") == "../coes/x.html"
