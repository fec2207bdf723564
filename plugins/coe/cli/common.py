"""What the reporting commands (`actions`, `show`, `stats`) share: loading the COEs with
the same checks as `coe validate`, and building the same index as the site."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.config import Config, find_mkdocs_yml, load_config, use_directory_urls
from ..core.corpus import Corpus
from ..core.format import optional_duration, plural
from ..core.index import Index, build_index
from ..core.pipeline import validate
from ..core.timeutil import resolve_today


@dataclass
class Loaded:
    config: Config
    corpus: Corpus
    index: Index
    skipped: list[str]


def add_today(parser: Any) -> None:
    parser.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        help="the date that decides what is overdue (default: $COE_TODAY, else today)",
    )


def load(args: argparse.Namespace) -> Loaded:
    """Every COE, checked as `coe validate` checks it, and the index of those whose
    front-matter passed the schema. The others are named in one warning on stderr."""
    config = load_config(args.config_file)
    today = resolve_today(args.today)
    mkdocs_yml = args.config_file or find_mkdocs_yml(Path.cwd())
    result = validate(config, today)
    index = build_index(result.corpus, today, use_directory_urls(mkdocs_yml))
    skipped = [
        doc.display
        for doc in result.corpus.documents
        if not (doc.schema_valid and doc.data is not None)
    ]
    if skipped:
        print(
            f"coe: warning: skipped {plural(len(skipped), 'COE')} "
            f"whose front-matter does not pass the schema (see `coe validate`): "
            f"{', '.join(skipped)}",
            file=sys.stderr,
        )
    return Loaded(config, result.corpus, index, skipped)


def duration(minutes: int | None) -> str:
    """``95`` as ``1 h 35 min``, ``1500`` as ``1 d 1 h``; ``-`` for none (the terminal's
    output stays ASCII)."""
    return optional_duration(minutes, "-")


def table(rows: list[list[str]], gap: str = "  ") -> list[str]:
    """Rows as lines with every column left-aligned (trailing spaces removed)."""
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [gap.join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
