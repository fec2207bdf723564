"""`coe similar`: COEs like the ones being written, as Markdown for a pull-request comment
or as JSON for tools."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..core.checker import make_context
from ..core.config import load_config
from ..core.document import CoeDocument, load_document
from ..core.export import to_json
from ..core.index import Index, build_index
from ..core.pipeline import load_and_check
from ..core.similar import TOP_K, Suggestion, markdown_escape, similar_to_many, text_of_document
from ..core.source import display_path
from ..core.timeutil import resolve_today

EXIT_OK, EXIT_USAGE = 0, 2
HEADING = "### Possibly related COEs"


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "similar",
        help="list COEs similar to one or more COEs, as Markdown or JSON",
        description=(
            "Compare COE files (in the COE folder or not yet) with every COE in the "
            "configured folder and print the most similar ones, with the reason and a "
            "strength (strong, moderate, weak), as a Markdown list ready for a "
            "pull-request comment, or as JSON. COEs a file already names as related, and "
            "those that name it, are left out."
        ),
    )
    parser.add_argument("paths", type=Path, nargs="+", metavar="PATH", help="COE files to compare")
    parser.add_argument(
        "--top",
        type=int,
        default=TOP_K,
        metavar="N",
        help=f"how many suggestions at most for each file (default: {TOP_K})",
    )
    parser.add_argument(
        "--site-url",
        metavar="URL",
        help="link each suggestion to its page under this site URL",
    )
    parser.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help="output format (default: markdown)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config_file)
    paths: list[Path] = args.paths
    missing = [path for path in paths if not path.is_file()]
    if missing:
        for path in missing:
            print(f"coe: no such file: {path}", file=sys.stderr)
        return EXIT_USAGE
    if args.top < 1:
        print("coe: --top must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    # Loaded and checked as the site loads them, prose kept: the texts are compared.
    context = make_context(config, resolve_today())
    corpus = load_and_check(context, keep_prose=True).corpus
    index = build_index(corpus, context.today)
    by_path = {doc.path: doc for doc in corpus.documents}
    docs: list[CoeDocument] = []
    for path in paths:
        target = path.absolute()
        doc = by_path.get(target) or load_document(
            target, display_path(target, Path.cwd()), config.base_dir, config.max_file_bytes
        )
        if doc.data is None and doc.body is None:
            print(f"coe: {path}: cannot be read as a COE", file=sys.stderr)
            return EXIT_USAGE
        docs.append(doc)
    found = similar_to_many([text_of_document(doc) for doc in docs], index.entries, k=args.top)
    site = (args.site_url or "").rstrip("/")
    if args.format == "json":
        sys.stdout.write(to_json(json_document(paths, docs, found, index, site)))
    else:
        print(markdown(paths, docs, found, index, site), end="")
    return EXIT_OK


def _coe_id(doc: CoeDocument) -> str | None:
    value = (doc.data or {}).get("id")
    return value if isinstance(value, str) else None


def _url(index: Index, coe: str, site: str) -> str:
    url = index.by_id[coe].url
    return f"{site}/{url}" if site else url


def json_document(
    paths: list[Path],
    docs: list[CoeDocument],
    found: list[list[Suggestion]],
    index: Index,
    site: str,
) -> dict[str, Any]:
    """``{"files": [{"path", "coe", "suggestions": [...]}]}``, one entry a file in the order
    given; see docs/reference/similar-incidents.md for the fields of a suggestion."""
    return {
        "files": [
            {
                "path": str(path),
                "coe": _coe_id(doc),
                "suggestions": [
                    {
                        **suggestion.as_json(),
                        "title": str(index.by_id[suggestion.coe].data["title"]),
                        "url": _url(index, suggestion.coe, site),
                    }
                    for suggestion in suggestions
                ],
            }
            for path, doc, suggestions in zip(paths, docs, found, strict=True)
        ]
    }


def markdown(
    paths: list[Path],
    docs: list[CoeDocument],
    found: list[list[Suggestion]],
    index: Index,
    site: str,
) -> str:
    """The pull-request comment: one list, or one list a file under its own heading when
    several files are compared."""
    out = [HEADING, ""]
    for path, doc, suggestions in zip(paths, docs, found, strict=True):
        if len(paths) > 1:
            name = _coe_id(doc)
            label = f"{name} ({path})" if name else str(path)
            out += [f"#### {markdown_escape(label)}", ""]
        if not suggestions:
            out += ["No similar COEs found.", ""]
            continue
        for suggestion in suggestions:
            name = f"**{suggestion.coe}**"
            if site:
                name = f"[{name}]({_url(index, suggestion.coe, site)})"
            title = markdown_escape(str(index.by_id[suggestion.coe].data["title"]))
            why = markdown_escape(suggestion.reason)
            out.append(f"- {name}: {title} ({suggestion.strength}, {suggestion.score:.2f}: {why})")
        out.append("")
    return "\n".join(out)
