"""The metrics page: every chart of :mod:`coe.site.charts` under its heading, each with its
figures as a table in a "Data" disclosure, and a link to all of them as JSON.

Every chart is a ``<div class="coe-chart">`` (not a ``<figure>``, which Material shrinks to
fit its content) holding the SVG, then the table.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from ..core.format import plural
from ..core.index import Index
from ..core.metrics import Metrics, index_metrics
from .charts import METRICS_JSON, metrics_charts
from .markup import html_block, render_template
from .svg import Chart, render_svg
from .urls import relative_url


def data_table(head: Sequence[str], rows: Sequence[Sequence[str]], caption: str) -> str:
    """Figures as an HTML table whose first column heads each row."""
    return render_template("data_table.html", head=head, rows=rows, caption=caption)


def render_chart(chart: Chart) -> str:
    """The chart: the SVG, then its data under a "Data" disclosure."""
    return render_template(
        "chart.html",
        id=chart.id,
        svg=Markup(render_svg(chart)),  # the SVG renderer escapes every value itself
        head=chart.table_head,
        rows=chart.table_rows,
        caption=chart.title,
    )


def empty(message: str = "No data yet.") -> str:
    return render_template("chart_empty.html", message=message)


def render_metrics_page(metrics: Metrics, page_url: str) -> str:
    """The Markdown of ``metrics.md`` from figures already computed."""
    intro = render_template(
        "metrics_intro.html",
        coes=plural(metrics.coes, "COE"),
        items=plural(metrics.items, "action item"),
        today=metrics.today.isoformat(),
        json_url=relative_url(METRICS_JSON, page_url),
        json_name=METRICS_JSON,
    )
    parts = ["# Metrics", html_block(intro)]
    for heading, chart, message in metrics_charts(metrics):
        parts.append(f"## {heading}")
        body = render_chart(chart) if chart is not None else empty(message)
        parts.append(html_block(f"<div>{body}</div>"))
    return "\n\n".join(parts) + "\n"


def metrics_page(index: Index, page_url: str) -> str:
    """The Markdown of ``metrics.md`` (computes the figures; ``InsightPages`` reuses them)."""
    return render_metrics_page(index_metrics(index), page_url)
