"""Entry point of the `coe` command: argument parsing and dispatch to one module a command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..core.errors import ConfigError
from . import actions, new, renumber, show, similar, stats, validate

EXIT_USAGE = 2
COMMANDS = (validate, new, renumber, actions, show, stats, similar)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coe",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "`coe validate` prints findings as text (default), json, github (workflow\n"
            "annotations) or sarif, and exits 0 when there is no error, 1 when there is at\n"
            "least one (or a warning with --strict), 2 for a usage or configuration error.\n"
            "Run `coe COMMAND --help` for a command's options."
        ),
        description=(
            "Check, list and publish Correction-of-Error documents (COEs): Markdown files "
            "with YAML front-matter. Settings come from the `coe` plugin's options in the "
            "nearest mkdocs.yml."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--config-file",
        "-f",
        type=Path,
        metavar="FILE",
        help="the mkdocs.yml to read settings from (default: the nearest one upwards)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except ConfigError as exc:
        print(f"coe: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
