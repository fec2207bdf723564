"""Charts as inline SVG from a small renderer of our own (no library, no script), and the
metrics page that uses them.

Every chart is a ``<div class="coe-chart">`` (not a ``<figure>``, which Material shrinks
to fit its content) holding an ``<svg role="img">`` whose ``<title>`` and
``<desc>`` give its name and a summary of its data, followed by the whole data as a table
in a ``<details>`` disclosure. Text, axes and grid lines are drawn in ``currentColor`` and
Material's palette variables, so they follow the light and dark schemes; series take
their colours from a fixed colour-blind-safe palette (Okabe and Ito), and every series is
named in a legend, so no figure depends on colour alone. Every value written into the
markup is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Literal

from ..core.index import Index
from ..core.metrics import (
    DETECTION_GROUPS,
    SEVERITIES,
    DurationStats,
    Metrics,
    index_metrics,
)
from .pages import format_minutes, html_block
from .urls import relative_url

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
METRICS_PAGE = "metrics.md"
METRICS_JSON = "api/metrics.json"

Kind = Literal["bars", "stacked", "lines", "hbars"]

WIDTH = 640
FONT = 12
CHAR = 0.6 * FONT  # a rough width of one character of the chart's text


@dataclass(slots=True)
class Series:
    name: str
    values: list[float | None]
    colour: str


@dataclass(slots=True)
class Chart:
    """What the renderer draws. ``values`` are plotted as they are; ``tick`` formats the
    value axis; ``percent`` fixes the value axis at 0..1."""

    id: str
    title: str
    desc: str
    kind: Kind
    categories: list[str]
    series: list[Series]
    x_label: str
    y_label: str
    table_head: list[str]
    table_rows: list[list[str]]
    percent: bool = False
    integer: bool = True
    tick: Callable[[float], str] = field(default=lambda v: _number(v))
    unit: str = ""
    value_labels: bool = False
    log_minutes: bool = False  # a logarithmic axis of durations in minutes


# -- numbers ---------------------------------------------------------------------------------


def _number(value: float | None) -> str:
    """A number without a needless ``.0``; ``–`` for none."""
    if value is None:
        return "–"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


# Duration ticks of a logarithmic minutes axis, with their labels.
DURATION_TICKS = (
    (1, "1 min"),
    (5, "5 min"),
    (15, "15 min"),
    (60, "1 h"),
    (240, "4 h"),
    (1440, "1 d"),
    (4320, "3 d"),
    (10080, "1 w"),
    (43200, "30 d"),
    (129600, "90 d"),
    (525600, "1 y"),
)


def duration_ticks(low: float, high: float) -> list[tuple[int, str]]:
    """The duration ticks that span ``low``..``high`` minutes."""
    first = max((i for i, (m, _) in enumerate(DURATION_TICKS) if m <= max(low, 1)), default=0)
    last = next(
        (i for i, (m, _) in enumerate(DURATION_TICKS) if m >= high), len(DURATION_TICKS) - 1
    )
    return list(DURATION_TICKS[first : max(last, first + 1) + 1])


def nice_ticks(top: float, integer: bool = True, count: int = 5) -> list[float]:
    """Round axis ticks from 0 that reach at least ``top``."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude * 10
    for multiple in (1, 2, 2.5, 5, 10):
        candidate = multiple * magnitude
        if integer and not float(candidate).is_integer():
            continue
        if candidate >= raw:
            step = candidate
            break
    if integer:
        step = max(1.0, step)
    steps = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(steps + 1)]


# -- SVG building ------------------------------------------------------------------------------


def _a(**attrs: object) -> str:
    parts = []
    for name, value in attrs.items():
        if value is None:
            continue
        key = name.rstrip("_").replace("_", "-")
        if isinstance(value, float):
            value = f"{value:.1f}".rstrip("0").rstrip(".")
        parts.append(f'{key}="{escape(str(value), quote=True)}"')
    return " ".join(parts)


def _text(x: float, y: float, content: str, **attrs: object) -> str:
    return f"<text {_a(x=float(x), y=float(y), **attrs)}>{escape(content)}</text>"


def _truncate(label: str, room: float) -> str:
    most = max(3, int(room / CHAR))
    return label if len(label) <= most else label[: most - 1] + "…"


def _legend(series: Sequence[Series], y: float, left: float) -> list[str]:
    out: list[str] = []
    x = left
    for one in series:
        out.append(f"<rect {_a(x=x, y=y - 9.0, width=10, height=10, fill=one.colour)}/>")
        out.append(_text(x + 14, y, one.name, fill="currentColor"))
        x += 14 + len(one.name) * CHAR + 16
    return out


def _value_axis(
    chart: Chart,
    ticks: list[float],
    scale: Callable[[float], float],
    x0: float,
    x1: float,
    labels: list[str] | None = None,
) -> list[str]:
    """Horizontal grid lines and labels for a vertical value axis."""
    out: list[str] = []
    for number, tick in enumerate(ticks):
        y = scale(tick)
        out.append(
            f'<line class="coe-chart__grid" {_a(x1=x0, x2=x1, y1=y, y2=y)} '
            'stroke="currentColor" stroke-opacity="0.15"/>'
        )
        if labels is not None:
            label = labels[number]
        else:
            label = _percent(tick) if chart.percent else chart.tick(tick)
        out.append(_text(x0 - 6, y + 4, label, text_anchor="end", fill="currentColor"))
    return out


def _vertical(chart: Chart) -> list[str]:
    """Bars (grouped or stacked) or lines over categories left to right."""
    height = 300.0
    left, right, top_pad, bottom = 64.0, 16.0, 34.0, 62.0
    plot_w = WIDTH - left - right
    plot_h = height - top_pad - bottom
    n = len(chart.categories)
    band = plot_w / max(n, 1)
    if chart.percent:
        ceiling = 1.0
    elif chart.kind == "stacked":
        ceiling = max((sum(s.values[i] or 0 for s in chart.series) for i in range(n)), default=0.0)
    else:
        ceiling = max((v or 0 for s in chart.series for v in s.values), default=0.0)
    ticks = [0.0, 0.25, 0.5, 0.75, 1.0] if chart.percent else nice_ticks(ceiling, chart.integer)
    top_value = ticks[-1] or 1.0
    base_y = top_pad + plot_h
    labels: list[str] | None = None
    if chart.log_minutes:
        present = [v for s in chart.series for v in s.values if v is not None]
        spans = duration_ticks(min(present, default=1.0), max(present, default=60.0))
        ticks = [float(m) for m, _ in spans]
        labels = [label for _, label in spans]
        low, high = math.log(ticks[0]), math.log(ticks[-1])

        def scale(value: float) -> float:
            return base_y - plot_h * (math.log(max(value, ticks[0])) - low) / (high - low)

    else:

        def scale(value: float) -> float:
            return base_y - plot_h * value / top_value

    out = _value_axis(chart, ticks, scale, left, WIDTH - right, labels)
    out.append(
        f'<line class="coe-chart__axis" {_a(x1=left, x2=WIDTH - right, y1=base_y, y2=base_y)} '
        'stroke="currentColor"/>'
    )
    # Category labels, thinned so that they never overlap.
    widest = max((len(c) for c in chart.categories), default=1) * CHAR + 8
    every = max(1, math.ceil(widest / band))
    for i, category in enumerate(chart.categories):
        if i % every == 0:
            x = left + band * (i + 0.5)
            out.append(_text(x, base_y + 16, category, text_anchor="middle", fill="currentColor"))
    if chart.kind in ("bars", "stacked"):
        out.extend(_bars(chart, band, left, scale, base_y))
    else:
        out.extend(_lines(chart, band, left, scale))
    out.append(
        _text(
            left + plot_w / 2,
            height - 22,
            chart.x_label,
            text_anchor="middle",
            fill="currentColor",
            class_="coe-chart__label",
        )
    )
    out.append(
        f"<text {_a(x=16.0, y=top_pad + plot_h / 2, text_anchor='middle', fill='currentColor')} "
        f'class="coe-chart__label" transform="rotate(-90 16 {top_pad + plot_h / 2:.1f})">'
        f"{escape(chart.y_label)}</text>"
    )
    out.extend(_legend(chart.series, 14, left))
    return [f"<svg {_dimensions(height)}", *out]


def _bars(
    chart: Chart, band: float, left: float, scale: Callable[[float], float], base_y: float
) -> list[str]:
    out: list[str] = []
    stacked = chart.kind == "stacked"
    groups = 1 if stacked else max(len(chart.series), 1)
    bar_w = band * 0.7 / groups
    for i, category in enumerate(chart.categories):
        start = left + band * 0.15 + band * i
        running = 0.0
        for s_index, one in enumerate(chart.series):
            value = one.values[i]
            if value is None or value <= 0:
                continue
            x = start if stacked else start + bar_w * s_index
            low = running if stacked else 0.0
            high = low + value
            y_top, y_low = scale(high), scale(low)
            label = (
                f"{category}, {one.name}: {_percent(value) if chart.percent else _number(value)}"
            )
            out.append(
                f"<rect {_a(x=x, y=y_top, width=bar_w, height=max(y_low - y_top, 0.5))} "
                f'fill="{one.colour}" style="stroke: var(--md-default-bg-color)" '
                f'stroke-width="0.5"><title>{escape(label)}</title></rect>'
            )
            if stacked:
                running = high
        if chart.value_labels and not stacked and len(chart.series) == 1:
            value = chart.series[0].values[i]
            text = _percent(value) if chart.percent else _number(value)
            y = scale(value or 0) - 4
            out.append(
                _text(
                    start + bar_w / 2,
                    min(y, base_y - 4),
                    text,
                    text_anchor="middle",
                    fill="currentColor",
                    font_size=10,
                )
            )
    return out


def _lines(chart: Chart, band: float, left: float, scale: Callable[[float], float]) -> list[str]:
    out: list[str] = []
    for index, one in enumerate(chart.series):
        dash = None if index == 0 else "6 3"  # a second line differs by more than colour
        run: list[str] = []
        runs: list[list[str]] = []
        for i, value in enumerate(one.values):
            if value is None:
                if run:
                    runs.append(run)
                run = []
                continue
            x, y = left + band * (i + 0.5), scale(value)
            run.append(f"{x:.1f},{y:.1f}")
            label = f"{chart.categories[i]}, {one.name}: {chart.tick(value)}{chart.unit}"
            out.append(
                f"<circle {_a(cx=x, cy=y, r=3.5, fill=one.colour)}>"
                f"<title>{escape(label)}</title></circle>"
            )
        if run:
            runs.append(run)
        for points in runs:
            if len(points) > 1:
                line = _a(
                    points=" ".join(points),
                    fill="none",
                    stroke=one.colour,
                    stroke_width=2,
                    stroke_dasharray=dash,
                )
                out.insert(0, f"<polyline {line}/>")
    return out


def _horizontal(chart: Chart) -> list[str]:
    """Bars left to right, one row a category, stacked when the chart says so."""
    row = 26.0
    top_pad = 34.0 if len(chart.series) > 1 else 10.0
    bottom, right = 44.0, 40.0
    longest = max((len(c) for c in chart.categories), default=1)
    left = min(200.0, max(60.0, (longest + 1) * CHAR + 12))
    plot_w = WIDTH - left - right
    n = len(chart.categories)
    height = top_pad + row * n + bottom
    base_y = top_pad + row * n
    totals = [sum(s.values[i] or 0 for s in chart.series) for i in range(n)]
    ticks = nice_ticks(max(totals, default=0.0), chart.integer)
    top_value = ticks[-1] or 1.0

    def scale(value: float) -> float:
        return left + plot_w * value / top_value

    out: list[str] = []
    for tick in ticks:
        x = scale(tick)
        out.append(
            f'<line class="coe-chart__grid" {_a(x1=x, x2=x, y1=top_pad, y2=base_y)} '
            'stroke="currentColor" stroke-opacity="0.15"/>'
        )
        out.append(
            _text(x, base_y + 16, chart.tick(tick), text_anchor="middle", fill="currentColor")
        )
    out.append(
        f'<line class="coe-chart__axis" {_a(x1=left, x2=left, y1=top_pad, y2=base_y)} '
        'stroke="currentColor"/>'
    )
    for i, category in enumerate(chart.categories):
        y = top_pad + row * i
        out.append(
            _text(
                left - 6,
                y + row / 2 + 4,
                _truncate(category, left - 12),
                text_anchor="end",
                fill="currentColor",
            )
        )
        running = 0.0
        for one in chart.series:
            value = one.values[i]
            if value is None or value <= 0:
                continue
            x0, x1 = scale(running), scale(running + value)
            running += value
            label = f"{category}, {one.name}: {_number(value)}"
            out.append(
                f"<rect {_a(x=x0, y=y + 4, width=max(x1 - x0, 0.5), height=row - 8)} "
                f'fill="{one.colour}" style="stroke: var(--md-default-bg-color)" '
                'stroke-width="0.5">'
                f"<title>{escape(label)}</title></rect>"
            )
        if chart.value_labels:
            out.append(
                _text(
                    scale(running) + 4,
                    y + row / 2 + 4,
                    _number(totals[i]),
                    fill="currentColor",
                    font_size=10,
                )
            )
    out.append(
        _text(
            left + plot_w / 2,
            height - 10,
            chart.x_label,
            text_anchor="middle",
            fill="currentColor",
            class_="coe-chart__label",
        )
    )
    if len(chart.series) > 1:
        out.extend(_legend(chart.series, 14, left))
    return [f"<svg {_dimensions(height)}", *out]


def _dimensions(height: float) -> str:
    return _a(
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {WIDTH} {height:.0f}",
        width="100%",
        font_size=FONT,
        font_family="inherit",
        class_="coe-chart__svg",
    )


def render_svg(chart: Chart) -> str:
    """The chart's ``<svg>`` element alone."""
    head, *body = _horizontal(chart) if chart.kind == "hbars" else _vertical(chart)
    title_id, desc_id = f"{chart.id}-title", f"{chart.id}-desc"
    return (
        f'{head} role="img" aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        'style="color: var(--md-default-fg-color); max-width: 44rem">'
        f'<title id="{escape(title_id)}">{escape(chart.title)}</title>'
        f'<desc id="{escape(desc_id)}">{escape(chart.desc)}</desc>' + "".join(body) + "</svg>"
    )


def data_table(head: Sequence[str], rows: Sequence[Sequence[str]], caption: str) -> str:
    cells = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    body = "".join(
        "<tr>"
        + "".join(
            f'<th scope="row">{escape(c)}</th>' if i == 0 else f"<td>{escape(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return (
        f'<table class="coe-chart__data"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"
    )


def render_chart(chart: Chart) -> str:
    """The chart: the SVG, then its data under a "Data" disclosure."""
    table = data_table(chart.table_head, chart.table_rows, chart.title)
    return (
        f'<div class="coe-chart" id="{escape(chart.id)}">{render_svg(chart)}'
        f"<details><summary>Data</summary>{table}</details></div>"
    )


def empty(message: str = "No data yet.") -> str:
    return f'<p class="coe-chart-empty coe-muted">{escape(message)}</p>'


# -- the metrics charts ----------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def coes_chart(metrics: Metrics) -> Chart | None:
    rows = metrics.coes_per_quarter
    if not rows:
        return None
    total = sum(r.total for r in rows)
    busiest = max(rows, key=lambda r: r.total)
    by_sev = ", ".join(f"{sev} {sum(r.by_severity[sev] for r in rows)}" for sev in SEVERITIES)
    desc = (
        f"{_plural(total, 'COE')} by the quarter the incident started, "
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
        f"{stats[-1].quarter}, over {_plural(sum(s.count for s in stats), 'COE')}. "
        f"Latest quarter with incidents, {latest.quarter}: median "
        f"{format_minutes(_whole(latest.median_minutes))}, 90th percentile "
        f"{format_minutes(latest.p90_minutes)}. Highest 90th percentile: "
        f"{format_minutes(slowest.p90_minutes)} in {slowest.quarter}."
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
        tick=lambda v: format_minutes(_whole(v)),
        table_head=["Quarter", "COEs", "Median (min)", "90th percentile (min)"],
        table_rows=[
            [s.quarter, str(s.count), _number(s.median_minutes), _number(s.p90_minutes)]
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
        f"{DETECTION_NAMES[g].lower()} {totals[g]} ({_percent(totals[g] / everything)})"
        for g in DETECTION_GROUPS
    )
    latest = [r for r in rows if r.total][-1]
    desc = (
        f"How incidents were detected, as a share of each quarter's COEs, from "
        f"{rows[0].quarter} to {rows[-1].quarter}. Overall: {overall}. In {latest.quarter}: "
        + ", ".join(
            f"{DETECTION_NAMES[g].lower()} {_percent(latest.share(g))}" for g in DETECTION_GROUPS
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
                *(f"{r.counts[g]} ({_percent(r.share(g))})" for g in DETECTION_GROUPS),
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
    overall = f"{_percent(on_time / decided)} ({on_time} of {decided})" if decided else "none yet"
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
                _percent(r.rate),
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
        f"The {_plural(len(rows), 'service')} with the most COEs: "
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


def render_metrics_page(metrics: Metrics, page_url: str) -> str:
    """The Markdown of ``metrics.md`` from figures already computed."""
    json_link = relative_url(METRICS_JSON, page_url)
    intro = (
        f"<p>Figures from {_plural(metrics.coes, 'COE')} and "
        f"{_plural(metrics.items, 'action item')}, as of {escape(metrics.today.isoformat())}. "
        "Incidents are grouped by the quarter (UTC) in which they started; durations count "
        "from the first trigger. Each chart's figures are under its <em>Data</em> "
        f'disclosure, and all of them are in <a href="{escape(json_link)}">'
        f"{escape(METRICS_JSON)}</a>.</p>"
    )
    parts = ["# Metrics", html_block(f'<div class="coe-metrics-intro">{intro}</div>')]
    for heading, chart, message in metrics_charts(metrics):
        parts.append(f"## {heading}")
        body = render_chart(chart) if chart is not None else empty(message)
        parts.append(html_block(f"<div>{body}</div>"))
    return "\n\n".join(parts) + "\n"


def metrics_page(index: Index, page_url: str) -> str:
    """The Markdown of ``metrics.md`` (computes the figures; ``InsightPages`` reuses them)."""
    return render_metrics_page(index_metrics(index), page_url)
