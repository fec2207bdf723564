"""Finding and loading every COE: one pass over the files, each parsed once."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .document import CoeDocument, load_document
from .source import display_path


def discover(paths: Iterable[Path]) -> list[Path]:
    """Markdown files under folders (hidden folders skipped, links to folders not followed)
    and files named directly, without repeats, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            for folder, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(
                    Path(folder) / name
                    for name in sorted(files)
                    if name.endswith(".md") and not name.startswith(".")
                )
        else:
            found.append(path)
    # `..` is folded without resolving links, so a link is still seen (and refused) as one.
    unique = dict.fromkeys(Path(os.path.normpath(p.absolute())) for p in found)
    return sorted(unique, key=lambda p: p.as_posix())


@dataclass
class Corpus:
    config: Config
    documents: list[CoeDocument] = field(default_factory=list)

    def by_id(self) -> dict[str, CoeDocument]:
        """The first readable COE with each id."""
        index: dict[str, CoeDocument] = {}
        for doc in self.documents:
            if doc.id is not None:
                index.setdefault(doc.id, doc)
        return index


def load_corpus(
    config: Config, paths: Iterable[Path] | None = None, cwd: Path | None = None
) -> Corpus:
    """Load the COEs at ``paths`` (default: the configured folder)."""
    base = cwd or Path.cwd()
    folders = list(paths) if paths else [config.coes_dir]
    files = discover(p for p in folders if p.exists() or p.is_symlink())
    documents = [
        load_document(path, display_path(path, base), config.base_dir, config.max_file_bytes)
        for path in files
    ]
    return Corpus(config, documents)
