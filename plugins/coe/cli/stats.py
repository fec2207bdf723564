"""`coe stats`: counts and median times across every COE, as plain aligned text."""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from datetime import UTC
from typing import Any

from ..core.config import SEVERITIES
from ..core.index import CoeEntry, Index
from ..core.timeutil import parse_datetime
from .common import add_today, duration, load, table

EXIT_OK = 0


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "stats",
        help="count COEs by severity and quarter, with median times",
        description=(
            "Print the number of COEs by severity and by quarter of the incident's start "
            "(in UTC), the median time from the start to detection and to mitigation, "
            "overall and by quarter, and the number of open and overdue action items."
        ),
    )
    add_today(parser)
    parser.set_defaults(run=run)


def quarter(entry: CoeEntry) -> str:
    """``2026-Q1``: the quarter in which the incident started, in UTC."""
    started = parse_datetime(entry.data["incident"]["started"])
    assert started is not None  # the schema guarantees it
    utc = started.astimezone(UTC)
    return f"{utc.year}-Q{(utc.month - 1) // 3 + 1}"


def median(values: list[int]) -> str:
    """The median, rounded half up to a whole minute, as a duration."""
    if not values:
        return "-"
    return duration(math.floor(statistics.median(values) + 0.5))


def _row(label: str, entries: list[CoeEntry]) -> list[str]:
    return [
        label,
        str(len(entries)),
        median([e.durations.detect_minutes for e in entries]),
        median([e.durations.mitigate_minutes for e in entries]),
    ]


def render(index: Index) -> str:
    entries = index.entries
    by_severity = [
        [sev, str(sum(1 for e in entries if e.data["severity"] == sev))] for sev in SEVERITIES
    ]
    quarters: dict[str, list[CoeEntry]] = {}
    for entry in entries:
        quarters.setdefault(quarter(entry), []).append(entry)
    by_quarter = [["quarter", "COEs", "median to detect", "median to mitigate"]]
    by_quarter += [_row(q, quarters[q]) for q in sorted(quarters)]
    by_quarter.append(_row("all", entries))
    items = index.items
    counts = [
        ["total", str(len(items))],
        ["open", str(sum(1 for i in items if i.open))],
        ["overdue", str(sum(1 for i in items if i.overdue))],
    ]
    sections = [
        [f"{len(entries)} COE{'' if len(entries) == 1 else 's'} (today is {index.today})"],
        ["By severity", *(f"  {line}" for line in table(by_severity))],
        ["By quarter of the incident start (UTC)", *(f"  {line}" for line in table(by_quarter))],
        ["Action items", *(f"  {line}" for line in table(counts))],
    ]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"


def run(args: argparse.Namespace) -> int:
    loaded = load(args)
    sys.stdout.write(render(loaded.index))
    return EXIT_OK
