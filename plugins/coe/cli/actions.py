"""`coe actions`: the action items of every COE, as a table or as the site's exports."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from datetime import timedelta
from typing import Any

from ..core.errors import ConfigError
from ..core.export import action_items_csv, action_items_document, generated_at, to_json
from ..core.format import plural
from ..core.index import ActionItem, Index
from .common import add_today, load, table

PRIORITIES = ("P0", "P1", "P2", "P3")
EXIT_OK, EXIT_OVERDUE = 0, 1
MIN_TITLE = 20
RED, RESET = "\x1b[31m", "\x1b[0m"


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "actions",
        help="list action items, overdue first",
        description=(
            "List the action items of every COE whose front-matter passes the schema. "
            "The table shows overdue items first, then by due date. --format json prints "
            "the same document as the site's api/action-items.json and --format csv the "
            "same as api/action-items.csv, in the same order, with only the items the "
            "filters keep. Filters combine: an item is listed when it passes all of them."
        ),
    )
    parser.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="output format (default: table)",
    )
    parser.add_argument("--open", action="store_true", help="only open or in-progress items")
    parser.add_argument("--overdue", action="store_true", help="only overdue items")
    parser.add_argument("--owner", metavar="NAME", help="only items owned by NAME (any case)")
    parser.add_argument(
        "--team", metavar="NAME", help="only items of COEs owned by team NAME (any case)"
    )
    parser.add_argument(
        "--due-within",
        type=int,
        metavar="DAYS",
        help="only open items due within DAYS days from today, overdue ones included",
    )
    add_today(parser)
    parser.add_argument(
        "--fail-on-overdue",
        nargs="?",
        const=",".join(PRIORITIES),
        metavar="PRIORITIES",
        help="exit with status 1 when a listed item is overdue; with a list such as "
        "P0,P1, only when an item of one of those priorities is",
    )
    parser.set_defaults(run=run)


def _priorities(text: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(p.strip().upper() for p in text.split(",") if p.strip()))
    wrong = [p for p in chosen if p not in PRIORITIES]
    if wrong or not chosen:
        raise ConfigError(
            f"actions: --fail-on-overdue: {', '.join(wrong) or repr(text)} is not a priority; "
            f"use a comma-separated list of {', '.join(PRIORITIES)}"
        )
    return chosen


def select(index: Index, args: argparse.Namespace) -> list[ActionItem]:
    """The items the filters keep, in the index's order (COE id, then as written)."""
    teams = {entry.id: str(entry.data["team"]).casefold() for entry in index.entries}
    horizon = index.today + timedelta(days=args.due_within) if args.due_within is not None else None
    owner = args.owner.casefold() if args.owner is not None else None
    team = args.team.casefold() if args.team is not None else None
    return [
        item
        for item in index.items
        if (not args.open or item.open)
        and (not args.overdue or item.overdue)
        and (owner is None or str(item.data["owner"]).casefold() == owner)
        and (team is None or teams[item.coe] == team)
        and (horizon is None or (item.open and item.due <= horizon))
    ]


def _number(item: ActionItem) -> int:
    digits = item.id.removeprefix("AI-")
    return int(digits) if digits.isdigit() else 0


def table_order(items: list[ActionItem]) -> list[ActionItem]:
    """Overdue items first, then by due date (the most overdue first)."""
    return sorted(items, key=lambda i: (not i.overdue, i.due, i.coe, _number(i)))


def _use_color() -> bool:
    return (
        sys.stdout.isatty()
        and not os.environ.get("NO_COLOR")
        and os.environ.get("TERM", "") != "dumb"
    )


def _width() -> int | None:
    """The width titles are cut to fit: $COLUMNS, else the terminal's; ``None`` (no
    cutting) when the output goes to a file or a pipe."""
    if os.environ.get("COLUMNS", "").isdigit() or sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def _truncate(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 3, 0)].rstrip() + "..."


def render_table(items: list[ActionItem], width: int | None, color: bool) -> str:
    """The table, titles cut to fit ``width`` columns (never below 20 characters)."""
    header = ["ITEM", "TITLE", "PRIORITY", "OWNER", "DUE", "STATUS", "DAYS OVERDUE"]
    rows = [
        [
            f"{item.coe}/{item.id}",
            " ".join(str(item.data["title"]).split()),
            str(item.data["priority"]),
            str(item.data["owner"]),
            str(item.data["due"]),
            str(item.data["status"]),
            str(item.days_overdue) if item.overdue else "",
        ]
        for item in table_order(items)
    ]
    if width is not None:
        others = sum(
            max(len(row[i]) for row in [header, *rows]) for i in range(len(header)) if i != 1
        )
        title_width = max(width - others - 2 * (len(header) - 1), MIN_TITLE)
        for row in rows:
            row[1] = _truncate(row[1], title_width)
    lines = table([header, *rows])
    ordered = table_order(items)
    out = [lines[0]]
    for item, line in zip(ordered, lines[1:], strict=True):
        out.append(f"{RED}{line}{RESET}" if color and item.overdue else line)
    overdue = sum(1 for item in items if item.overdue)
    out.append("")
    out.append(f"{plural(len(items), 'action item')}, {overdue} overdue")
    return "\n".join(out) + "\n"


def run(args: argparse.Namespace) -> int:
    fail_on = _priorities(args.fail_on_overdue) if args.fail_on_overdue is not None else None
    if args.due_within is not None and args.due_within < 0:
        raise ConfigError("actions: --due-within: DAYS must be 0 or more")
    loaded = load(args)
    items = select(loaded.index, args)
    if args.format == "json":
        document = action_items_document(items, loaded.index, generated_at())
        sys.stdout.write(to_json(document))
    elif args.format == "csv":
        sys.stdout.write(action_items_csv(items))
    else:
        sys.stdout.write(render_table(items, _width(), _use_color()))
    if fail_on is None:
        return EXIT_OK
    failing = [item for item in items if item.overdue and item.data["priority"] in fail_on]
    if not failing:
        return EXIT_OK
    names = ", ".join(f"{item.coe}/{item.id}" for item in table_order(failing))
    print(
        f"coe: {plural(len(failing), 'overdue action item')} "
        f"of priority {' or '.join(fail_on)}: {names}",
        file=sys.stderr,
    )
    return EXIT_OVERDUE
