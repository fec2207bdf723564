"""The second line of defence: the HTML rendered from a COE's body keeps only what the
Markdown it is written in can produce, so that no active content reaches a page even where
the ``active-content`` rule is turned off.

Kept: text formatting, lists (task-list checkboxes become disabled checkboxes), tables
(with their alignment), links and images over http(s), mailto and tel or relative URLs,
images from ``data:image/...`` URLs, code with its highlighting classes, admonitions and
details, footnotes, heading ids and their permalinks. Dropped: scripts and styles with
their content; frames, objects, embeds, forms and their fields, ``base``, ``meta`` and
``link``; every event handler, ``style`` attribute (but a table cell's ``text-align``) and
any URL of another scheme (``javascript:``, ``vbscript:``, ``data:`` other than an image).
"""

from __future__ import annotations

import re

import nh3

_HEADINGS = {f"h{n}" for n in range(1, 7)}
TAGS = {
    *_HEADINGS,
    *("a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col"),
    *("colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption"),
    *("figure", "hr", "i", "img", "input", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q"),
    *("rp", "rt", "ruby", "s", "samp", "section", "small", "span", "strong", "sub"),
    *("summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u"),
    *("ul", "var", "wbr"),
}
# Removed with everything inside them; other unknown elements leave their text.
CONTENT_DROPPED = {"script", "style", "template", "noscript", "textarea", "select", "title"}
ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "title", "lang", "dir"},
    "a": {"href", "id"},  # the id of a footnote reference, which its note links back to
    "img": {"src", "alt", "width", "height"},
    "li": {"id"},  # a footnote
    "ol": {"start", "reversed", "type"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "style"},
    "col": {"span"},
    "details": {"open"},
    "input": {"checked"},
    "time": {"datetime"},
    "abbr": {"title"},
    **{tag: {"id"} for tag in _HEADINGS},
}
# Whatever an author writes, an input is a task list's checkbox, which a reader cannot
# change.
FORCED = {"input": {"type": "checkbox", "disabled": ""}}
SCHEMES = {"http", "https", "mailto", "tel"}
_IMAGE_DATA = re.compile(r"\s*data:image/[a-z0-9.+-]+[;,]", re.IGNORECASE)


def _only_image_data(tag: str, attribute: str, value: str) -> str | None:
    """A ``data:`` URL is kept only as an image's source."""
    if value.lstrip().lower().startswith("data:") and not (
        tag == "img" and attribute == "src" and _IMAGE_DATA.match(value)
    ):
        return None
    return value


_COMMON = {
    "tags": TAGS,
    "clean_content_tags": CONTENT_DROPPED,
    "attributes": ATTRIBUTES,
    "set_tag_attribute_values": FORCED,
    "filter_style_properties": {"text-align"},
    "strip_comments": True,
    "link_rel": None,
}
_PLAIN = nh3.Cleaner(url_schemes=SCHEMES, **_COMMON)  # type: ignore[arg-type]
# A filter called for every attribute costs time: used only where a data: URL may be.
_WITH_DATA = nh3.Cleaner(
    url_schemes={*SCHEMES, "data"},
    attribute_filter=_only_image_data,
    **_COMMON,  # type: ignore[arg-type]
)


_INPUT = re.compile(r"<input\b[^>]*>")
_TASK_CLASS = "task-list-item-checkbox"


def _checkbox(match: re.Match[str]) -> str:
    """An input as one canonical disabled checkbox (nh3 adds the forced attributes in no
    fixed order)."""
    tag = match[0]
    parts = [f' class="{_TASK_CLASS}"' if _TASK_CLASS in tag else ""]
    parts.append(' type="checkbox" disabled=""')
    parts.append(' checked=""' if re.search(r'\schecked=""', tag) else "")
    return f"<input{''.join(parts)}>"


def sanitize(html: str) -> str:
    """``html`` with only the allowed elements, attributes and URLs."""
    cleaner = _WITH_DATA if "data:" in html.lower() else _PLAIN
    clean = cleaner.clean(html)
    return _INPUT.sub(_checkbox, clean) if "<input" in clean else clean
