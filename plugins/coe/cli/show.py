"""`coe show ID`: one COE's key facts, its relations both ways and its open items."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Any

from ..core.index import CoeEntry, Index
from ..core.relations import related_id
from .actions import table_order
from .common import add_today, duration, load, table

EXIT_OK, EXIT_UNKNOWN = 0, 1
WRAP = 88


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "show",
        help="show one COE's key facts, relations and open items",
        description=(
            "Print a COE's key facts (title, severity, status, team, services, date, the "
            "incident times and the time from the start to each, the impact), the COEs it "
            "names in `related` and those that name it (shown with the inverse relation, "
            "as on the site), and its open action items. Exit status 1 for an unknown id."
        ),
    )
    parser.add_argument("id", metavar="ID", help="the COE id, such as COE-2026-007")
    add_today(parser)
    parser.set_defaults(run=run)


def _title(index: Index, coe_id: str) -> str:
    entry = index.by_id.get(coe_id)
    return " ".join(str(entry.data["title"]).split()) if entry else "(not found)"


def _facts(entry: CoeEntry, display: str) -> list[str]:
    data = entry.data
    rows = [
        ["status", str(data["status"])],
        ["severity", str(data["severity"])],
        ["team", str(data["team"])],
        ["services", ", ".join(str(s) for s in data["services"])],
        ["date", str(data["date"])],
        ["file", display],
    ]
    return [f"  {line}" for line in table(rows)]


def _incident(entry: CoeEntry) -> list[str]:
    incident = entry.data["incident"]
    spans = entry.durations
    rows = [["started", str(incident["started"]), ""]]
    for key, minutes in (
        ("detected", spans.detect_minutes),
        ("mitigated", spans.mitigate_minutes),
        ("resolved", spans.resolve_minutes),
    ):
        if incident.get(key) is not None:
            rows.append([key, str(incident[key]), f"{duration(minutes)} after the start"])
    rows.append(["detection", str(incident["detection"]), ""])
    return ["Incident", *(f"  {line}" for line in table(rows))]


def _impact(entry: CoeEntry) -> list[str]:
    impact = entry.data["impact"]
    summary = " ".join(str(impact["summary"]).split())
    lines = ["Impact", *textwrap.wrap(summary, WRAP, initial_indent="  ", subsequent_indent="  ")]
    rows = [
        ["customers affected", str(impact["customers_affected"])],
        ["NFRs", ", ".join(str(n) for n in impact["nfrs"])],
    ]
    for key in ("sla_breached", "overcharged"):
        if key in impact:
            rows.append([key.replace("_", " "), "yes" if impact[key] else "no"])
    loss = impact.get("monetary_loss")
    if loss:
        rows.append(["monetary loss", f"{loss['amount']} {loss['currency']}"])
    lines.extend(f"  {line}" for line in table(rows))
    return lines


def _relations(entry: CoeEntry, index: Index) -> list[str]:
    rows = [[link.relation, link.coe, _title(index, link.coe)] for link in entry.relations]
    back = [[link.relation, link.coe, _title(index, link.coe)] for link in entry.backlinks]
    urls = [
        [str(item.get("title", "")), str(item.get("url", ""))]
        for item in entry.data.get("related") or []
        if isinstance(item, dict) and related_id(item) is None
    ]
    lines = [
        "Relations",
        *([f"  {line}" for line in table(rows)] or ["  none"]),
        "",
        "Backlinks (other COEs that name this one)",
        *([f"  {line}" for line in table(back)] or ["  none"]),
    ]
    if urls:
        lines += ["", "Links", *(f"  {line}" for line in table(urls))]
    return lines


def _open_items(entry: CoeEntry) -> list[str]:
    items = [item for item in entry.items if item.open]
    overdue = sum(1 for item in items if item.overdue)
    heading = f"Open action items ({len(items)} of {len(entry.items)}, {overdue} overdue)"
    rows = [
        [
            item.id,
            str(item.data["priority"]),
            str(item.data["owner"]),
            f"due {item.data['due']}",
            f"{item.data['status']}, {item.days_overdue} days overdue"
            if item.overdue
            else str(item.data["status"]),
            " ".join(str(item.data["title"]).split()),
        ]
        for item in table_order(items)
    ]
    return [heading, *([f"  {line}" for line in table(rows)] or ["  none"])]


def render(entry: CoeEntry, index: Index) -> str:
    title = " ".join(str(entry.data["title"]).split())
    sections = [
        [f"{entry.id}: {title}", *_facts(entry, entry.doc.display)],
        _incident(entry),
        _impact(entry),
        _relations(entry, index),
        _open_items(entry),
    ]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"


def run(args: argparse.Namespace) -> int:
    wanted = args.id.strip().upper()
    loaded = load(args)
    entry = loaded.index.by_id.get(wanted)
    if entry is None:
        invalid = [d.display for d in loaded.corpus.documents if (d.id or "").upper() == wanted]
        if invalid:
            print(
                f"coe: {wanted} ({invalid[0]}) cannot be shown: its front-matter does not pass "
                "the schema; run `coe validate` to see why",
                file=sys.stderr,
            )
        else:
            print(f"coe: no COE has the id {args.id!r}", file=sys.stderr)
        return EXIT_UNKNOWN
    sys.stdout.write(render(entry, loaded.index))
    return EXIT_OK
