"""Feeds written by hand, without a library: an Atom feed of published COEs and an
iCalendar file of the open action items' due dates.

Links are absolute when the site's URL is known (``site_url`` in mkdocs.yml) and relative
to the file otherwise; both files sit at the site's root, so relative links resolve
against the folder that serves them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urljoin, urlsplit

from ..core.index import ActionItem, CoeEntry, Index
from ..core.timeutil import parse_date

FEED = "feed.xml"
CALENDAR = "action-items.ics"
ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50
PRODID = "-//mkdocs-coe//Action items//EN"
# Characters XML 1.0 cannot carry at all (YAML can, in a double-quoted string).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Control characters iCalendar text may not hold (tab is allowed, newlines are escaped).
_ICS_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_FOLD_UNITS = re.compile(r"\\.|.", re.DOTALL)


def absolute(url: str, site_url: str | None) -> str:
    """A site-relative URL made absolute against ``site_url``, or left relative."""
    if not site_url:
        return url
    return urljoin(site_url if site_url.endswith("/") else site_url + "/", url)


def _xml_text(value: object) -> str:
    return _XML_INVALID.sub("", " ".join(str(value).split()))


def _rfc3339(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


# -- Atom --------------------------------------------------------------------------------------


def published(entries: Iterable[CoeEntry]) -> list[CoeEntry]:
    """Published COEs, newest first by ``date`` (then id, newest first)."""
    chosen = [e for e in entries if e.data.get("status") == "published"]
    return sorted(chosen, key=lambda e: (str(e.data["date"]), e.id), reverse=True)


def atom_feed(
    index: Index,
    generated: str,
    site_url: str | None = None,
    title: str = "COEs",
    limit: int = FEED_ENTRIES,
) -> str:
    """The Atom 1.0 feed of the newest ``limit`` published COEs."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = _xml_text(text)
        return element

    home = absolute("", site_url)
    sub(feed, "id", absolute(FEED, site_url) if site_url else "urn:coe:feed")
    sub(feed, "title", title)
    sub(feed, "subtitle", "Published Correction-of-Error analyses, newest first.")
    sub(feed, "updated", generated)
    sub(feed, "link", rel="self", href=absolute(FEED, site_url), type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=home or "./", type="text/html")
    sub(feed, "generator", "mkdocs-coe")
    for entry in published(index.entries)[:limit]:
        item = sub(feed, "entry")
        url = absolute(entry.url, site_url)
        sub(item, "id", url if site_url else f"urn:coe:{entry.id}")
        sub(item, "title", f"{entry.id}: {entry.data['title']}")
        sub(item, "link", rel="alternate", href=url, type="text/html")
        day = parse_date(entry.data["date"])
        stamp = _rfc3339(day) if day else generated
        sub(item, "published", stamp)
        sub(item, "updated", stamp)
        for name in entry.data.get("authors") or []:
            sub(sub(item, "author"), "name", str(name))
        sub(item, "summary", str(entry.data["impact"]["summary"]), type="text")
        sub(item, "category", term=str(entry.data["severity"]), label="severity")
        for service in entry.data.get("services") or []:
            sub(item, "category", term=_xml_text(service), label="service")
    if not feed.findall(f"{{{ATOM}}}entry"):
        # Atom wants an author on the feed when an entry lacks one; an empty feed has none.
        sub(sub(feed, "author"), "name", title)
    ET.indent(feed)
    body = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"


# -- iCalendar ---------------------------------------------------------------------------------


def ics_escape(text: str) -> str:
    """TEXT value escaping of RFC 5545: backslash, semicolon, comma and newlines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ICS_CONTROL.sub("", text)
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character;
    continuation lines start with one space, which counts towards their 75."""
    if len(line.encode("utf-8")) <= 75:
        return line
    if line.isascii() and "\\" not in line:
        # One octet a character and no escapes: the calendar's most lines, cut by slicing.
        rest = range(75, len(line), 74)
        return "\r\n ".join([line[:75], *(line[start : start + 74] for start in rest)])
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, 75
    # An escape such as ``\,`` or ``\n`` stays on one line, kind to lax readers.
    for char in _FOLD_UNITS.findall(line):
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _stamp(generated: str) -> str:
    """``DTSTAMP`` in UTC from the ISO 8601 generation time."""
    moment = datetime.fromisoformat(generated.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_host(site_url: str | None) -> str:
    """The domain part of the UIDs: the site's host, else ``coe``."""
    host = urlsplit(site_url).hostname if site_url else None
    return host or "coe"


def _event(
    item: ActionItem, entry: CoeEntry, stamp: str, host: str, site_url: str | None
) -> list[str]:
    data = item.data
    url = absolute(item.url, site_url)
    description = "\n".join(
        [
            f"Owner: {data['owner']}",
            f"Priority: {data['priority']}",
            f"Status: {data['status']}",
            f"Kind: {data['kind']}",
            f"COE: {entry.id}: {entry.data['title']}",
            f"Page: {url}",
            *([f"Ticket: {data['link']}"] if data.get("link") else []),
        ]
    )
    due = item.due
    uid = f"{item.coe}/{item.id}@{host}"
    summary = f"{item.coe}/{item.id}: {data['title']}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{ics_escape(uid)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{due.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(due + timedelta(days=1)).strftime('%Y%m%d')}",
        f"SUMMARY:{ics_escape(summary)}",
        f"DESCRIPTION:{ics_escape(description)}",
        f"CATEGORIES:{ics_escape(str(data['priority']))}",
        "TRANSP:TRANSPARENT",
    ]
    if site_url:
        lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return lines


def action_items_calendar(index: Index, generated: str, site_url: str | None = None) -> str:
    """An all-day event on the due date of every open action item, in due-date order."""
    stamp = _stamp(generated)
    host = calendar_host(site_url)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:COE action items",
    ]
    items = [(item, entry) for entry in index.entries for item in entry.items if item.open]
    items.sort(key=lambda pair: (pair[0].due, pair[0].coe, pair[0].id))
    for item, entry in items:
        lines.extend(_event(item, entry, stamp, host, site_url))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
