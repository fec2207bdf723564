"""A COE page's body, rendered in the process that checks the COE.

Rendering the author's Markdown is most of the work of a COE page. The pipeline runs
``prepare_body`` on each COE while its text is still in memory, in the worker that checks
it (``load_and_check``'s ``prepare``), so a build spreads the rendering over the cores with
the checking and the page reads no file again. What depends on the other COEs goes in
when the page is made: the action items' and relations' tables fill the slots left for
them, and the sections the site adds follow the body (``SitePages.coe_page``).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from ..core.document import CoeDocument
from ..core.index import item_anchor
from ..core.rules import SILENCEABLE
from ..core.suppress import Suppression, parse_suppressions
from .render import Heading, RenderedBody, render_body

# Comments in the rendered body where the tables go. The author's HTML cannot hold one:
# the sanitizer drops comments, and a code block shows them escaped.
ITEMS_SLOT = "<!--coe-slot:action-items-->"
RELATED_SLOT = "<!--coe-slot:related-->"


@dataclass(frozen=True, slots=True)
class PreparedBody:
    """A COE's rendered body: its HTML with the tables' slots (compressed, since a build
    holds every COE's until its page is made), its headings, the ids they took, and the
    body's ``coe-ignore`` comments that silence a check (shown on the page)."""

    packed: bytes
    headings: tuple[Heading, ...]
    ids: frozenset[str]
    suppressions: tuple[Suppression, ...]

    def rendered(self, items: str, related: str) -> RenderedBody:
        """The body with the action items' and the relations' HTML in their slots."""
        html = zlib.decompress(self.packed).decode("utf-8")
        html = html.replace(ITEMS_SLOT, items, 1).replace(RELATED_SLOT, related, 1)
        return RenderedBody(html, list(self.headings), set(self.ids))


def prepare_body(doc: CoeDocument) -> PreparedBody | None:
    """The body of a COE that will have a page (its front-matter passed the schema);
    ``None`` for the others."""
    if not doc.schema_valid or doc.data is None or doc.split is None or doc.body is None:
        return None
    text, first = doc.split.body, doc.split.body_line
    end = text.count("\n") + 1
    # Each table goes at the end of its section, or at the end of the body.
    insertions: dict[int, str] = {}
    for key, slot in (("action items", ITEMS_SLOT), ("related items", RELATED_SLOT)):
        section = doc.body.section(key)
        at = section.end_line - first if section else end
        insertions[at] = insertions.get(at, "") + slot
    # Headings must not take the ids of the card and the action items' rows.
    taken = ["coe-title", *(item_anchor(item["id"]) for item in doc.data["action_items"])]
    rendered = render_body(text, insertions=insertions, taken_ids=taken)
    found = parse_suppressions(text, first, SILENCEABLE)
    return PreparedBody(
        zlib.compress(rendered.html.encode("utf-8"), 1),
        tuple(rendered.headings),
        frozenset(rendered.ids),
        tuple(s for s in found if s.silences),
    )
