"""The Atom feed of published COEs and the iCalendar file of open action items' due
dates, read back with the `feedparser` and `icalendar` packages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path

import feedparser
import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coe.core.index import Index
from coe.site.feeds import action_items_calendar, atom_feed, fold, ics_escape
from tests.helpers import VALID_COE
from tests.insight_helpers import repo_index

GENERATED = "2026-11-27T09:30:15Z"
SITE = "https://coes.example.org/"
ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_TITLE = (
    'Caf\u00e9 <b>"checkout"</b> & co, failed; path C:\\temp, \u2603 \u00fcber-long '
    + ("\u00e9\u20ac" * 20)
)


def variant(coe_id: str, **changes: str) -> str:
    text = VALID_COE.replace("id: COE-2026-101", f"id: {coe_id}")
    for old, new in changes.items():
        text = text.replace(old.replace("_", " "), new)
    return text


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    files = {
        # Published, 2026-03-03: AI-1 done, AI-2 open and overdue.
        "COE-2026-101-a.md": VALID_COE,
        # Published and newer, with a title that needs escaping everywhere and a summary
        # over several lines. (Control characters are refused by the schema.)
        "COE-2026-102-b.md": VALID_COE.replace("id: COE-2026-101", "id: COE-2026-102")
        .replace("date: 2026-03-03", "date: 2026-05-01")
        .replace(
            "title: Label service returned HTTP 503 for 40 minutes after a connection-pool change",
            "title: " + '"' + HOSTILE_TITLE.replace("\\", "\\\\").replace('"', '\\"') + '"',
        )
        .replace(
            "  summary: 1,200 merchants could not print labels for 40 minutes (about 18,000 "
            "failed requests).",
            "  summary: |-\n    Line one & <two>.\n    Line three.",
        )
        .replace(
            "    due: 2026-03-14\n    status: open", "    due: 2026-12-24\n    status: in-progress"
        ),
        # A draft: not in the feed, but its open items are in the calendar.
        "COE-2026-103-c.md": VALID_COE.replace("id: COE-2026-101", "id: COE-2026-103")
        .replace("status: published", "status: draft")
        .replace("date: 2026-03-03", "date: 2026-06-01")
        .replace("    status: open\n", "    status: wont-do\n"),
    }
    return repo_index(tmp_path_factory.mktemp("feeds"), files)


# -- Atom -----------------------------------------------------------------------


def test_atom_feed_parses_with_published_coes_newest_first(index: Index) -> None:
    parsed = feedparser.parse(atom_feed(index, GENERATED, SITE, title="Parcelwise COEs"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Parcelwise COEs"
    assert parsed.feed.updated == GENERATED
    assert [e.id for e in parsed.entries] == [
        f"{SITE}coes/COE-2026-102-b/",
        f"{SITE}coes/COE-2026-101-a/",
    ]
    newest, older = parsed.entries
    assert newest.title == "COE-2026-102: " + HOSTILE_TITLE
    assert newest.summary == "Line one & <two>. Line three."
    assert newest.link == f"{SITE}coes/COE-2026-102-b/"
    assert newest.published == "2026-05-01T00:00:00Z"
    assert older.summary.startswith("1,200 merchants could not print labels")
    assert [a.name for a in older.authors] == ["Priya Natarajan"]
    assert {t.term for t in older.tags} == {"SEV2", "label-service"}
    self_link = [link for link in parsed.feed.links if link.rel == "self"]
    assert self_link[0].href == f"{SITE}feed.xml"


def test_atom_feed_links_are_relative_without_site_url(index: Index) -> None:
    text = atom_feed(index, GENERATED, None)
    assert not feedparser.parse(text).bozo
    root = ET.fromstring(text)
    assert root.findtext(f"{ATOM}id") == "urn:coe:feed"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        "urn:coe:COE-2026-102",
        "urn:coe:COE-2026-101",
    ]
    hrefs = [e.find(f"{ATOM}link").get("href") for e in entries]  # type: ignore[union-attr]
    assert hrefs == ["coes/COE-2026-102-b/", "coes/COE-2026-101-a/"]


def test_atom_feed_site_url_without_trailing_slash(index: Index) -> None:
    parsed = feedparser.parse(atom_feed(index, GENERATED, "https://example.org/coes"))
    assert parsed.entries[0].link == "https://example.org/coes/coes/COE-2026-102-b/"


def test_empty_atom_feed_is_valid(tmp_path: Path) -> None:
    parsed = feedparser.parse(atom_feed(repo_index(tmp_path, {}), GENERATED, SITE))
    assert not parsed.bozo
    assert parsed.entries == []
    assert parsed.feed.author == "COEs"


# -- iCalendar -----------------------------------------------------------------------


def events(text: str) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(text).walk("VEVENT"))


def test_calendar_parses_with_one_event_per_open_item(index: Index) -> None:
    text = action_items_calendar(index, GENERATED, SITE)
    found = events(text)
    # Open: COE-2026-101/AI-2 (overdue) and COE-2026-102/AI-2 (in progress); the draft's
    # AI-2 is won't-do and every AI-1 is done.
    assert [str(e["UID"]) for e in found] == [
        "COE-2026-101/AI-2@coes.example.org",
        "COE-2026-102/AI-2@coes.example.org",
    ]
    first, second = found
    assert first.decoded("DTSTART") == date(2026, 3, 14)
    assert first.decoded("DTEND") == date(2026, 3, 15)
    assert first.decoded("DTSTAMP") == datetime(2026, 11, 27, 9, 30, 15, tzinfo=UTC)
    assert str(first["SUMMARY"]) == (
        "COE-2026-101/AI-2: Alarm on connection-pool wait time above 200 ms for five minutes"
    )
    description = str(first["DESCRIPTION"])
    assert "Owner: platform\n" in description and "Priority: P2\n" in description
    assert f"Page: {SITE}coes/COE-2026-101-a/#action-AI-2" in description
    assert str(first["URL"]) == f"{SITE}coes/COE-2026-101-a/#action-AI-2"
    # Commas, semicolons, backslashes and non-ASCII text come back exactly.
    assert HOSTILE_TITLE in str(second["DESCRIPTION"])


def test_calendar_escapes_text_values(tmp_path: Path) -> None:
    title = "Fix a, b; and c\\d before the next \u00e9v\u00e9nement \u2603"
    text = VALID_COE.replace(
        "title: Alarm on connection-pool wait time above 200 ms for five minutes",
        f'title: "{title.replace(chr(92), chr(92) * 2)}"',
    )
    index = repo_index(tmp_path, {"COE-2026-101-a.md": text})
    ics = action_items_calendar(index, GENERATED, None)
    assert "SUMMARY:COE-2026-101/AI-2: Fix a\\, b\\; and c\\\\d before" in ics.replace("\r\n ", "")
    (event,) = events(ics)
    assert str(event["SUMMARY"]) == f"COE-2026-101/AI-2: {title}"
    assert str(event["UID"]) == "COE-2026-101/AI-2@coe"
    assert "URL" not in event


def test_calendar_lines_are_crlf_and_folded_at_75_octets(index: Index) -> None:
    text = action_items_calendar(index, GENERATED, SITE)
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # long lines were folded
    assert lines[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//mkdocs-coe//Action items//EN"]


def test_empty_calendar(tmp_path: Path) -> None:
    text = action_items_calendar(repo_index(tmp_path, {}), GENERATED, None)
    assert events(text) == []
    assert icalendar.Calendar.from_ical(text)["VERSION"] == "2.0"


def test_ics_escape() -> None:
    assert ics_escape("a,b;c\\d\ne\r\nf\rg\x07") == "a\\,b\\;c\\\\d\\ne\\nf\\ng"


@pytest.mark.parametrize(
    "text", ["x" * 200, "\u00e9" * 100, "\u20ac" * 70 + "a\\,b" * 20, "😀" * 40]
)
def test_fold_never_splits_a_character_or_an_escape(text: str) -> None:
    line = "DESCRIPTION:" + text
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert parts[0] + "".join(part[1:] for part in parts[1:]) == line
    assert not any(part.endswith("\\") for part in parts[:-1])


@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=400))
def test_fold_fills_each_line_of_plain_ascii_to_75_octets(text: str) -> None:
    line = "SUMMARY:" + text.replace("\\", "")
    parts = fold(line).split("\r\n")
    assert parts[0] + "".join(part[1:] for part in parts[1:]) == line
    assert all(len(part) == 75 for part in parts[:-1])
    assert 0 < len(parts[-1]) <= 75
