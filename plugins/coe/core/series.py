"""Series of incidents: COEs joined by causal or recurring relations.

``recurrence-of``, ``same-root-cause``, ``caused`` and ``caused-by`` join COEs; a series is
a connected component of two or more COEs under those relations (``see-also`` does not
join). Components come from a union-find over the relations, linear in the number of COEs
and relations. A series is named after its earliest COE (by ``incident.started``, then
id), its members are in time order, and its edges are the relations as written, each
pair and meaning once (``A caused B`` and ``B caused-by A`` are one edge).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .index import CoeEntry
from .timeutil import parse_datetime

SERIES_RELATIONS = frozenset({"recurrence-of", "same-root-cause", "caused", "caused-by"})
SERIES_DIR = "series"


@dataclass(frozen=True, slots=True)
class Edge:
    """``source`` has ``relation`` to ``target``, as written on ``source``'s page."""

    source: str
    target: str
    relation: str


@dataclass(slots=True)
class Series:
    id: str
    members: list[CoeEntry] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    @property
    def src(self) -> str:
        return f"{SERIES_DIR}/{self.id}.md"

    @property
    def member_ids(self) -> list[str]:
        return [m.id for m in self.members]


def started(entry: CoeEntry) -> datetime:
    moment = parse_datetime(entry.data["incident"]["started"])
    assert moment is not None  # the schema guarantees it
    return moment


def time_key(entry: CoeEntry) -> tuple[datetime, str]:
    return (started(entry), entry.id)


def _canonical(edge: Edge) -> tuple[str, str, str]:
    """One key for the two ways of writing the same fact."""
    if edge.relation == "caused-by":
        return (edge.target, edge.source, "caused")
    if edge.relation == "same-root-cause":
        low, high = sorted((edge.source, edge.target))
        return (low, high, "same-root-cause")
    return (edge.source, edge.target, edge.relation)


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:  # path compression
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def find_series(entries: Iterable[CoeEntry]) -> list[Series]:
    """Every series of two or more COEs, earliest series first."""
    chosen = list(entries)
    position = {entry.id: i for i, entry in enumerate(chosen)}
    forest = _UnionFind(len(chosen))
    edges: dict[tuple[str, str, str], Edge] = {}
    for entry in chosen:
        for link in entry.relations:
            if link.relation not in SERIES_RELATIONS or link.coe == entry.id:
                continue
            if link.coe not in position:
                continue  # an unknown id: reported by its rule, not drawn
            forest.union(position[entry.id], position[link.coe])
            edge = Edge(entry.id, link.coe, link.relation)
            edges.setdefault(_canonical(edge), edge)
    groups: dict[int, list[CoeEntry]] = {}
    for i, entry in enumerate(chosen):
        groups.setdefault(forest.find(i), []).append(entry)
    found: dict[int, Series] = {}
    for root, members in groups.items():
        if len(members) < 2:
            continue
        members.sort(key=time_key)
        found[root] = Series(members[0].id, members)
    for edge in edges.values():
        series = found.get(forest.find(position[edge.source]))
        if series is not None:
            series.edges.append(edge)
    ordered = sorted(found.values(), key=lambda s: time_key(s.members[0]))
    for series in ordered:
        rank = {m.id: i for i, m in enumerate(series.members)}
        series.edges.sort(key=lambda e: (rank[e.source], rank[e.target], e.relation))
    return ordered


def series_by_coe(series: Iterable[Series]) -> dict[str, Series]:
    """The series each COE belongs to, by COE id."""
    return {member.id: one for one in series for member in one.members}
