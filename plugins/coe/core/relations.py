"""Relations between COEs: the explicit ones in front-matter and their inverses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

DEFAULT_RELATION = "see-also"
# What a relation on A looks like from B; relations not listed here are symmetric.
INVERSE = {
    "caused-by": "caused",
    "caused": "caused-by",
    "recurrence-of": "recurred-in",
}


def related_id(entry: Any) -> str | None:
    """The COE id a ``related`` entry points at, or ``None`` for an external link."""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and isinstance(entry.get("coe"), str):
        return str(entry["coe"])
    return None


def relation_of(entry: Any) -> str:
    if isinstance(entry, dict) and isinstance(entry.get("relation"), str):
        return str(entry["relation"])
    return DEFAULT_RELATION


def inverse(relation: str) -> str:
    return INVERSE.get(relation, relation)


@dataclass(frozen=True, slots=True)
class Link:
    coe: str
    relation: str


def outgoing(related: Iterable[Any]) -> list[Link]:
    """The COE relations of one COE, in the order written, without repeats."""
    links: list[Link] = []
    for entry in related:
        target = related_id(entry)
        if target is not None:
            link = Link(target, relation_of(entry))
            if link not in links:
                links.append(link)
    return links


def backlinks(related_by_id: dict[str, list[Any]]) -> dict[str, list[Link]]:
    """For every COE id, the inverse relations other COEs point at it (one pass)."""
    found: dict[str, list[Link]] = {}
    for source in sorted(related_by_id):
        for link in outgoing(related_by_id[source]):
            if link.coe == source:
                continue
            back = Link(source, inverse(link.relation))
            bucket = found.setdefault(link.coe, [])
            if back not in bucket:
                bucket.append(back)
    return found
