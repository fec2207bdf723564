"""The metrics charts: what each one shows, built from the core's figures.

Each builder returns a :class:`~coe.site.svg.Chart` (or ``None`` when there is nothing to
draw) with its description and its whole data as table rows; :mod:`coe.site.svg` draws it
and :mod:`coe.site.metrics_page` lays the charts out on the page. Series take their colours
from a fixed colour-blind-safe palette (Okabe and Ito).
"""

from __future__ import annotations

import math

from ..core.config import SEVERITIES
from ..core.format import number, optional_duration, percent, plural
from ..core.metrics import (
    DETECTION_GROUPS,
    DurationStats,
    Metrics,
)
from .svg import Chart, Series

# The page that shows these charts, and the export of their figures.
METRICS_PAGE = "metrics.md"
METRICS_JSON = "api/metrics.json"

# Okabe-Ito: distinguishable with the common colour-vision deficiencies, and readable on
# Material's white and slate backgrounds alike.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
SEVERITY_COLOURS = {
    "SEV1": "#D55E00",
    "SEV2": "#E69F00",
    "SEV3": "#CC79A7",
    "SEV4": "#56B4E9",
    "SEV5": "#0072B2",
}
DETECTION_COLOURS = {"monitoring": "#009E73", "customer-report": "#D55E00", "other": "#56B4E9"}
DETECTION_NAMES = {
    "monitoring": "Monitoring",
    "customer-report": "Customer report",
    "other": "Other",
}


def coes_chart(metrics: Metrics) -> Chart | None:
    rows = metrics.coes_per_quarter
    if not rows:
        return None
    total = sum(r.total for r in rows)
    busiest = max(rows, key=lambda r: r.total)
    by_sev = ", ".join(f"{sev} {sum(r.by_severity[sev] for r in rows)}" for sev in SEVERITIES)
    desc = (
        f"{plural(total, 'COE')} by the quarter the incident started, "
        f"from {rows[0].quarter} to {rows[-1].quarter}. Most in {busiest.quarter} "
        f"({busiest.total}). By severity: {by_sev}."
    )
    return Chart(
        id="chart-coes-per-quarter",
        title="COEs per quarter, by severity",
        desc=desc,
        kind="stacked",
        categories=[r.quarter for r in rows],
        series=[
            Series(sev, [float(r.by_severity[sev]) for r in rows], SEVERITY_COLOURS[sev])
            for sev in SEVERITIES
        ],
        x_label="Quarter the incident started (UTC)",
        y_label="COEs",
        table_head=["Quarter", *SEVERITIES, "Total"],
        table_rows=[
            [r.quarter, *(str(r.by_severity[s]) for s in SEVERITIES), str(r.total)] for r in rows
        ],
    )


def duration_chart(stats: list[DurationStats], key: str, name: str) -> Chart | None:
    measured = [s for s in stats if s.count]
    if not measured:
        return None

    slowest = max(measured, key=lambda s: s.p90_minutes or 0)
    latest = measured[-1]
    desc = (
        f"Median and 90th percentile {name} per quarter, from {stats[0].quarter} to "
        f"{stats[-1].quarter}, over {plural(sum(s.count for s in stats), 'COE')}. "
        f"Latest quarter with incidents, {latest.quarter}: median "
        f"{optional_duration(_whole(latest.median_minutes))}, 90th percentile "
        f"{optional_duration(latest.p90_minutes)}. Highest 90th percentile: "
        f"{optional_duration(slowest.p90_minutes)} in {slowest.quarter}."
    )
    return Chart(
        id=f"chart-{key}",
        title=f"{name[0].upper()}{name[1:]} per quarter",
        desc=desc,
        kind="lines",
        categories=[s.quarter for s in stats],
        series=[
            Series("Median", [s.median_minutes for s in stats], PALETTE[0]),
            Series(
                "90th percentile",
                [None if s.p90_minutes is None else float(s.p90_minutes) for s in stats],
                PALETTE[1],
            ),
        ],
        x_label="Quarter the incident started (UTC)",
        y_label="From first trigger (log scale)",
        integer=False,
        log_minutes=True,
        tick=lambda v: optional_duration(_whole(v)),
        table_head=["Quarter", "COEs", "Median (min)", "90th percentile (min)"],
        table_rows=[
            [s.quarter, str(s.count), number(s.median_minutes), number(s.p90_minutes)]
            for s in stats
        ],
    )


def _whole(value: float | None) -> int | None:
    return None if value is None else math.floor(value + 0.5)


def detection_chart(metrics: Metrics) -> Chart | None:
    rows = metrics.detection
    if not rows or not any(r.total for r in rows):
        return None
    totals = {g: sum(r.counts[g] for r in rows) for g in DETECTION_GROUPS}
    everything = sum(totals.values())
    overall = ", ".join(
        f"{DETECTION_NAMES[g].lower()} {totals[g]} ({percent(totals[g] / everything)})"
        for g in DETECTION_GROUPS
    )
    latest = [r for r in rows if r.total][-1]
    desc = (
        f"How incidents were detected, as a share of each quarter's COEs, from "
        f"{rows[0].quarter} to {rows[-1].quarter}. Overall: {overall}. In {latest.quarter}: "
        + ", ".join(
            f"{DETECTION_NAMES[g].lower()} {percent(latest.share(g))}" for g in DETECTION_GROUPS
        )
        + "."
    )
    return Chart(
        id="chart-detection",
        title="Detection source per quarter",
        desc=desc,
        kind="stacked",
        percent=True,
        integer=False,
        categories=[r.quarter for r in rows],
        series=[
            Series(DETECTION_NAMES[g], [r.share(g) for r in rows], DETECTION_COLOURS[g])
            for g in DETECTION_GROUPS
        ],
        x_label="Quarter the incident started (UTC)",
        y_label="Share of COEs",
        table_head=["Quarter", *(DETECTION_NAMES[g] for g in DETECTION_GROUPS), "Total"],
        table_rows=[
            [
                r.quarter,
                *(f"{r.counts[g]} ({percent(r.share(g))})" for g in DETECTION_GROUPS),
                str(r.total),
            ]
            for r in rows
        ],
    )


def items_flow_chart(metrics: Metrics) -> Chart | None:
    rows = metrics.months
    if not rows:
        return None
    created = sum(r.created for r in rows)
    completed = sum(r.completed for r in rows)
    desc = (
        f"Action items created (on their COE's date) and completed (on their done date) "
        f"each month from {rows[0].month} to {rows[-1].month}: {created} created, "
        f"{completed} completed."
    )
    return Chart(
        id="chart-items-flow",
        title="Action items created and completed per month",
        desc=desc,
        kind="bars",
        categories=[r.month for r in rows],
        series=[
            Series("Created", [float(r.created) for r in rows], PALETTE[0]),
            Series("Completed", [float(r.completed) for r in rows], PALETTE[2]),
        ],
        x_label="Month",
        y_label="Action items",
        table_head=["Month", "Created", "Completed", "Open at month end"],
        table_rows=[
            [r.month, str(r.created), str(r.completed), str(r.open_at_month_end)] for r in rows
        ],
    )


def backlog_chart(metrics: Metrics) -> Chart | None:
    rows = metrics.months
    if not rows:
        return None
    peak = max(rows, key=lambda r: r.open_at_month_end)
    desc = (
        f"Open action items at the end of each month from {rows[0].month} to "
        f"{rows[-1].month} (the current month as of {metrics.today.isoformat()}). Now "
        f"{rows[-1].open_at_month_end}; highest {peak.open_at_month_end} at the end of "
        f"{peak.month}."
    )
    return Chart(
        id="chart-backlog",
        title="Open action-item backlog at each month end",
        desc=desc,
        kind="lines",
        categories=[r.month for r in rows],
        series=[Series("Open items", [float(r.open_at_month_end) for r in rows], PALETTE[0])],
        x_label="Month",
        y_label="Open action items",
        table_head=["Month", "Open at month end"],
        table_rows=[[r.month, str(r.open_at_month_end)] for r in rows],
    )


def on_time_chart(metrics: Metrics) -> Chart | None:
    rows = metrics.on_time
    if not rows:
        return None
    decided = sum(r.decided for r in rows)
    on_time = sum(r.on_time for r in rows)
    overall = f"{percent(on_time / decided)} ({on_time} of {decided})" if decided else "none yet"
    desc = (
        f"Share of action items done on or before their due date, by the quarter they are "
        f"due, from {rows[0].quarter} to {rows[-1].quarter}. Items still open past their "
        f"due date count as late; items not yet due and won't-do items are left out. "
        f"Overall: {overall}."
    )
    return Chart(
        id="chart-on-time",
        title="On-time completion rate by quarter due",
        desc=desc,
        kind="bars",
        percent=True,
        integer=False,
        value_labels=True,
        categories=[r.quarter for r in rows],
        series=[Series("Done on time", [r.rate for r in rows], PALETTE[2])],
        x_label="Quarter the items are due",
        y_label="Done on time",
        table_head=[
            "Quarter due",
            "Due",
            "Done on time",
            "Done late",
            "Open past due",
            "Not yet due",
            "Won't do",
            "On-time rate",
        ],
        table_rows=[
            [
                r.quarter,
                str(r.due),
                str(r.on_time),
                str(r.late),
                str(r.overdue),
                str(r.pending),
                str(r.wont_do),
                percent(r.rate),
            ]
            for r in rows
        ],
    )


def teams_chart(metrics: Metrics) -> Chart | None:
    rows = [t for t in metrics.teams if t.open]
    if not rows:
        return None
    desc = (
        "Open action items by the team that owns the COE, overdue ones first: "
        + "; ".join(f"{t.team} {t.open} open, {t.overdue} overdue" for t in rows)
        + "."
    )
    return Chart(
        id="chart-teams",
        title="Open and overdue action items per team",
        desc=desc,
        kind="hbars",
        value_labels=True,
        categories=[t.team for t in rows],
        series=[
            Series("Overdue", [float(t.overdue) for t in rows], PALETTE[5]),
            Series("Open, not overdue", [float(t.open - t.overdue) for t in rows], PALETTE[0]),
        ],
        x_label="Open action items",
        y_label="Team",
        table_head=["Team", "Open", "Overdue"],
        table_rows=[[t.team, str(t.open), str(t.overdue)] for t in rows],
    )


def services_chart(metrics: Metrics) -> Chart | None:
    rows = metrics.top_services
    if not rows:
        return None
    desc = (
        f"The {plural(len(rows), 'service')} with the most COEs: "
        + ", ".join(f"{s.service} {s.coes}" for s in rows)
        + "."
    )
    return Chart(
        id="chart-services",
        title="Services with the most COEs",
        desc=desc,
        kind="hbars",
        value_labels=True,
        categories=[s.service for s in rows],
        series=[Series("COEs", [float(s.coes) for s in rows], PALETTE[0])],
        x_label="COEs naming the service",
        y_label="Service",
        table_head=["Service", "COEs"],
        table_rows=[[s.service, str(s.coes)] for s in rows],
    )


def metrics_charts(metrics: Metrics) -> list[tuple[str, Chart | None, str]]:
    """(section heading, chart or None, message when there is nothing to draw)."""
    return [
        ("Incidents per quarter", coes_chart(metrics), "No data yet."),
        (
            "Time to detect",
            duration_chart(metrics.time_to_detect, "time-to-detect", "time to detect"),
            "No data yet.",
        ),
        (
            "Time to mitigate",
            duration_chart(metrics.time_to_mitigate, "time-to-mitigate", "time to mitigate"),
            "No data yet.",
        ),
        ("Detection sources", detection_chart(metrics), "No data yet."),
        ("Action items created and completed", items_flow_chart(metrics), "No data yet."),
        ("Open backlog", backlog_chart(metrics), "No data yet."),
        ("On-time completion", on_time_chart(metrics), "No data yet."),
        ("Open items per team", teams_chart(metrics), "No open action items."),
        ("Services with the most COEs", services_chart(metrics), "No data yet."),
    ]
