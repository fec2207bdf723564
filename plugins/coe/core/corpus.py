"""Finding the COE files, and the corpus they make once loaded (see `pipeline.py`)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .document import CoeDocument


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
