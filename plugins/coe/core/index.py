"""The cross-COE index built once per run: durations, relations both ways, action items
with their open and overdue state. Everything here is linear in the number of COEs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from .corpus import Corpus
from .document import CoeDocument
from .relations import Link, backlinks, outgoing
from .timeutil import minutes_between, parse_date, parse_datetime

OPEN_STATUSES = frozenset({"open", "in-progress"})


def src_to_url(src: str, use_directory_urls: bool = True) -> str:
    """The site-relative URL of the page MkDocs makes from ``src`` (``coes/x.md``): the
    one rule for every page's URL, COE or generated, and the one MkDocs applies."""
    stem = str(PurePosixPath(src).with_suffix(""))
    if not use_directory_urls:
        return f"{stem}.html"
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return f"{stem}/"


def page_url(relative_path: str, use_directory_urls: bool = True) -> str:
    """The site-relative URL of the page for a COE file at ``coes/<relative_path>``."""
    return src_to_url(f"coes/{relative_path}", use_directory_urls)


def item_anchor(item_id: str) -> str:
    """The HTML id of an action item's row on its COE page."""
    return f"action-{item_id}"


@dataclass(frozen=True, slots=True)
class Durations:
    detect_minutes: int
    mitigate_minutes: int
    resolve_minutes: int | None


@dataclass(slots=True)
class ActionItem:
    coe: str
    data: dict[str, Any]
    open: bool
    overdue: bool
    days_overdue: int
    url: str

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def due(self) -> date:
        due = parse_date(self.data["due"])
        assert due is not None  # the schema guarantees the format
        return due


@dataclass(slots=True)
class CoeEntry:
    doc: CoeDocument
    data: dict[str, Any]
    url: str
    durations: Durations
    relations: list[Link]
    backlinks: list[Link] = field(default_factory=list)
    items: list[ActionItem] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def open_items(self) -> int:
        return sum(1 for item in self.items if item.open)

    @property
    def overdue_items(self) -> int:
        return sum(1 for item in self.items if item.overdue)


@dataclass(slots=True)
class Index:
    today: date
    entries: list[CoeEntry] = field(default_factory=list)
    by_id: dict[str, CoeEntry] = field(default_factory=dict)

    @property
    def items(self) -> list[ActionItem]:
        return [item for entry in self.entries for item in entry.items]


def durations(data: dict[str, Any]) -> Durations:
    incident = data["incident"]
    started = parse_datetime(incident["started"])
    detected = parse_datetime(incident["detected"])
    mitigated = parse_datetime(incident["mitigated"])
    resolved = parse_datetime(incident.get("resolved"))
    assert started and detected and mitigated  # the schema guarantees them
    return Durations(
        minutes_between(started, detected),
        minutes_between(started, mitigated),
        minutes_between(started, resolved) if resolved else None,
    )


def item_state(data: dict[str, Any], today: date) -> tuple[bool, bool, int]:
    """(open, overdue, days overdue): open is open or in-progress; overdue when open and
    due before today (an item due today is not overdue)."""
    is_open = data.get("status") in OPEN_STATUSES
    due = parse_date(data.get("due"))
    days = (today - due).days if is_open and due is not None else 0
    return is_open, days > 0, max(days, 0)


def build_index(corpus: Corpus, today: date, use_directory_urls: bool = True) -> Index:
    """Index every COE whose front-matter passed the schema, in id order."""
    index = Index(today=today)
    valid = [doc for doc in corpus.documents if doc.schema_valid and doc.data is not None]
    for doc in sorted(valid, key=lambda d: (str(d.id), d.display)):
        data = doc.data
        assert data is not None
        if data["id"] in index.by_id:
            continue  # a duplicate id: reported by its rule, published once
        relative = (
            doc.path.relative_to(corpus.config.coes_dir).as_posix()
            if _inside(doc, corpus)
            else doc.path.name
        )
        url = page_url(relative, use_directory_urls)
        entry = CoeEntry(doc, data, url, durations(data), outgoing(data.get("related") or []))
        for item in data["action_items"]:
            is_open, overdue, days = item_state(item, today)
            entry.items.append(
                ActionItem(
                    data["id"], item, is_open, overdue, days, f"{url}#{item_anchor(item['id'])}"
                )
            )
        index.entries.append(entry)
        index.by_id[entry.id] = entry
    found = backlinks({entry.id: entry.data.get("related") or [] for entry in index.entries})
    for coe_id, links in found.items():
        if coe_id in index.by_id:
            index.by_id[coe_id].backlinks = links
    return index


def _inside(doc: CoeDocument, corpus: Corpus) -> bool:
    try:
        doc.path.relative_to(corpus.config.coes_dir)
    except ValueError:
        return False
    return True
