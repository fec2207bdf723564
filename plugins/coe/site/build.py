"""One build of the site: every page and file the plugin adds, made once from the checked
COEs, and what each page is made from.

``make_build`` does the work over all COEs (index, listings, metrics, series, similar
incidents, exports); a ``SiteBuild`` then answers each page in time proportional to that
page. It knows nothing of MkDocs: the plugin turns its sources into MkDocs files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..core.config import Config
from ..core.document import CoeDocument
from ..core.export import (
    action_items_csv,
    action_items_document,
    coes_document,
    generated_at,
    to_json,
)
from ..core.findings import Finding
from ..core.index import CoeEntry, Index, build_index
from ..core.pipeline import Checked
from ..core.similar import CountMemo
from . import versions as v
from .charts import METRICS_PAGE
from .coe_body import PreparedBody
from .insights import SERIES_INDEX, InsightPages
from .pages import ACTIONS_PAGE, COES_INDEX, SERVICES_INDEX, TEAMS_INDEX, SitePages
from .reference import RULES_PAGE, SCHEMA_PAGE, rules_page, schema_page

# Pages that list every COE, or figures over all of them.
_WHOLE_CORPUS_PAGES = (
    COES_INDEX,
    ACTIONS_PAGE,
    SERVICES_INDEX,
    TEAMS_INDEX,
    SERIES_INDEX,
    METRICS_PAGE,
)


@dataclass(frozen=True, slots=True)
class ErrorPage:
    """The page of a COE that failed its checks, shown under ``mkdocs serve`` (and in any
    build whose findings do not stop it) in place of its content."""

    doc: CoeDocument
    findings: list[Finding]


@dataclass(frozen=True, slots=True)
class SiteOptions:
    """What a build takes from the site's configuration."""

    use_directory_urls: bool = True
    site_url: str | None = None
    site_name: str | None = None


@dataclass
class SiteBuild:
    """Everything one build of the site knows. Page sources are paths in the site (as
    MkDocs' ``src_uri``)."""

    core: Config
    today: date
    index: Index
    pages: SitePages
    insights: InsightPages
    schema: dict[str, Any]
    # A COE page's source to its entry, and to the COE file it is made from.
    coe_pages: dict[str, CoeEntry]
    error_pages: dict[str, ErrorPage]
    # Every COE page's file (published or error page), by page source.
    coe_files: dict[str, Path]
    # The generated pages (listings, metrics, series, the reference pages).
    generated_pages: list[str]
    # Files beside the pages (exports, feeds), by their path in the site.
    exports: dict[str, str]
    silenced: dict[str, list[Finding]] = field(default_factory=dict)
    # COE bodies rendered when they were checked (``coe_body``), by display path, until
    # their page takes them.
    bodies: dict[str, PreparedBody] = field(default_factory=dict)
    # Each page's version (see ``versions``), when the build was asked for them.
    versions: dict[str, str] = field(default_factory=dict)

    def is_listing(self, src: str) -> bool:
        """A generated page other than the reference pages: an index or a group page."""
        return src in self.generated_pages and src not in (RULES_PAGE, SCHEMA_PAGE)

    def take_body(self, entry: CoeEntry) -> PreparedBody:
        """The rendered body of a COE page, let go of once taken: each page is made once
        per build."""
        return self.bodies.pop(entry.doc.display)

    def generated_markdown(self, src: str, page_url: str) -> str:
        if src == RULES_PAGE:
            return rules_page(self.core)
        if src == SCHEMA_PAGE:
            return schema_page(self.schema)
        rendered = self.insights.render(src, page_url) or self.pages.render(src, page_url)
        return rendered or ""


def coe_page_src(path: Path, coes_dir: Path) -> str | None:
    """Where a COE file's page is in the site, or None for a file outside the folder."""
    try:
        relative = path.relative_to(coes_dir).as_posix()
    except ValueError:
        return None
    return f"coes/{relative}"


def make_build(
    checked: Checked,
    core: Config,
    schema: dict[str, Any],
    today: date,
    options: SiteOptions,
    *,
    failing: set[str],
    mentions: v.Mentions | None = None,
    similar_memo: CountMemo | None = None,
) -> SiteBuild:
    """The build of the checked COEs. Files in ``failing`` (display paths) get an error
    page. With ``mentions`` (a preview), each page's version is worked out too, and the
    similar incidents only of the COE pages rebuilt, from the counts in ``similar_memo``
    of the COEs that did not change."""
    generated = generated_at()
    index = build_index(checked.corpus, today, options.use_directory_urls)
    pages = SitePages(index, options.use_directory_urls)
    insights = InsightPages(
        index,
        options.use_directory_urls,
        options.site_url,
        generated=generated,
        site_name=options.site_name,
        stash=pages.stash,
        similar_one_by_one=mentions is not None,
        similar_memo=similar_memo,
    )
    build = SiteBuild(
        core=core,
        today=today,
        index=index,
        pages=pages,
        insights=insights,
        schema=schema,
        coe_pages={},
        error_pages={},
        coe_files={},
        generated_pages=[],
        exports={},
    )
    for finding in checked.suppressed:
        build.silenced.setdefault(finding.path, []).append(finding)
    build.bodies = {
        display: body
        for display, body in checked.prepared.items()
        if isinstance(body, PreparedBody)
    }
    published = {id(entry.doc) for entry in index.entries}
    for doc in checked.corpus.documents:
        src = coe_page_src(doc.path, core.coes_dir)
        if src is None:
            continue
        build.coe_files[src] = doc.path
        if doc.display in failing or id(doc) not in published:
            findings = [f for f in checked.findings if f.path == doc.display]
            build.error_pages[src] = ErrorPage(doc, findings)
            continue
        entry = index.by_id[str(doc.id)]
        if entry.doc is doc:
            build.coe_pages[src] = entry
    build.generated_pages = [
        *build.pages.sources(),
        *insights.sources(),
        RULES_PAGE,
        SCHEMA_PAGE,
    ]
    build.exports = {
        **insights.extra_files(),
        "api/coes.json": to_json(coes_document(index, generated)),
        "api/action-items.json": to_json(action_items_document(index.items, index, generated)),
        "api/action-items.csv": action_items_csv(index.items),
    }
    if mentions is not None:
        build.versions = _versions(build, mentions)
    return build


def _versions(build: SiteBuild, mentions: v.Mentions) -> dict[str, str]:
    index, insights, pages = build.index, build.insights, build.pages
    of_entry = {entry.id: v.entry_version(entry) for entry in index.entries}
    found: dict[str, str] = {}
    for src, entry in build.coe_pages.items():
        series = insights.series_of.get(entry.id)
        found[src] = v.coe_page_version(
            entry,
            index,
            of_entry,
            mentions.of(entry.doc.path),
            (series.id, len(series.members)) if series is not None else None,
            build.silenced.get(entry.doc.display, []),
        )
    for src, error in build.error_pages.items():
        found[src] = v.error_page_version(error.doc.path, error.findings)
    mentions.forget_all_but(build.coe_files.values())
    everything = v.listing_version(index.entries, of_entry, index.today)
    for src in build.generated_pages:
        members = pages.group_members(src)
        if src in _WHOLE_CORPUS_PAGES:
            found[src] = everything
        elif members is not None:
            found[src] = v.listing_version(members, of_entry, pages.title(src))
        elif src in insights.series_pages:
            series = insights.series_pages[src]
            found[src] = v.listing_version(series.members, of_entry, series.edges)
        else:
            # The reference pages: made from the configuration and the schema, whose
            # changes rebuild everything.
            found[src] = "reference"
    return found
