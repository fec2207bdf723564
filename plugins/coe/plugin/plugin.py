"""Builds the COE site: every COE validated, rendered, cross-linked and indexed.

The work over all COEs happens once per build, in ``on_files``; the per-page hooks only
look up what was computed there. State is rebuilt on every build, so ``mkdocs serve``
rebuilds never see the previous build's COEs.
"""

from __future__ import annotations

import html
import shutil
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.templates import TemplateContext

from ..core.checker import make_context
from ..core.config import Config
from ..core.document import read_page_body
from ..core.errors import ConfigError
from ..core.export import (
    action_items_csv,
    action_items_document,
    coes_document,
    generated_at,
    to_json,
)
from ..core.findings import Finding
from ..core.index import CoeEntry, Index, build_index
from ..core.pipeline import load_and_check
from ..core.source import display_path, is_inside
from ..core.timeutil import resolve_today
from ..site import pages as site_pages
from ..site.autolink import link_ids
from ..site.insights import InsightPages
from ..site.reference import RULES_PAGE, SCHEMA_PAGE, rules_page, schema_page
from ..site.urls import relative_url
from .config import CoePluginConfig

log = get_plugin_logger(__name__)

CSS, JS = "assets/coe/coe.css", "assets/coe/coe.js"
# Generated pages are reached through the indexes; the nav lists only the indexes.
NOT_IN_NAV = InclusionLevel.NOT_IN_NAV


class CoePlugin(BasePlugin[CoePluginConfig]):  # type: ignore[no-untyped-call]
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.core: Config | None = None
        self.scratch: Path | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Under `mkdocs serve` an invalid COE must not stop the server: it gets an error
        # page instead of failing the build.
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        options = {k: v for k, v in self.config.items() if k != "enabled" and v is not None}
        try:
            self.core = Config.from_options(options, Path(config.config_file_path).parent)
            self.today = resolve_today()
        except ConfigError as exc:
            raise PluginError(f"coe plugin: {exc}") from exc
        if CSS not in config.extra_css:
            config.extra_css.append(CSS)
        if all(str(script) != JS for script in config.extra_javascript):
            config.extra_javascript.append(ExtraScriptValue(JS))
        return config

    # Runs after other plugins have added their files, so generated pages can't clash.
    @event_priority(-50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.core is None:
            return files
        core = self.core
        try:
            context = make_context(core, self.today)
        except ConfigError as exc:
            raise PluginError(f"coe plugin: {exc}") from exc
        outside = self._drop_links_outside(files, core)
        # Parsed COEs are kept between the rebuilds of `mkdocs serve`: saving one COE
        # re-reads that COE only. Similar incidents are found by their prose: keep it.
        checked = load_and_check(context, cwd=core.base_dir, reuse=self.serving, keep_prose=True)
        corpus, findings, silenced = checked.corpus, checked.findings, checked.suppressed
        for finding in findings:
            message = f"{finding.path}:{finding.line}: [{finding.rule}] {finding.message}"
            (log.error if finding.severity == "error" else log.warning)(message)
        errors = [f for f in findings if f.severity == "error"] + outside
        if errors and not self.serving:
            raise PluginError(
                f"{len(errors)} error(s), listed above; `coe validate` shows them with "
                "their columns"
            )

        generated = generated_at()
        self.index = build_index(corpus, self.today, config.use_directory_urls)
        self.pages = site_pages.SitePages(self.index, config.use_directory_urls)
        self.insights = InsightPages(
            self.index,
            config.use_directory_urls,
            config.site_url,
            generated=generated,
            site_name=config.site_name,
        )
        if not self.serving:
            # The suggestions are made: what is left of the prose is where pages place the
            # action items and relations (serve keeps it for the next rebuild's suggestions).
            for doc in corpus.documents:
                if doc.body is not None:
                    doc.body = doc.body.placed()
        self.coe_pages: dict[str, CoeEntry] = {}
        self.error_pages: dict[str, tuple[Any, list[Finding]]] = {}
        self.generated: set[str] = set()
        self.silenced: dict[str, list[Finding]] = {}
        for finding in silenced:
            self.silenced.setdefault(finding.path, []).append(finding)
        failing = {f.path for f in errors}
        published = {id(entry.doc) for entry in self.index.entries}
        for doc in corpus.documents:
            src = _coe_src(doc.path, core.coes_dir)
            if src is None:
                continue
            if files.get_file_from_path(src) is not None:
                raise PluginError(
                    f"coe plugin: docs/{src} is in the place of the page of "
                    f"{doc.display}; rename or remove it"
                )
            if doc.display in failing or id(doc) not in published:
                # Only reached under `mkdocs serve`: show the findings, never the raw file.
                self.error_pages[src] = (doc, [f for f in findings if f.path == doc.display])
                files.append(File.generated(config, src, content="", inclusion=NOT_IN_NAV))
                continue
            entry = self.index.by_id[str(doc.id)]
            if entry.doc is doc:
                self.coe_pages[src] = entry
                files.append(
                    File.generated(config, src, abs_src_path=str(doc.path), inclusion=NOT_IN_NAV)
                )

        for src in [*self.pages.sources(), *self.insights.sources(), RULES_PAGE, SCHEMA_PAGE]:
            self._add(files, config, src, "")
        # Exports go through a scratch folder rather than memory: for 10,000 COEs they are
        # tens of megabytes that MkDocs would otherwise hold until the build ends.
        self._remove_scratch()
        self.scratch = Path(tempfile.mkdtemp(prefix="coe-site-"))
        for src, content in self.insights.extra_files().items():
            self._add(files, config, src, content, export=True)
        self._add(
            files,
            config,
            "api/coes.json",
            to_json(coes_document(self.index, generated)),
            export=True,
        )
        items = self.index.items
        self._add(
            files,
            config,
            "api/action-items.json",
            to_json(action_items_document(items, self.index, generated)),
            export=True,
        )
        self._add(files, config, "api/action-items.csv", action_items_csv(items), export=True)
        assets = resources.files("coe.site") / "assets"
        self._add(files, config, CSS, (assets / "coe.css").read_text(encoding="utf-8"))
        self._add(files, config, JS, (assets / "coe.js").read_text(encoding="utf-8"))
        self.schema = context.schema.schema
        return files

    def _drop_links_outside(self, files: Files, core: Config) -> list[Finding]:
        """Docs that are symbolic links out of the repository are not published: MkDocs
        would copy whatever they point at into the site."""
        dropped: list[Finding] = []
        for file in list(files):
            path = Path(file.abs_src_path) if file.abs_src_path else None
            if path is None or not _links_outside(path, core.base_dir):
                continue
            files.remove(file)
            shown = display_path(path, core.base_dir)
            message = (
                "is a symbolic link to a file outside the repository; it is not published: "
                "move the file into the repository"
            )
            log.error(f"{shown}:1: [file-read] {message}")
            dropped.append(Finding(shown, 1, 1, "error", "file-read", message))
        return dropped

    def _add(
        self, files: Files, config: MkDocsConfig, src: str, content: str, export: bool = False
    ) -> None:
        existing = files.get_file_from_path(src)
        if existing is not None:
            if src.endswith(".md"):
                raise PluginError(
                    f"coe plugin: docs/{src} clashes with a page the plugin generates; "
                    "rename or remove it"
                )
            files.remove(existing)
        if export:
            assert self.scratch is not None
            path = self.scratch / src
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8", newline="")
            file = File.generated(config, src, abs_src_path=str(path), inclusion=NOT_IN_NAV)
        else:
            file = File.generated(config, src, content=content, inclusion=NOT_IN_NAV)
        files.append(file)
        self.generated.add(src)

    def _remove_scratch(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    # Before the search plugin writes its index (the build's largest moment in memory), so
    # that the COEs and their index are no longer held then.
    @event_priority(100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._remove_scratch()
        if self.core is not None and hasattr(self, "index"):
            del self.index, self.pages, self.insights
            self.coe_pages, self.error_pages, self.silenced = {}, {}, {}

    def on_build_error(self, *, error: Exception) -> None:
        self._remove_scratch()

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        # COE files are parsed by our strict reader only: MkDocs' own front-matter parser
        # never sees them. The leading blank line stops it from reading any metadata.
        src = page.file.src_uri
        if src in self.coe_pages or src in self.error_pages or src in self.generated:
            return "\n"
        return None

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        src = page.file.src_uri
        if not self.config.enabled or self.core is None:
            return markdown
        if src in self.coe_pages:
            entry = self.coe_pages[src]
            title = f"{entry.id}: {entry.data['title']}"
            # Material renders meta title and description unescaped: escape them here.
            page.meta = {
                "title": html.escape(title),
                "description": html.escape(" ".join(str(entry.data["impact"]["summary"]).split())),
            }
            page.edit_url = self._edit_url(entry.doc.path, config)
            body = read_page_body(entry.doc, self.core.base_dir, self.core.max_file_bytes)
            sections = [
                *self.insights.coe_sections(entry, page.url),
                self.pages.suppressions_section(
                    body, page.url, self.silenced.get(entry.doc.display, [])
                ),
            ]
            return self.pages.coe_page(entry, page.url, body, [s for s in sections if s])
        if src in self.error_pages:
            doc, findings = self.error_pages[src]
            page.meta = {"title": html.escape(f"Errors in {doc.display}")}
            page.edit_url = self._edit_url(doc.path, config)
            return self.pages.error_page(doc, findings)
        if src in self.generated:
            page.edit_url = None
            # Index tables need the width: hide the table of contents there. Listings
            # repeat what the COE pages say, so search leaves them out.
            if self._is_listing(src):
                page.meta = {"hide": ["toc"], "search": {"exclude": True}}
            page_title = self.pages.title(src)
            if page_title is not None:
                page.meta["title"] = html.escape(page_title)
            return self._generated_page(src, page.url)
        return markdown

    def _is_listing(self, src: str) -> bool:
        """A generated page other than the reference pages: an index or a group page."""
        return src in self.generated and src not in (RULES_PAGE, SCHEMA_PAGE)

    def _generated_page(self, src: str, page_url: str) -> str:
        assert self.core is not None
        if src == RULES_PAGE:
            return rules_page(self.core)
        if src == SCHEMA_PAGE:
            return schema_page(self.schema)
        rendered = self.insights.render(src, page_url) or self.pages.render(src, page_url)
        return rendered or ""

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.config.enabled or self.core is None:
            return html
        index: Index = self.index
        own = self.coe_pages.get(page.file.src_uri)
        if own is not None:
            # The body was rendered apart (markdown-it, sanitized): in it goes, with the
            # table of contents of its headings.
            html, toc_tokens = self.pages.insert_body(html)
            page.toc = get_toc(toc_tokens)

        def url_for(coe_id: str) -> str | None:
            entry = index.by_id.get(coe_id)
            if entry is None or entry is own:
                return None
            return relative_url(entry.url, page.url)

        linked = link_ids(html, url_for)
        if self._is_listing(page.file.src_uri):
            return self.pages.restore(linked)  # not indexed: no need to wait
        # The generated HTML goes in after linking (it links its own ids) and, for now, as
        # plain text: `on_page_context` puts the HTML in once the search index is made.
        return self.pages.searchable(linked)

    # After every other plugin's page context, the search index among them.
    @event_priority(-100)
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        if self.config.enabled and self.core is not None and page.content is not None:
            page.content = self.pages.restore(page.content)
        return context

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer | None:
        if self.core is not None:
            for path in (self.core.coes_dir, self.core.schema_path):
                if path.exists():
                    server.watch(str(path))
        return server

    def _edit_url(self, path: Path, config: MkDocsConfig) -> str | None:
        """The repository's edit link for a COE file, which lives outside docs/."""
        if not config.repo_url or not config.edit_uri or self.core is None:
            return None
        try:
            relative = path.relative_to(self.core.base_dir).as_posix()
        except ValueError:
            return None
        edit_uri = config.edit_uri.rstrip("/")
        docs_name = Path(config.docs_dir).name
        if edit_uri.endswith("/" + docs_name) or edit_uri == docs_name:
            edit_uri = edit_uri[: -len(docs_name)].rstrip("/")
        return f"{config.repo_url.rstrip('/')}/{edit_uri.strip('/')}/{relative}"


def _links_outside(path: Path, root: Path) -> bool:
    """Whether ``path`` or a folder above it (below ``root``) is a link leading out of it."""
    return any(p.is_symlink() for p in (path, *path.parents)) and not is_inside(path, root)


def _coe_src(path: Path, coes_dir: Path) -> str | None:
    try:
        relative = path.relative_to(coes_dir).as_posix()
    except ValueError:
        return None
    return f"coes/{relative}"
