"""`coe similar`: COEs like the one being written, as Markdown for a pull-request comment."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..core.checker import make_context
from ..core.config import load_config
from ..core.document import load_document
from ..core.index import build_index
from ..core.pipeline import load_and_check
from ..core.similar import TOP_K, markdown_escape, similar_to, text_of_document
from ..core.source import display_path
from ..core.timeutil import resolve_today

EXIT_OK, EXIT_USAGE = 0, 2


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "similar",
        help="list COEs similar to one COE, as Markdown",
        description=(
            "Compare one COE file (in the COE folder or not yet) with every COE in the "
            "configured folder and print the most similar ones as a Markdown list, ready "
            "for a pull-request comment. COEs it already names as related, and those that "
            "name it, are left out."
        ),
    )
    parser.add_argument("path", type=Path, metavar="PATH", help="the COE file to compare")
    parser.add_argument(
        "--top",
        type=int,
        default=TOP_K,
        metavar="N",
        help=f"how many suggestions at most (default: {TOP_K})",
    )
    parser.add_argument(
        "--site-url",
        metavar="URL",
        help="link each suggestion to its page under this site URL",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config_file)
    path: Path = args.path
    if not path.is_file():
        print(f"coe: no such file: {path}", file=sys.stderr)
        return EXIT_USAGE
    if args.top < 1:
        print("coe: --top must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    # Loaded and checked as the site loads them, prose kept: the texts are compared.
    context = make_context(config, resolve_today())
    corpus = load_and_check(context, keep_prose=True).corpus
    index = build_index(corpus, context.today)
    target = path.absolute()
    found = next((d for d in corpus.documents if d.path == target), None)
    doc = found or load_document(
        target, display_path(target, Path.cwd()), config.base_dir, config.max_file_bytes
    )
    if doc.data is None and doc.body is None:
        print(f"coe: {path}: cannot be read as a COE", file=sys.stderr)
        return EXIT_USAGE
    suggestions = similar_to(text_of_document(doc), index.entries, k=args.top)
    print("### Possibly related COEs\n")
    if not suggestions:
        print("No similar COEs found.")
        return EXIT_OK
    site = (args.site_url or "").rstrip("/")
    for suggestion in suggestions:
        entry = index.by_id[suggestion.coe]
        name = f"**{suggestion.coe}**"
        if site:
            name = f"[**{suggestion.coe}**]({site}/{entry.url})"
        title = markdown_escape(str(entry.data["title"]))
        print(f"- {name}: {title} ({markdown_escape(suggestion.reason)})")
    return EXIT_OK
