"""Rebuilds of `mkdocs serve --dirty` that re-render only the pages whose inputs changed.

MkDocs skips, in a dirty build, every file whose ``is_modified()`` is false: the plugin's
pages answer from their versions (see ``coe.site.versions``). What MkDocs does not handle
is done here: anything but COEs changed (a docs page, the theme, ``mkdocs.yml``, the
schema, the day, or which COEs exist and where) empties the site folder, so that every page
is built again; the pages of deleted COEs are removed; and the search index keeps the
entries of the pages that were not rebuilt.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.utils import clean_directory

from ..core.similar import CountMemo
from ..site.build import SiteBuild
from ..site.versions import Mentions, digest, file_key

DIRTY_WARNING = "A 'dirty' build is being performed"


class PluginFile(File):
    """A page or file of the plugin's: modified when the plugin says it is stale."""

    stale = True

    def is_modified(self) -> bool:
        return self.stale


class QuietDirtyWarning(logging.Filter):
    """MkDocs warns on every dirty build that pages may be out of date; here they are not."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(DIRTY_WARNING)


class Preview:
    """What the previous build of this `mkdocs serve --dirty` process made."""

    def __init__(self) -> None:
        self.mentions = Mentions()
        # The similar incidents' term counts of the COEs that did not change.
        self.counts = CountMemo()
        self.inputs: str | None = None
        self.versions: dict[str, str] = {}
        self.outputs: set[str] = set()
        self.search_entries: list[dict[str, Any]] | None = None
        self.built_urls: set[str] = set()
        self.page_urls: set[str] = set()

    def stale_pages(self, build: SiteBuild, files: Files, config: MkDocsConfig) -> set[str]:
        """The plugin's pages to render in this build; everything when anything but the
        COEs changed (the site folder is then emptied, so MkDocs rebuilds its pages too)."""
        inputs = _inputs(build, files, config)
        if inputs != self.inputs:
            clean_directory(config.site_dir)
            self.search_entries = None
            stale = set(build.versions)
        else:
            stale = {src for src, ver in build.versions.items() if self.versions.get(src) != ver}
        self.inputs, self.versions = inputs, build.versions
        self.built_urls = set()
        return stale

    def remove_gone(self, outputs: set[str]) -> None:
        """Delete what the previous build wrote for pages and files that are gone."""
        for path in self.outputs - outputs:
            with contextlib.suppress(OSError):
                os.remove(path)
        self.outputs = outputs

    def merge_search_index(self, config: MkDocsConfig) -> None:
        """Before the search plugin writes its index: add the previous entries of every
        page that still exists and was not rebuilt."""
        plugin, entries = _search_entries(config)
        if plugin is None or entries is None:
            return
        if self.search_entries is not None:
            kept = [
                entry
                for entry in self.search_entries
                if (page := str(entry.get("location", "")).split("#", 1)[0]) in self.page_urls
                and page not in self.built_urls
            ]
            entries[:0] = kept
        # Material keeps its own previous index for dirty builds, and would add it again.
        if hasattr(plugin, "search_index_prev"):
            plugin.search_index_prev = None
        self.search_entries = list(entries)


def _search_entries(config: MkDocsConfig) -> tuple[Any, list[dict[str, Any]] | None]:
    """The search plugin and the list of entries its index is about to write."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if index is None:
            continue
        # Material's index calls them `entries`, MkDocs' own `_entries`.
        entries = getattr(index, "entries", getattr(index, "_entries", None))
        if isinstance(entries, list):
            return plugin, entries
    return None, None


def _inputs(build: SiteBuild, files: Files, config: MkDocsConfig) -> str:
    """A digest of everything but the COEs' content that pages are made from."""
    others = sorted(
        (file.src_uri, file_key(Path(file.abs_src_path)))
        for file in files
        if file.abs_src_path and not isinstance(file, PluginFile)
    )
    where = sorted((entry.id, entry.url) for entry in build.index.entries)
    config_file = Path(config.config_file_path) if config.config_file_path else None
    return digest(
        others,
        where,
        build.today,
        build.core,
        file_key(config_file) if config_file else None,
        file_key(build.core.schema_path),
    )
