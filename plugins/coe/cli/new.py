"""`coe new`: start a COE with the next free id and a skeleton of every required part.

The next id is the next free one across the working tree and every branch git knows
(see :mod:`coe.core.ids`), so two authors with open pull requests do not take the same
id as long as each has fetched the other's branch."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar

from ..core.config import SEVERITIES, load_config
from ..core.errors import ConfigError
from ..core.ids import format_id, parse_id
from ..core.ids import scan as scan_ids
from ..core.scaffold import (
    IdTaken,
    NewCoe,
    check_line,
    check_severity,
    check_title,
    create,
    parse_started,
)
from ..core.timeutil import resolve_today

T = TypeVar("T")


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "new",
        help="create a COE with the next free id",
        description=(
            "Create <coes_dir>/<year>/<ID>-<slug>.md with the next free id of the year and "
            "every required field and section. The next free id is one past the highest "
            "id of the year found in the working tree, the git index, and every local and "
            "remote-tracking branch (run `git fetch` first to see other authors' open pull "
            "requests); outside a git repository only the working tree is read, and a note "
            "on standard error says so. --id chooses the id instead, and is refused when "
            "that id is used anywhere. Values not given as options are asked for "
            "when standard input is a terminal; anything left out is written as a "
            "'TODO: ...' marker, which `coe validate` reports until it is filled in. "
            "Prints the path of the new file. Never overwrites a file."
        ),
    )
    parser.add_argument("--title", help="one line, at most 140 characters")
    parser.add_argument(
        "--severity", metavar="SEV", help=f"one of {', '.join(SEVERITIES)} (SEV1 is the worst)"
    )
    parser.add_argument("--team", help="the team that owns the COE")
    parser.add_argument(
        "--service",
        action="append",
        default=[],
        metavar="NAME",
        help="a service involved in the incident (repeat for several)",
    )
    parser.add_argument(
        "--author", action="append", default=[], metavar="NAME", help="an author (repeatable)"
    )
    parser.add_argument(
        "--started",
        metavar="TIME",
        help="when the incident started: an RFC 3339 date-time with a zone, "
        "such as 2026-03-02T14:05:00Z",
    )
    parser.add_argument(
        "--year",
        type=int,
        help="the year of the id and of the folder (default: the year of today's date)",
    )
    parser.add_argument(
        "--id",
        dest="coe_id",
        metavar="COE-YYYY-NNN",
        help="use this id instead of the next free one (refused if the working tree, the "
        "index or any branch already uses it); its year is the folder's year",
    )
    parser.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        help="the COE's date (default: $COE_TODAY, else today)",
    )
    parser.add_argument(
        "--no-input",
        action="store_true",
        help="never ask, even at a terminal: write markers for whatever is missing",
    )
    parser.set_defaults(run=run)


def _option(value: str | None, option: str, check: Callable[[str], T]) -> T | None:
    if value is None:
        return None
    try:
        return check(value)
    except ValueError as exc:
        raise ConfigError(f"new: {option}: {exc}") from exc


def _names_option(values: list[str], option: str, what: str) -> list[str]:
    """Repeated options, checked, without repeats."""
    names: dict[str, None] = {}
    for value in values:
        try:
            names[check_line(value, what)] = None
        except ValueError as exc:
            raise ConfigError(f"new: {option}: {exc}") from exc
    return list(names)


def _git_user(folder: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "config", "user.name"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    name = done.stdout.strip()
    return name if done.returncode == 0 and name else None


class Prompter:
    """Asks on standard error and reads answers from standard input, one line each. An
    empty answer keeps the default (or leaves a marker); end of input stops asking."""

    def __init__(self, stdin: TextIO, out: TextIO) -> None:
        self.stdin, self.out, self.closed = stdin, out, False

    def ask(self, question: str, check: Callable[[str], T], default: str | None = None) -> T | None:
        hint = f" [{default}]" if default else ""
        while not self.closed:
            self.out.write(f"{question}{hint}: ")
            self.out.flush()
            line = self.stdin.readline()
            if not line:
                self.closed = True
                self.out.write("\n")
                break
            answer = line.strip() or (default or "")
            if not answer:
                return None
            try:
                return check(answer)
            except ValueError as exc:
                self.out.write(f"  {exc}\n")
        return None


def _names(what: str) -> Callable[[str], list[str]]:
    def check(text: str) -> list[str]:
        names = [check_line(part, what) for part in text.split(",") if part.strip()]
        if not names:
            raise ValueError(f"the {what} is empty")
        return list(dict.fromkeys(names))

    return check


def _ask_missing(coe: NewCoe, folder: Path) -> None:
    prompter = Prompter(sys.stdin, sys.stderr)
    sys.stderr.write(
        "A new COE. Press Enter to skip a question: what you skip is written as a "
        "'TODO:' marker to fill in later.\n"
    )
    if coe.title is None:
        coe.title = prompter.ask("Title (what customers experienced, one line)", check_title)
    if coe.severity is None:
        coe.severity = prompter.ask(
            f"Severity ({SEVERITIES[0]} worst .. {SEVERITIES[-1]})", check_severity
        )
    if coe.team is None:
        coe.team = prompter.ask("Owning team", lambda t: check_line(t, "team"))
    if not coe.services:
        coe.services = prompter.ask("Services (comma-separated)", _names("service name")) or []
    if coe.started is None:
        coe.started = prompter.ask("Started at (e.g. 2026-03-02T14:05:00Z)", parse_started)
    if not coe.authors:
        default = _git_user(folder)
        coe.authors = prompter.ask("Authors (comma-separated)", _names("author"), default) or []


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config_file)
    today = resolve_today(args.today)
    coe = NewCoe(
        date=today,
        title=_option(args.title, "--title", check_title),
        severity=_option(args.severity, "--severity", check_severity),
        team=_option(args.team, "--team", lambda t: check_line(t, "team")),
        services=_names_option(args.service, "--service", "service"),
        authors=_names_option(args.author, "--author", "author"),
        started=_option(args.started, "--started", parse_started),
    )
    year = args.year if args.year is not None else today.year
    if not 1000 <= year <= 9999:
        raise ConfigError(f"new: --year: {year} is not a four-digit year")
    chosen = _chosen_id(args.coe_id, args.year)
    if chosen is not None:
        year = chosen[0]
    taken = scan_ids(config.coes_dir, config.base_dir)
    if taken.git_note is not None:
        print(
            f"coe new: {taken.git_note}: the id is the next free one in "
            f"{_shown(config.coes_dir)} alone; ids on other branches are not seen",
            file=sys.stderr,
        )
    if chosen is not None and chosen in taken.places:
        raise ConfigError(
            f"new: --id: {format_id(*chosen)} is already used by {taken.places[chosen]}; "
            f"the next free id is {format_id(year, taken.next_number(year))}"
        )
    if not args.no_input and sys.stdin is not None and sys.stdin.isatty():
        _ask_missing(coe, config.base_dir)
    try:
        _, path = create(
            config.coes_dir,
            year,
            coe,
            config.timeline_gap_minutes,
            also_taken=taken.numbers(year),
            number=chosen[1] if chosen else None,
        )
    except IdTaken as exc:  # created meanwhile by another run
        raise ConfigError(f"new: --id: {exc}") from exc
    except OSError as exc:
        print(f"coe: cannot create a COE in {config.coes_dir}: {exc}", file=sys.stderr)
        return 1
    print(_shown(path))
    return 0


def _chosen_id(text: str | None, year: int | None) -> tuple[int, int] | None:
    """The year and number of ``--id``, checked against ``--year``."""
    if text is None:
        return None
    key = parse_id(text.strip().upper())
    if key is None:
        raise ConfigError(f"new: --id: {text!r} is not a COE id such as COE-2026-007")
    if key[1] == 0:
        raise ConfigError(f"new: --id: {text!r}: numbers start at 001")
    if year is not None and year != key[0]:
        raise ConfigError(f"new: --id {text} is of {key[0]}, but --year says {year}")
    return key


def _shown(path: Path) -> str:
    """The path relative to the working folder when it is inside it."""
    try:
        return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)
    except ValueError:  # another drive on Windows
        return str(path)
