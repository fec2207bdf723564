"""Builds the COE site: every COE validated, rendered, cross-linked and indexed.

The work over all COEs happens once per build, in ``on_files``, and lands in one
``SiteBuild`` (``coe.site.build``); the per-page hooks only look up what it computed, and
``on_post_build`` drops it. Under ``mkdocs serve --dirty`` a rebuild re-renders only the
pages whose inputs changed (``preview``).
"""

from __future__ import annotations

import html
import logging
import shutil
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.templates import TemplateContext

from ..core.checker import load_finding, make_context
from ..core.config import Config
from ..core.errors import ConfigError
from ..core.findings import Finding, Hit
from ..core.pipeline import Checked, load_and_check
from ..core.rule import Context
from ..core.source import display_path, is_inside
from ..core.timeutil import resolve_today
from ..site.autolink import link_ids
from ..site.build import SiteBuild, SiteOptions, make_build
from ..site.coe_body import prepare_body
from ..site.markup import render_template
from ..site.urls import relative_url
from .config import CoePluginConfig
from .preview import PluginFile, Preview, QuietDirtyWarning

log = get_plugin_logger(__name__)

CSS, JS = "assets/coe/coe.css", "assets/coe/coe.js"
# Generated pages are reached through the indexes; the nav lists only the indexes.
NOT_IN_NAV = InclusionLevel.NOT_IN_NAV


class CoePlugin(BasePlugin[CoePluginConfig]):  # type: ignore[no-untyped-call]
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.core: Config | None = None
        self.build: SiteBuild | None = None
        self.preview: Preview | None = None
        self.scratch: Path | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Under `mkdocs serve` an invalid COE must not stop the server: it gets an error
        # page instead of failing the build.
        self.serving = command == "serve"
        if self.serving and dirty:
            self.preview = Preview()
            logging.getLogger("mkdocs.commands.build").addFilter(QuietDirtyWarning())

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.core = None
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
        self.build = None
        if self.core is None:
            return files
        try:
            context = make_context(self.core, self.today)
        except ConfigError as exc:
            raise PluginError(f"coe plugin: {exc}") from exc
        outside = self._drop_links_outside(files, context)
        # Parsed COEs are kept between the rebuilds of `mkdocs serve`: saving one COE
        # re-reads that COE only. Similar incidents are found by their prose: keep it.
        # Bodies are rendered where they are checked, on every core (``coe_body``).
        checked = load_and_check(
            context,
            cwd=self.core.base_dir,
            reuse=self.serving,
            keep_prose=True,
            prepare=prepare_body,
        )
        failing = self._report(checked, outside)
        options = SiteOptions(config.use_directory_urls, config.site_url, config.site_name)
        mentions = self.preview.mentions if self.preview else None
        build = make_build(
            checked,
            self.core,
            context.schema.schema,
            self.today,
            options,
            failing={f.path for f in failing},
            mentions=mentions,
            similar_memo=self.preview.counts if self.preview else None,
        )
        stale = self.preview.stale_pages(build, files, config) if self.preview else None
        self._add_files(build, files, config, stale)
        self.build = build
        return files

    def _report(self, checked: Checked, dropped: list[Finding]) -> list[Finding]:
        """Log every finding, the ``dropped`` files' too; the errors, which stop any build
        but a preview's."""
        findings = [*dropped, *checked.findings]
        for finding in findings:
            # As `coe validate` prints it, less the level: MkDocs' log shows that.
            (log.error if finding.severity == "error" else log.warning)(finding.text(False))
        errors = [f for f in findings if f.severity == "error"]
        if errors and not self.serving:
            raise PluginError(
                f"{len(errors)} error(s), listed above; `coe validate` shows them with "
                "their columns"
            )
        return errors

    def _add_files(
        self, build: SiteBuild, files: Files, config: MkDocsConfig, stale: set[str] | None
    ) -> None:
        """Add the build's pages and files to MkDocs' files. ``stale`` (in a preview) names
        the pages to render again; the others keep their previous output."""
        for src, path in build.coe_files.items():
            if files.get_file_from_path(src) is not None:
                raise PluginError(
                    f"coe plugin: docs/{src} is in the place of the page of "
                    f"{display_path(path, build.core.base_dir)}; rename or remove it"
                )
            if src in build.error_pages:
                self._add(files, config, src, "", stale=stale)
            elif src in build.coe_pages:
                self._add(files, config, src, None, path=path, stale=stale)
        for src in build.generated_pages:
            self._add(files, config, src, "", stale=stale)
        # Exports go through a scratch folder rather than memory: for 10,000 COEs they are
        # tens of megabytes that MkDocs would otherwise hold until the build ends.
        self._remove_scratch()
        self.scratch = Path(tempfile.mkdtemp(prefix="coe-site-"))
        for src, content in build.exports.items():
            self._add(files, config, src, content, export=True)
        assets = resources.files("coe.site") / "assets"
        for src, name in ((CSS, "coe.css"), (JS, "coe.js")):
            self._add(files, config, src, (assets / name).read_text(encoding="utf-8"))
        if self.preview is not None:
            mine = [f for f in files if isinstance(f, PluginFile)]
            self.preview.remove_gone({f.abs_dest_path for f in mine})

    def _drop_links_outside(self, files: Files, context: Context) -> list[Finding]:
        """Docs that are symbolic links out of the repository are not published (MkDocs
        would copy whatever they point at into the site); each is a `file-read` finding at
        the level the settings give it."""
        dropped: list[Finding] = []
        base = context.config.base_dir
        for file in list(files):
            path = Path(file.abs_src_path) if file.abs_src_path else None
            if path is None or not _links_outside(path, base):
                continue
            files.remove(file)
            message = (
                "is a symbolic link to a file outside the repository; it is not published: "
                "move the file into the repository"
            )
            finding = load_finding(context, "file-read", display_path(path, base), Hit(message))
            if finding is not None:
                dropped.append(finding)
        return dropped

    def _add(
        self,
        files: Files,
        config: MkDocsConfig,
        src: str,
        content: str | None,
        *,
        path: Path | None = None,
        export: bool = False,
        stale: set[str] | None = None,
    ) -> None:
        """Add one page or file: its ``content``, or the file at ``path`` (a COE's page is
        rendered from the COE, never read by MkDocs)."""
        existing = files.get_file_from_path(src)
        if existing is not None:
            if src.endswith(".md"):
                raise PluginError(
                    f"coe plugin: docs/{src} clashes with a page the plugin generates; "
                    "rename or remove it"
                )
            files.remove(existing)
        if export:
            assert self.scratch is not None and content is not None
            path = self.scratch / src
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8", newline="")
        if path is not None:
            file = PluginFile.generated(config, src, abs_src_path=str(path), inclusion=NOT_IN_NAV)
        else:
            file = PluginFile.generated(config, src, content=content or "", inclusion=NOT_IN_NAV)
        assert isinstance(file, PluginFile)
        file.stale = stale is None or src in stale or not src.endswith(".md")
        files.append(file)

    def _remove_scratch(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        if self.preview is not None:
            # A page's URL as the search index writes it ("" for the home page, not "./").
            pages = files.documentation_pages()
            self.preview.page_urls = {f.page.url if f.page else f.url for f in pages}
        return env

    # Before the search plugin writes its index (the build's largest moment in memory), so
    # that the COEs and their index are no longer held then.
    @event_priority(100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._remove_scratch()
        self.build = None
        if self.preview is not None:
            self.preview.merge_search_index(config)

    def on_build_error(self, *, error: Exception) -> None:
        self._remove_scratch()
        self.build = None

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        # COE files are parsed by our strict reader only: MkDocs' own front-matter parser
        # never sees them. The leading blank line stops it from reading any metadata.
        if self.build is not None and isinstance(page.file, PluginFile):
            return "\n"
        return None

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        build, src = self.build, page.file.src_uri
        if build is None:
            return markdown
        if src in build.coe_pages:
            return self._coe_page(build, page, config)
        if src in build.error_pages:
            error = build.error_pages[src]
            page.meta = {"title": html.escape(f"Errors in {error.doc.display}")}
            page.edit_url = self._edit_url(error.doc.path, config)
            return build.pages.error_page(error.doc, error.findings)
        if src in build.generated_pages:
            page.edit_url = None
            # Index tables need the width: hide the table of contents there. Listings
            # repeat what the COE pages say, so search leaves them out.
            if build.is_listing(src):
                page.meta = {"hide": ["toc"], "search": {"exclude": True}}
            page_title = build.pages.title(src)
            if page_title is not None:
                page.meta["title"] = html.escape(page_title)
            return build.generated_markdown(src, page.url)
        return markdown

    def _coe_page(self, build: SiteBuild, page: Page, config: MkDocsConfig) -> str:
        entry = build.coe_pages[page.file.src_uri]
        title = f"{entry.id}: {entry.data['title']}"
        # Material renders meta title and description unescaped: escape them here.
        page.meta = {
            "title": html.escape(title),
            "description": html.escape(" ".join(str(entry.data["impact"]["summary"]).split())),
        }
        page.edit_url = self._edit_url(entry.doc.path, config)
        body = build.take_body(entry)
        sections = [
            *build.insights.coe_sections(entry, page.url),
            build.pages.suppressions_section(
                body.suppressions, page.url, build.silenced.get(entry.doc.display, [])
            ),
        ]
        if self.preview is not None:
            sections.append(render_template("preview_note.html"))
        return build.pages.coe_page(entry, page.url, body, [s for s in sections if s])

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        build = self.build
        if build is None:
            return html
        # A COE's body stays a compressed placeholder until its page is built
        # (`_insert_body`): MkDocs converts every page before it builds any, and 10,000
        # bodies would otherwise wait in memory as HTML.
        linked = link_ids(html, self._url_for(build, page))
        if build.is_listing(page.file.src_uri):
            return build.pages.restore(linked)  # not indexed: no need to wait
        # The generated HTML goes in after linking (it links its own ids) and, for now, as
        # plain text: `_restore_generated` puts the HTML in once the search index is made.
        return build.pages.searchable(linked)

    def _url_for(self, build: SiteBuild, page: Page) -> Callable[[str], str | None]:
        """The link of a COE id as seen from ``page``; none for unknown ids and the
        page's own."""
        own = build.coe_pages.get(page.file.src_uri)

        def url_for(coe_id: str) -> str | None:
            entry = build.index.by_id.get(coe_id)
            if entry is None or entry is own:
                return None
            return relative_url(entry.url, page.url)

        return url_for

    # Before the search plugin's page context: the index reads the body and its headings.
    @event_priority(50)
    def _insert_body(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        build = self.build
        if build is None or page.file.src_uri not in build.coe_pages or page.content is None:
            return context
        url_for = self._url_for(build, page)
        page.content, toc_tokens = build.pages.insert_body(
            page.content, lambda body: build.pages.searchable(link_ids(body, url_for))
        )
        page.toc = get_toc(toc_tokens)
        return context

    # After every other plugin's page context, the search index among them.
    @event_priority(-100)
    def _restore_generated(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        if self.build is not None and page.content is not None:
            page.content = self.build.pages.restore(page.content)
        if self.preview is not None:
            self.preview.built_urls.add(page.url)
        return context

    on_page_context = CombinedEvent(_insert_body, _restore_generated)

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        # The page is written: its content has gone into the output and, earlier, into the
        # search index. The plugin's own pages let go of it, so that a build does not
        # hold the HTML of every COE at once (MkDocs keeps every page to the end).
        if self.build is not None and isinstance(page.file, PluginFile):
            page.content = None
        return output

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
