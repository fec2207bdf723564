"""`coe validate`: check COEs against the schema and the rules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..core.config import load_config
from ..core.pipeline import validate
from ..core.timeutil import resolve_today
from ..reporters import REPORTERS

EXIT_OK, EXIT_FINDINGS = 0, 1


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "validate",
        help="check COEs and report findings",
        description=(
            "Check every COE against the JSON Schema and the rules, and print one line a "
            "finding. Exit status: 0 when there is no error, 1 when there is at least one "
            "(or a warning with --strict), 2 for a usage or configuration error."
        ),
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="COE files or folders to report on (default: the configured COE folder); "
        "the whole folder is still read, for duplicate ids and relations",
    )
    parser.add_argument(
        "--format",
        choices=sorted(REPORTERS),
        default="text",
        help="output format (default: text)",
    )
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        help="the date that overdue checks use (default: $COE_TODAY, else today)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config_file)
    today = resolve_today(args.today)
    missing = [p for p in args.paths if not (p.exists() or p.is_symlink())]
    if missing:
        print(f"coe: no such file or folder: {missing[0]}", file=sys.stderr)
        return 2
    result = validate(config, today, args.paths or None)
    REPORTERS[args.format](result, sys.stdout)
    failed = result.errors > 0 or (args.strict and result.warnings > 0)
    return EXIT_FINDINGS if failed else EXIT_OK
