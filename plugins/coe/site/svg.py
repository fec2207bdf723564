"""A small SVG renderer of our own for the site's charts (no library, no script).

A :class:`Chart` says what to draw; :func:`render_svg` draws it as an ``<svg role="img">``
whose ``<title>`` and ``<desc>`` give its name and a summary of its data. Text, axes and
grid lines are drawn in ``currentColor`` and Material's palette variables, so they follow
the light and dark schemes; every series is named in a legend, so no chart depends on
colour alone. Every value written into the markup goes through :func:`_a` (attributes) or
:func:`_text` and :func:`_title` (text), which escape it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Literal

from ..core.format import number, percent

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
    tick: Callable[[float], str] = field(default=number)
    unit: str = ""
    value_labels: bool = False
    log_minutes: bool = False  # a logarithmic axis of durations in minutes


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


def _title(label: str) -> str:
    """A tooltip: the ``<title>`` child of a shape."""
    return f"<title>{escape(label)}</title>"


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
    for position, tick in enumerate(ticks):
        y = scale(tick)
        out.append(
            f'<line class="coe-chart__grid" {_a(x1=x0, x2=x1, y1=y, y2=y)} '
            'stroke="currentColor" stroke-opacity="0.15"/>'
        )
        if labels is not None:
            label = labels[position]
        else:
            label = percent(tick) if chart.percent else chart.tick(tick)
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
            label = f"{category}, {one.name}: {percent(value) if chart.percent else number(value)}"
            out.append(
                f"<rect {_a(x=x, y=y_top, width=bar_w, height=max(y_low - y_top, 0.5))} "
                f'fill="{one.colour}" style="stroke: var(--md-default-bg-color)" '
                f'stroke-width="0.5">{_title(label)}</rect>'
            )
            if stacked:
                running = high
        if chart.value_labels and not stacked and len(chart.series) == 1:
            value = chart.series[0].values[i]
            text = percent(value) if chart.percent else number(value)
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
            out.append(f"<circle {_a(cx=x, cy=y, r=3.5, fill=one.colour)}>{_title(label)}</circle>")
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
            label = f"{category}, {one.name}: {number(value)}"
            out.append(
                f"<rect {_a(x=x0, y=y + 4, width=max(x1 - x0, 0.5), height=row - 8)} "
                f'fill="{one.colour}" style="stroke: var(--md-default-bg-color)" '
                f'stroke-width="0.5">{_title(label)}</rect>'
            )
        if chart.value_labels:
            out.append(
                _text(
                    scale(running) + 4,
                    y + row / 2 + 4,
                    number(totals[i]),
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
