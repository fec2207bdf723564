"""`coe renumber OLD NEW`: give a COE another id everywhere it is named."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ..core.config import load_config
from ..core.errors import ConfigError
from ..core.ids import GitUnavailable, IdScan, scan_git
from ..core.renumber import RenumberError, apply, diff, plan
from ..site.autolink import linked_ids


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "renumber",
        help="give a COE another id, in every file that names it",
        description=(
            "Change the id of the COE whose id is OLD to NEW: the `id` field, the file's "
            "name (and its year folder when the year changes), every `related` entry of "
            "another COE that names OLD, and every mention of OLD in a COE's text that the "
            "site turns into a link. Mentions the site does not link (in code, links, "
            "headings, HTML comments and attributes) and other fields are left as they "
            "are and listed. Nothing else in any file changes, byte for byte. All files "
            "are written or none. Refused (exit 2) when NEW is malformed or used in the "
            "working tree or on any branch git knows, or when no COE has the id OLD. When "
            "two COEs share OLD (two pull requests merged with the same id), name the one "
            "to renumber with --file: only that file changes."
        ),
    )
    parser.add_argument("old_id", metavar="OLD", help="the id to replace, such as COE-2026-007")
    parser.add_argument("new_id", metavar="NEW", help="the new id, such as COE-2026-008")
    parser.add_argument(
        "--file",
        type=Path,
        metavar="PATH",
        help="the COE to renumber when several have the id OLD",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the changes as a unified diff (renames included) and write nothing",
    )
    parser.set_defaults(run=run)


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path).replace(os.sep, "/") if path.is_absolute() else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config_file)
    old_id, new_id = args.old_id.strip(), args.new_id.strip()
    branches = IdScan()
    try:
        scan_git(config.coes_dir, config.base_dir, branches)
    except GitUnavailable as exc:
        print(
            f"coe renumber: {exc}: {new_id} is checked against the working tree alone; "
            "ids on other branches are not seen",
            file=sys.stderr,
        )
    try:
        result = plan(
            config.coes_dir,
            old_id,
            new_id,
            only=args.file,
            taken_elsewhere=branches.places,
            site_links=linked_ids,
            shown=_shown,
        )
    except RenumberError as exc:
        raise ConfigError(f"renumber: {exc}") from exc
    for line in result.left_alone:
        print(f"coe renumber: {line}", file=sys.stderr)
    if result.note:
        print(f"coe renumber: {result.note}", file=sys.stderr)
    if args.dry_run:
        sys.stdout.write(diff(result, _shown))
        return 0
    try:
        apply(result)
    except OSError as exc:
        print(f"coe renumber: nothing was changed: {exc}", file=sys.stderr)
        return 1
    for change in result.changes:
        moved = f" -> {_shown(change.new_path)}" if change.new_path != change.path else ""
        print(f"{_shown(change.path)}{moved}: {change.replaced} replaced")
    return 0
