"""Pages and files built from the whole corpus: metrics, series of incidents, similar
incidents on each COE page, and the feeds.

``InsightPages`` does every cross-COE computation once, in its constructor; each method
that renders a page then does work proportional to that page.
"""

from __future__ import annotations

from datetime import UTC
from html import escape

from markupsafe import Markup

from ..core.export import generated_at, to_json
from ..core.format import plural
from ..core.index import CoeEntry, Index
from ..core.metrics import Metrics, index_metrics, metrics_record
from ..core.series import SERIES_DIR, Edge, Series, find_series, series_by_coe, started
from ..core.similar import Suggestion, similar_index
from .charts import METRICS_JSON, METRICS_PAGE
from .feeds import CALENDAR, FEED, action_items_calendar, atom_feed
from .markup import html_block, render_template
from .metrics_page import data_table, render_metrics_page
from .urls import relative_url, src_to_url

SERIES_INDEX = f"{SERIES_DIR}/index.md"

NODE_W, NODE_H, NODE_GAP = 112.0, 44.0, 36.0
DIRECTED = frozenset({"caused", "caused-by", "recurrence-of"})
# Relations are told apart by line style as well as by label.
EDGE_STYLES = {
    "caused": "",
    "caused-by": "",
    "recurrence-of": ' stroke-dasharray="6 3"',
    "same-root-cause": ' stroke-dasharray="2 3"',
}


def _day(entry: CoeEntry) -> str:
    return started(entry).astimezone(UTC).date().isoformat()


# -- series --------------------------------------------------------------------------------


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
            f'font-size="11" fill="currentColor">{escape(_day(member))} '
            f"{escape(str(member.data['severity']))}</text></a>"
        )
    parts.append(
        f'<text x="{24.0:.1f}" y="{height - 10:.1f}" fill="currentColor" font-size="11">'
        "Time (incident start) →</text>"
    )
    relations = "; ".join(f"{e.source} {e.relation} {e.target}" for e in series.edges)
    desc = (
        f"{len(members)} COEs in time order, left to right: "
        + ", ".join(f"{m.id} ({_day(m)})" for m in members)
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


def series_page(series: Series, page_url: str, url_for: dict[str, str]) -> str:
    members = series.members

    def link(entry: CoeEntry) -> str:
        return relative_url(url_for[entry.id], page_url)

    edges_table = data_table(
        ["From", "Relation", "To"],
        [[e.source, e.relation, e.target] for e in series.edges],
        f"Relations in the series {series.id}",
    )
    intro = render_template(
        "series_intro.html",
        members=members,
        first=_day(members[0]),
        last=_day(members[-1]),
        link=link,
    )
    graph = render_template(
        "series_graph.html",
        svg=Markup(series_svg(series, page_url, url_for)),
        edges_table=Markup(edges_table),
    )
    table = render_template("series_members.html", members=members, link=link, day=_day)
    relations = render_template("series_relations.html", edges=series.edges)
    blocks = [f"# Series {series.id}", intro, graph, "## Members", table, "## Relations"]
    return "\n\n".join([*map(html_block, blocks), html_block(relations)]) + "\n"


def series_index_page(
    series: list[Series], page_url: str, url_for: dict[str, str], page_for: dict[str, str]
) -> str:
    listing = render_template(
        "series_index.html",
        series=series,
        link=lambda one: relative_url(page_for[one.id], page_url),
        day=_day,
    )
    return f"# Series\n\n{html_block(listing)}\n"


# -- the glue ------------------------------------------------------------------------------


class InsightPages:
    """Metrics, series, similar incidents and feeds for one build.

    ``sources()`` are the generated pages, ``render()`` gives one page's Markdown,
    ``coe_sections()`` the additions to a COE page and ``extra_files()`` the non-page
    files. ``site_url`` (mkdocs.yml's) makes the feeds' links absolute; without it they
    are relative to the site's root.
    """

    def __init__(
        self,
        index: Index,
        use_directory_urls: bool = True,
        site_url: str | None = None,
        *,
        generated: str | None = None,
        site_name: str | None = None,
    ) -> None:
        self.index = index
        self.use_directory_urls = use_directory_urls
        self.site_url = site_url or None
        self.generated = generated or generated_at()
        self.site_name = site_name or "COEs"
        self.metrics: Metrics = index_metrics(index)
        self.similar: dict[str, list[Suggestion]] = similar_index(index.entries)
        self.series: list[Series] = find_series(index.entries)
        self.series_of: dict[str, Series] = series_by_coe(self.series)
        self.url_for = {entry.id: entry.url for entry in index.entries}
        self.series_pages = {one.src: one for one in self.series}
        self.page_for = {one.id: self.url(one.src) for one in self.series}

    def url(self, src: str) -> str:
        return src_to_url(src, self.use_directory_urls)

    def sources(self) -> list[str]:
        """Every page this class generates (source paths)."""
        return [METRICS_PAGE, SERIES_INDEX, *self.series_pages]

    def render(self, src: str, page_url: str) -> str | None:
        """The Markdown of a generated page, or ``None`` when ``src`` is not one of them."""
        if src == METRICS_PAGE:
            return render_metrics_page(self.metrics, page_url)
        if src == SERIES_INDEX:
            return series_index_page(self.series, page_url, self.url_for, self.page_for)
        series = self.series_pages.get(src)
        if series is not None:
            return series_page(series, page_url, self.url_for)
        return None

    def coe_sections(self, entry: CoeEntry, page_url: str) -> list[str]:
        """What to append to a COE's page: a link to its series, if any, and a
        "Possibly related" section when similar COEs were found."""
        sections: list[str] = []
        series = self.series_of.get(entry.id)
        if series is not None:
            link = render_template(
                "series_link.html",
                series=series,
                href=relative_url(self.page_for[series.id], page_url),
                others=plural(len(series.members) - 1, "other COE"),
            )
            sections.append(html_block(link))
        suggestions = [s for s in self.similar.get(entry.id, []) if s.coe in self.url_for]
        if suggestions:
            listing = render_template(
                "similar.html",
                suggestions=suggestions,
                link=lambda coe_id: relative_url(self.url_for[coe_id], page_url),
                title=lambda coe_id: self.index.by_id[coe_id].data["title"],
            )
            sections.append("## Possibly related\n\n" + html_block(listing))
        return sections

    def extra_files(self) -> dict[str, str]:
        """Files beside the pages: the metrics export and the two feeds."""
        return {
            METRICS_JSON: to_json({"generated": self.generated, **metrics_record(self.metrics)}),
            FEED: atom_feed(self.index, self.generated, self.site_url, title=self.site_name),
            CALENDAR: action_items_calendar(self.index, self.generated, self.site_url),
        }
