"""What each page of the site was made from, so that a preview rebuild re-renders only the
pages whose inputs changed since the previous build.

A page's *version* is a digest of everything its content is made from. A COE page is made
from its own file, the COEs it relates to or that relate to it, the COEs its text mentions
(they become links), its series and its silenced findings; a listing from the COEs it lists.
Two builds that give a page the same version give it the same content, except for the
similar-incident suggestions, which are left out on purpose: they are computed over the
whole corpus, so one edit would otherwise touch every page (they catch up at the next full
build, and the page says so while previewing).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..core.findings import Finding
from ..core.index import CoeEntry, Index

# The ids the site links in a page's text (see ``autolink``).
_ID = re.compile(r"(?<![\w/-])COE-[0-9]{4}-[0-9]{3,}(?![\w-])")

FileKey = tuple[int, int, int]


def digest(*parts: Any) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8", "replace"), digest_size=16).hexdigest()


def file_key(path: Path) -> FileKey | None:
    """A file's version as the file system tells it: changes whenever its bytes do."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino)


class Mentions:
    """The COE ids each COE file mentions anywhere (front-matter or body), read again only
    when the file changed."""

    def __init__(self) -> None:
        self._known: dict[Path, tuple[FileKey | None, frozenset[str]]] = {}

    def of(self, path: Path) -> frozenset[str]:
        key = file_key(path)
        known = self._known.get(path)
        if known is not None and known[0] == key and key is not None:
            return known[1]
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        found = frozenset(_ID.findall(text))
        self._known[path] = (key, found)
        return found

    def forget_all_but(self, paths: Iterable[Path]) -> None:
        keep = set(paths)
        for path in [p for p in self._known if p not in keep]:
            del self._known[path]


def entry_version(entry: CoeEntry) -> str:
    """What a listing shows of a COE: its front-matter and where its page is."""
    return digest(entry.data, entry.url)


def coe_page_version(
    entry: CoeEntry,
    index: Index,
    versions: dict[str, str],
    mentions: frozenset[str],
    series: tuple[str, int] | None,
    silenced: list[Finding],
) -> str:
    """The version of a COE's page: its file, the COEs it links (relations both ways and
    mentions, by their version: a retitled COE changes the pages that name it), its
    series and its silenced findings."""
    linked = sorted({link.coe for link in (*entry.relations, *entry.backlinks)} | mentions)
    return digest(
        file_key(entry.doc.path),
        versions[entry.id],
        entry.relations,
        entry.backlinks,
        [(coe_id, versions.get(coe_id)) for coe_id in linked if coe_id != entry.id],
        series,
        silenced,
        index.today,
    )


def listing_version(entries: Iterable[CoeEntry], versions: dict[str, str], *extra: Any) -> str:
    """The version of a page that lists COEs: the versions of those it lists."""
    return digest([versions[entry.id] for entry in entries], extra)


def error_page_version(path: Path, findings: list[Finding]) -> str:
    return digest(file_key(path), findings)
