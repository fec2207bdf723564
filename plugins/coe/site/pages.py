"""Content for every page the site generates, as Markdown with HTML blocks.

One ``SitePages`` is made per build from the core's index; each method renders one page
and does work proportional to that page only.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, timedelta
from typing import Any

from markupsafe import Markup, escape

from ..core.document import CoeDocument
from ..core.findings import Finding
from ..core.format import optional_duration, plural
from ..core.index import CoeEntry, Index, item_anchor
from ..core.suppress import Suppression
from ..core.timeutil import parse_datetime
from .autolink import link_ids
from .coe_body import PreparedBody
from .markup import render_template
from .render import add_sections
from .urls import relative_url, slug, src_to_url

SOON_DAYS = 14
PLACEHOLDER = "\n<!--coe-html:{}-->\n"
_PLACEHOLDER = re.compile(r"<!--coe-html:(\d+)-->")
# Where a COE page's rendered body goes in, once Python-Markdown has made the page.
BODY_PLACEHOLDER = "\n<!--coe-body:{}-->\n"
_BODY = re.compile(r"<!--coe-body:(\d+)-->")
_SEARCH_TEXT = "data-coe-search-text"
_RESTORE = re.compile(rf"<!--coe-html:(\d+)-->(?:<p {_SEARCH_TEXT}>[^<]*</p>)?")
_TAGS = re.compile(r"<[^>]*>")
_LABELS = re.compile(r"<(caption|thead)\b.*?</\1>", re.DOTALL)
COES_INDEX = "coes/index.md"
ACTIONS_PAGE = "actions.md"
SERVICES_INDEX = "services/index.md"
TEAMS_INDEX = "teams/index.md"


def format_utc(text: str) -> str:
    """A front-matter time shown in UTC, as the card's caption says."""
    moment = parse_datetime(text)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if moment else text


def group_page(kind: str, name: str) -> str:
    """The page of a service or team. Names that differ only in case, spacing or
    punctuation share a page; ``index`` is kept for the list of all of them."""
    key = slug(name)
    if key == "index":
        key = f"index-{kind.removesuffix('s')}"
    return f"{kind}/{key}.md"


class SitePages:
    """Renders the generated pages and the additions to COE pages."""

    def __init__(self, index: Index, use_directory_urls: bool = True) -> None:
        self.index = index
        self.use_directory_urls = use_directory_urls
        self._stash: dict[int, bytes] = {}
        self._unsearchable: set[int] = set()
        self._bodies: dict[int, tuple[bytes, list[Any]]] = {}
        self._keys = itertools.count()
        self.services: dict[str, list[CoeEntry]] = defaultdict(list)
        self.teams: dict[str, list[CoeEntry]] = defaultdict(list)
        # The first spelling of a name stands for the lookalikes that share its page.
        spelling: dict[str, str] = {}
        for entry in index.entries:
            for kind, names, groups in (
                ("teams", [entry.data["team"]], self.teams),
                ("services", entry.data["services"], self.services),
            ):
                for name in names:
                    members = groups[spelling.setdefault(group_page(kind, name), name)]
                    if not members or members[-1] is not entry:
                        members.append(entry)
        # Each group page's source, to the name it is listed under.
        self._group_names = {group_page("services", n): n for n in self.services}
        self._group_names.update({group_page("teams", n): n for n in self.teams})

    # -- helpers shared by templates ---------------------------------------------------

    def url(self, src: str) -> str:
        return src_to_url(src, self.use_directory_urls)

    def _render(
        self,
        template: str,
        page_url: str,
        own: str | None = None,
        searchable: bool = True,
        **values: Any,
    ) -> str:
        def rel(target: str) -> str:
            return relative_url(target, page_url)

        def url_for(coe_id: str) -> str | None:
            entry = self.index.by_id.get(coe_id)
            return None if entry is None or coe_id == own else rel(entry.url)

        def linked(text: Any) -> Markup:
            """Free text with the ids of other COEs linked, as in the author's body."""
            return Markup(link_ids(str(escape(text)), url_for))

        def coe_link(coe_id: str) -> Any:
            entry = self.index.by_id.get(coe_id)
            if entry is None:
                return escape(coe_id)
            return Markup('<a href="{}">{}</a>').format(
                rel(entry.url), f"{coe_id}: {entry.data['title']}"
            )

        html = render_template(
            template,
            rel=rel,
            linked=linked,
            coe_link=coe_link,
            coe_url=lambda coe_id: self.index.by_id[coe_id].url,
            service_url=lambda name: self.url(group_page("services", name)),
            team_url=lambda name: self.url(group_page("teams", name)),
            minutes=optional_duration,
            utc=format_utc,
            anchor=item_anchor,
            **values,
        )
        return self.stash(html, searchable)

    def stash(self, html: str, searchable: bool = True) -> str:
        """A placeholder for generated ``html`` in a page's Markdown."""
        # Python-Markdown would parse our HTML again (slowly, and it gains nothing): the page
        # gets a placeholder comment, which `restore` swaps for the HTML after conversion.
        # MkDocs converts every page before it writes any, so the HTML of all pages waits
        # here: compressed, it takes a fifth of the room (and microseconds to unpack).
        key = next(self._keys)
        self._stash[key] = zlib.compress(html.encode("utf-8"), 1)
        if not searchable:
            self._unsearchable.add(key)
        return PLACEHOLDER.format(key)

    def searchable(self, content: str) -> str:
        """The converted page as the search index should read it: after each placeholder,
        the words of its HTML, without the markup (tables and cards cost the indexer far
        more than their words are worth) and without table captions and headings (the
        same on every page, they would match every COE)."""

        def text_of(match: re.Match[str]) -> str:
            key = int(match[1])
            if key in self._unsearchable:
                return match[0]
            html = _LABELS.sub(" ", self._html(key, keep=True))
            words = " ".join(_TAGS.sub(" ", html).split())
            return f"{match[0]}<p {_SEARCH_TEXT}>{words}</p>"

        return _PLACEHOLDER.sub(text_of, content)

    def restore(self, content: str) -> str:
        """The page with each placeholder (and the search text after it) replaced by its
        HTML."""
        return _RESTORE.sub(lambda m: self._html(int(m[1]), keep=False), content)

    def _html(self, key: int, keep: bool) -> str:
        if not keep:
            self._unsearchable.discard(key)
        packed = self._stash.get(key) if keep else self._stash.pop(key, None)
        return zlib.decompress(packed).decode("utf-8") if packed is not None else ""

    def sources(self) -> list[str]:
        """Every generated page's source path."""
        groups = [group_page("services", n) for n in self.services]
        groups += [group_page("teams", n) for n in self.teams]
        return [COES_INDEX, ACTIONS_PAGE, SERVICES_INDEX, TEAMS_INDEX, *groups]

    # -- COE pages -----------------------------------------------------------------------

    def coe_page(
        self,
        entry: CoeEntry,
        page_url: str,
        body: PreparedBody,
        extra_sections: Sequence[str] = (),
    ) -> str:
        """The COE's page as Markdown for MkDocs: a placeholder for the header card, the
        author's body (rendered when the COE was checked) with the front-matter's action
        items and relations in their places, and the ``extra_sections`` (``insert_body``
        puts them in the page)."""
        card = self._render("card.html", page_url, own=entry.id, entry=entry)
        items = self._render("action_items.html", page_url, own=entry.id, entry=entry)
        related_entries = entry.data.get("related") or []
        external = [r for r in related_entries if isinstance(r, dict) and "url" in r]
        # A relation both COEs wrote down is shown once, as this COE wrote it.
        backlinks = [link for link in entry.backlinks if link not in entry.relations]
        # The relations list other COEs: a search for their words should find those.
        related = self._render(
            "related.html",
            page_url,
            own=entry.id,
            searchable=False,
            entry=entry,
            backlinks=backlinks,
            external=external,
        )
        rendered = add_sections(body.rendered(items, related), extra_sections)
        number = next(self._keys)
        page = zlib.compress(f"{card}\n{rendered.html}".encode(), 1)
        self._bodies[number] = (page, rendered.toc_tokens())
        return BODY_PLACEHOLDER.format(number)

    def insert_body(
        self, content: str, finish: Callable[[str], str] = lambda html: html
    ) -> tuple[str, list[Any]]:
        """The converted page with the COE's rendered body (passed through ``finish``) in
        place of its placeholder, and the table of contents of its headings as
        ``toc_tokens`` (the shape MkDocs' ``get_toc`` takes)."""
        toc: list[Any] = []

        def body_of(match: re.Match[str]) -> str:
            packed, tokens = self._bodies.pop(int(match[1]), (b"", []))
            toc.extend(tokens)
            return finish(zlib.decompress(packed).decode("utf-8")) if packed else ""

        return _BODY.sub(body_of, content), toc

    def suppressions_section(
        self, active: Sequence[Suppression], page_url: str, silenced: list[Finding]
    ) -> str | None:
        """The COE's `coe-ignore` comments that silence a check, with their reasons, so
        silenced checks stay visible to readers; ``None`` when it has none."""
        if not active:
            return None

        def counts(suppression: Suppression) -> int:
            return sum(1 for f in silenced if f.rule in suppression.silences)

        table = self._render("suppressions.html", page_url, suppressions=active, counts=counts)
        return f"## Suppressed checks\n\n{table}\n"

    def error_page(self, doc: CoeDocument, findings: list[Finding]) -> str:
        return "\n" + self._render("error.html", "", title=doc.display, findings=findings) + "\n"

    # -- generated pages -------------------------------------------------------------------

    def _table(self, page_url: str, entries: list[CoeEntry], caption: str, table_id: str) -> str:
        ordered = sorted(entries, key=lambda e: (e.data["date"], e.id), reverse=True)
        return self._render(
            "coe_table.html", page_url, entries=ordered, caption=caption, table_id=table_id
        )

    def coes_index(self, page_url: str) -> str:
        count = len(self.index.entries)
        intro = (
            f"{plural(count, 'COE')}, newest first. Type in the filter to "
            "narrow the list; select a column heading to sort by it."
        )
        table = self._table(page_url, self.index.entries, "All COEs", "coe-index")
        return f"# All COEs\n\n{intro}\n\n{table}\n"

    def group_index(self, kind: str, page_url: str) -> str:
        groups = self.services if kind == "services" else self.teams
        title = "Services" if kind == "services" else "Teams"
        listing = self._render(
            "groups.html",
            page_url,
            groups=sorted(groups.items(), key=lambda kv: kv[0].casefold()),
            url=lambda name: self.url(group_page(kind, name)),
        )
        if not groups:
            listing = "No COEs yet."
        return f"# {title}\n\n{listing}\n"

    def group_members(self, src: str) -> list[CoeEntry] | None:
        """The COEs of a service's or team's page, or ``None`` when ``src`` is not one."""
        name = self._group_names.get(src)
        if name is None:
            return None
        return (self.services if src.startswith("services/") else self.teams)[name]

    def title(self, src: str) -> str | None:
        """The title of a generated page whose Markdown has no heading to take it from."""
        name = self._group_names.get(src)
        if name is None:
            return None
        return f"{'Service' if src.startswith('services/') else 'Team'}: {name}"

    def render(self, src: str, page_url: str) -> str | None:
        """The Markdown of one generated page, or ``None`` when ``src`` is not one."""
        if src == COES_INDEX:
            return self.coes_index(page_url)
        if src == ACTIONS_PAGE:
            return self.actions(page_url)
        if src in (SERVICES_INDEX, TEAMS_INDEX):
            return self.group_index(src.split("/", 1)[0], page_url)
        title = self.title(src)
        if title is None:
            return None
        name = self._group_names[src]
        groups = self.services if src.startswith("services/") else self.teams
        heading = self._render("heading.html", page_url, text=title)
        table = self._table(page_url, groups[name], f"COEs of {name}", "coe-group")
        return f"\n{heading}\n\n{table}\n"

    def actions(self, page_url: str) -> str:
        today = self.index.today
        items = [item for item in self.index.items if item.open]
        items.sort(key=lambda i: (not i.overdue, i.due, i.coe, _natural(i.id)))
        owners: dict[str, list[int]] = {}
        for item in items:
            counts = owners.setdefault(item.data["owner"], [0, 0])
            counts[0] += 1
            counts[1] += int(item.overdue)
        soon = today + timedelta(days=SOON_DAYS)
        html = self._render(
            "actions.html",
            page_url,
            items=items,
            overdue=sum(1 for i in items if i.overdue),
            due_soon=sum(1 for i in items if today <= i.due <= soon),
            soon_days=SOON_DAYS,
            today=today.isoformat(),
            owners=sorted(owners.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0])),
        )
        return f"# Open action items\n\n{html}\n"


def _natural(item_id: str) -> tuple[int, str]:
    digits = re.sub(r"\D", "", item_id)
    return (int(digits) if digits else 0, item_id)
