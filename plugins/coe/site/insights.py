"""Pages and files built from the whole corpus: metrics, series of incidents, similar
incidents on each COE page, and the feeds.

``InsightPages`` does every cross-COE computation once, in its constructor; each method
that renders a page then does work proportional to that page.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from ..core.export import generated_at, to_json
from ..core.format import plural
from ..core.index import CoeEntry, Index
from ..core.metrics import Metrics, index_metrics, metrics_record
from ..core.series import SERIES_DIR, Series, find_series, series_by_coe
from ..core.similar import CountMemo, SimilarIncidents
from .autolink import link_ids
from .charts import METRICS_JSON, METRICS_PAGE
from .feeds import CALENDAR, FEED, action_items_calendar, atom_feed
from .markup import html_block, render_template
from .metrics_page import data_table, render_metrics_page
from .series_graph import day, series_svg
from .urls import relative_url, src_to_url

SERIES_INDEX = f"{SERIES_DIR}/index.md"


def series_page(
    series: Series,
    page_url: str,
    url_for: dict[str, str],
    stash: Callable[[str], str] | None = None,
) -> str:
    """A series' page as Markdown: its headings, and its HTML through ``stash`` (which
    may keep it out of Python-Markdown's way: a large series is megabytes of it)."""
    members = series.members

    def id_url(coe_id: str) -> str | None:
        return relative_url(url_for[coe_id], page_url) if coe_id in url_for else None

    def block(html: str) -> str:
        # Linked here, as the plugin links a page's text: stashed HTML is not seen there.
        linked = link_ids(html_block(html), id_url)
        return stash(linked) if stash else linked

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
        first=day(members[0]),
        last=day(members[-1]),
        link=link,
    )
    graph = render_template(
        "series_graph.html",
        svg=Markup(series_svg(series, page_url, url_for)),
        edges_table=Markup(edges_table),
    )
    table = render_template("series_members.html", members=members, link=link, day=day)
    relations = render_template("series_relations.html", edges=series.edges)
    blocks = [f"# Series {series.id}", block(intro), block(graph), "## Members", block(table)]
    return "\n\n".join([*blocks, "## Relations", block(relations)]) + "\n"


def series_index_page(
    series: list[Series], page_url: str, url_for: dict[str, str], page_for: dict[str, str]
) -> str:
    listing = render_template(
        "series_index.html",
        series=series,
        link=lambda one: relative_url(page_for[one.id], page_url),
        day=day,
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
        stash: Callable[[str], str] | None = None,
        similar_one_by_one: bool = False,
        similar_memo: CountMemo | None = None,
    ) -> None:
        self.index = index
        self.use_directory_urls = use_directory_urls
        self.site_url = site_url or None
        self.generated = generated or generated_at()
        self.site_name = site_name or "COEs"
        self.metrics: Metrics = index_metrics(index)
        self.stash = stash
        # A preview rebuilds few COE pages: their suggestions are worked out one by one.
        self.similar = SimilarIncidents(
            index.entries, one_by_one=similar_one_by_one, memo=similar_memo
        )
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
            return series_page(series, page_url, self.url_for, self.stash)
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
        suggestions = [s for s in self.similar.of(entry.id) if s.coe in self.url_for]
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
