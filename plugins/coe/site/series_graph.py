"""A series of incidents drawn as SVG: its COEs left to right in time order, its relations
as labelled arcs. Every attribute and text written is escaped."""

from __future__ import annotations

from datetime import UTC
from html import escape

from ..core.index import CoeEntry
from ..core.series import Edge, Series, started
from .urls import relative_url

NODE_W, NODE_H, NODE_GAP = 112.0, 44.0, 36.0
DIRECTED = frozenset({"caused", "caused-by", "recurrence-of"})
# Relations are told apart by line style as well as by label.
EDGE_STYLES = {
    "caused": "",
    "caused-by": "",
    "recurrence-of": ' stroke-dasharray="6 3"',
    "same-root-cause": ' stroke-dasharray="2 3"',
}


def day(entry: CoeEntry) -> str:
    """The day a COE's incident started, in UTC."""
    return started(entry).astimezone(UTC).date().isoformat()


def series_svg(series: Series, page_url: str, url_for: dict[str, str]) -> str:
    """The series as a graph: COEs left to right in time order, relations as labelled
    arcs above them, each COE a link to its page."""
    members = series.members
    rank = {m.id: i for i, m in enumerate(members)}
    pair_count: dict[tuple[int, int], int] = {}
    arcs: list[tuple[Edge, int, int, int]] = []
    for edge in series.edges:
        a, b = rank[edge.source], rank[edge.target]
        key = (min(a, b), max(a, b))
        nth = pair_count.get(key, 0)
        pair_count[key] = nth + 1
        arcs.append((edge, a, b, nth))

    def lift(a: int, b: int, nth: int) -> float:
        return 34.0 + 24.0 * min(abs(a - b), 8) + 20.0 * nth

    highest = max((lift(a, b, nth) for _, a, b, nth in arcs), default=28.0)
    top = highest + 24.0
    width = max(640.0, 24.0 + len(members) * (NODE_W + NODE_GAP))
    height = top + NODE_H + 40.0
    svg_id = f"series-{series.id}"

    def centre(i: int) -> float:
        return 24.0 + NODE_W / 2 + i * (NODE_W + NODE_GAP)

    parts: list[str] = [
        "<defs>"
        f'<marker id="{escape(svg_id)}-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="currentColor"/></marker></defs>'
    ]
    for edge, a, b, nth in arcs:
        x1, x2 = centre(a), centre(b)
        # Leave and arrive a little apart so two arcs at one node do not meet.
        x1 += 8.0 if b > a else -8.0
        x2 += -8.0 if b > a else 8.0
        peak = top - lift(a, b, nth)
        control = 2 * peak - top  # a quadratic curve peaks halfway to its control point
        marker = f' marker-end="url(#{escape(svg_id)}-arrow)"' if edge.relation in DIRECTED else ""
        label = f"{edge.source} {edge.relation} {edge.target}"
        parts.append(
            f'<path d="M{x1:.1f},{top:.1f} Q{(x1 + x2) / 2:.1f},{control:.1f} '
            f'{x2:.1f},{top:.1f}" fill="none" stroke="currentColor" stroke-width="1.5"'
            f"{EDGE_STYLES.get(edge.relation, '')}{marker}><title>{escape(label)}</title></path>"
        )
        text_w = len(edge.relation) * 6.6 + 8
        parts.append(
            f'<rect x="{(x1 + x2) / 2 - text_w / 2:.1f}" y="{peak - 9:.1f}" '
            f'width="{text_w:.1f}" height="16" rx="3" '
            'style="fill: var(--md-default-bg-color)"/>'
            f'<text x="{(x1 + x2) / 2:.1f}" y="{peak + 3:.1f}" text-anchor="middle" '
            f'font-size="11" fill="currentColor">{escape(edge.relation)}</text>'
        )
    for i, member in enumerate(members):
        x = centre(i) - NODE_W / 2
        href = relative_url(url_for[member.id], page_url)
        tooltip = f"{member.id}: {member.data['title']}"
        parts.append(
            f'<a xlink:href="{escape(href)}"><title>{escape(tooltip)}'
            f'</title><rect x="{x:.1f}" y="{top:.1f}" width="{NODE_W:.0f}" '
            f'height="{NODE_H:.0f}" rx="6" fill="none" stroke="currentColor" '
            'stroke-width="1.5"/>'
            f'<text x="{centre(i):.1f}" y="{top + 19:.1f}" text-anchor="middle" '
            f'font-weight="700" fill="currentColor">{escape(member.id)}</text>'
            f'<text x="{centre(i):.1f}" y="{top + 35:.1f}" text-anchor="middle" '
            f'font-size="11" fill="currentColor">{escape(day(member))} '
            f"{escape(str(member.data['severity']))}</text></a>"
        )
    parts.append(
        f'<text x="{24.0:.1f}" y="{height - 10:.1f}" fill="currentColor" font-size="11">'
        "Time (incident start) →</text>"
    )
    relations = "; ".join(f"{e.source} {e.relation} {e.target}" for e in series.edges)
    desc = (
        f"{len(members)} COEs in time order, left to right: "
        + ", ".join(f"{m.id} ({day(m)})" for m in members)
        + f". Relations: {relations}."
    )
    title = f"Relations in the series {series.id}"
    return (
        # Node links use xlink:href: Material's page script rewrites every `href` it finds,
        # and an SVG link's `href` cannot be set from a script.
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" font-size="12" font-family="inherit" class="coe-series__graph" '
        f'role="img" aria-labelledby="{escape(svg_id)}-title {escape(svg_id)}-desc" '
        f'style="color: var(--md-default-fg-color); min-width: {width * 0.75:.0f}px; '
        f'max-width: {width * 1.25:.0f}px">'
        f'<title id="{escape(svg_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(svg_id)}-desc">{escape(desc)}</desc>' + "".join(parts) + "</svg>"
    )
