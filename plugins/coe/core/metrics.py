"""Figures about the whole corpus, computed once per build and free of any site framework.

Decisions where the contract is silent:

* An incident belongs to the quarter (UTC) of ``incident.started``: that is when it
  happened, whatever day the COE was opened. COE counts, time to detect and mitigate, and
  detection sources are all grouped that way.
* Action items are *created* on their COE's ``date`` and *completed* on their ``done``
  date. The open backlog at a month end counts the items created by then and neither
  completed by then nor ``wont-do`` (a ``wont-do`` item has no date, so it never counts).
  The current month is counted as of today.
* An item counts *on time* when it was done on or before ``due``; *late* when done after
  it or still open past it. Items not yet due and ``wont-do`` items are left out of the
  rate, so a quarter whose items are all still pending has no rate.
* Medians are the usual middle value (the mean of the two middle ones for an even count);
  the 90th percentile is the nearest-rank one: the smallest value with at least 90% of the
  values at or below it, always a value that occurred.
* Quarters and months run without gaps from the first to the last one with data, so a
  quiet quarter shows as zero rather than disappearing.
"""

from __future__ import annotations

import math
import statistics
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date
from typing import Any

from .config import SEVERITIES
from .index import ActionItem, CoeEntry, Index
from .timeutil import parse_date, parse_datetime

DETECTION_GROUPS = ("monitoring", "customer-report", "other")
TOP_SERVICES = 10


# -- calendar helpers -----------------------------------------------------------------------


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def month_of(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def quarter_range(first: str, last: str) -> list[str]:
    """Every quarter from ``first`` to ``last`` inclusive (``YYYY-Qn`` strings)."""
    year, number = int(first[:4]), int(first[-1])
    end = (int(last[:4]), int(last[-1]))
    out: list[str] = []
    while (year, number) <= end:
        out.append(f"{year}-Q{number}")
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)
    return out


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive (``YYYY-MM`` strings)."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    out: list[str] = []
    while (year, month) <= end:
        out.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def month_end(month: str) -> date:
    year, number = int(month[:4]), int(month[5:7])
    following = date(year + 1, 1, 1) if number == 12 else date(year, number + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def percentile(values: list[int], share: float) -> int | None:
    """The nearest-rank percentile: the value at rank ceil(share * n) of the sorted values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def started_day(entry: CoeEntry) -> date:
    moment = parse_datetime(entry.data["incident"]["started"])
    assert moment is not None  # the schema guarantees it
    return moment.astimezone(UTC).date()


def detection_group(source: str) -> str:
    return source if source in ("monitoring", "customer-report") else "other"


# -- the figures ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuarterCount:
    quarter: str
    by_severity: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())


@dataclass(frozen=True, slots=True)
class DurationStats:
    quarter: str
    count: int
    median_minutes: float | None
    p90_minutes: int | None


@dataclass(frozen=True, slots=True)
class DetectionShare:
    quarter: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, group: str) -> float | None:
        return self.counts[group] / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class MonthItems:
    month: str
    created: int
    completed: int
    open_at_month_end: int


@dataclass(frozen=True, slots=True)
class OnTime:
    quarter: str
    due: int
    on_time: int
    late: int
    overdue: int
    pending: int
    wont_do: int

    @property
    def decided(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def rate(self) -> float | None:
        return self.on_time / self.decided if self.decided else None


@dataclass(frozen=True, slots=True)
class TeamItems:
    team: str
    open: int
    overdue: int


@dataclass(frozen=True, slots=True)
class ServiceCount:
    service: str
    coes: int


@dataclass(slots=True)
class Metrics:
    today: date
    coes: int = 0
    items: int = 0
    quarters: list[str] = field(default_factory=list)
    coes_per_quarter: list[QuarterCount] = field(default_factory=list)
    time_to_detect: list[DurationStats] = field(default_factory=list)
    time_to_mitigate: list[DurationStats] = field(default_factory=list)
    detection: list[DetectionShare] = field(default_factory=list)
    months: list[MonthItems] = field(default_factory=list)
    on_time: list[OnTime] = field(default_factory=list)
    teams: list[TeamItems] = field(default_factory=list)
    top_services: list[ServiceCount] = field(default_factory=list)


def _incident_figures(entries: list[CoeEntry], metrics: Metrics) -> None:
    by_quarter: dict[str, list[CoeEntry]] = {}
    for entry in entries:
        by_quarter.setdefault(quarter_of(started_day(entry)), []).append(entry)
    if not by_quarter:
        return
    metrics.quarters = quarter_range(min(by_quarter), max(by_quarter))
    for quarter in metrics.quarters:
        group = by_quarter.get(quarter, [])
        severities = Counter(str(e.data["severity"]) for e in group)
        metrics.coes_per_quarter.append(
            QuarterCount(quarter, {sev: severities.get(sev, 0) for sev in SEVERITIES})
        )
        detect = [e.durations.detect_minutes for e in group]
        mitigate = [e.durations.mitigate_minutes for e in group]
        metrics.time_to_detect.append(
            DurationStats(quarter, len(detect), median(detect), percentile(detect, 0.9))
        )
        metrics.time_to_mitigate.append(
            DurationStats(quarter, len(mitigate), median(mitigate), percentile(mitigate, 0.9))
        )
        sources = Counter(detection_group(str(e.data["incident"]["detection"])) for e in group)
        metrics.detection.append(
            DetectionShare(quarter, {g: sources.get(g, 0) for g in DETECTION_GROUPS})
        )


def _done_day(item: ActionItem) -> date | None:
    return parse_date(item.data.get("done")) if item.data.get("status") == "done" else None


def _item_months(entries: list[CoeEntry], today: date, metrics: Metrics) -> None:
    created: Counter[str] = Counter()
    completed: Counter[str] = Counter()
    # (created day, closed day or None while open) of every item that can be in the backlog.
    spans: list[tuple[date, date | None]] = []
    for entry in entries:
        opened = parse_date(entry.data["date"])
        assert opened is not None
        for item in entry.items:
            created[month_of(opened)] += 1
            done = _done_day(item)
            if done is not None:
                completed[month_of(done)] += 1
                spans.append((opened, done))
            elif item.open:
                spans.append((opened, None))
    kept = [(start, closed) for start, closed in spans if closed is None or closed > start]
    starts = sorted(start for start, _ in kept)
    closes = sorted(closed for _, closed in kept if closed is not None)
    months = set(created) | set(completed)
    if not months:
        return
    last = max(*months, month_of(today))
    for month in month_range(min(months), last):
        cutoff = min(month_end(month), today) if month == month_of(today) else month_end(month)
        # Open at the cutoff: created by then, minus those closed by then (an item closed
        # on or before its creation day is never open, and was left out of the lists).
        backlog = bisect_right(starts, cutoff) - bisect_right(closes, cutoff)
        metrics.months.append(MonthItems(month, created[month], completed[month], backlog))


def _on_time(items: list[ActionItem], metrics: Metrics) -> None:
    tallies: dict[str, Counter[str]] = {}
    for item in items:
        tally = tallies.setdefault(quarter_of(item.due), Counter())
        tally["due"] += 1
        status = item.data.get("status")
        done = _done_day(item)
        if done is not None:
            tally["on_time" if done <= item.due else "late"] += 1
        elif status == "wont-do":
            tally["wont_do"] += 1
        elif item.overdue:
            tally["overdue"] += 1
        else:
            tally["pending"] += 1
    if not tallies:
        return
    for quarter in quarter_range(min(tallies), max(tallies)):
        tally = tallies.get(quarter, Counter())
        metrics.on_time.append(
            OnTime(
                quarter,
                tally["due"],
                tally["on_time"],
                tally["late"],
                tally["overdue"],
                tally["pending"],
                tally["wont_do"],
            )
        )


def _teams(entries: list[CoeEntry], metrics: Metrics) -> None:
    counts: dict[str, list[int]] = {}
    for entry in entries:
        tally = counts.setdefault(str(entry.data["team"]), [0, 0])
        tally[0] += entry.open_items
        tally[1] += entry.overdue_items
    rows = [TeamItems(team, n_open, n_overdue) for team, (n_open, n_overdue) in counts.items()]
    rows.sort(key=lambda row: (-row.overdue, -row.open, row.team.casefold(), row.team))
    metrics.teams = rows


def _services(entries: list[CoeEntry], metrics: Metrics) -> None:
    counts: Counter[str] = Counter()
    for entry in entries:
        counts.update(set(str(s) for s in entry.data["services"]))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold(), kv[0]))
    metrics.top_services = [ServiceCount(name, n) for name, n in ranked[:TOP_SERVICES]]


def compute_metrics(entries: Iterable[CoeEntry], today: date) -> Metrics:
    """Every figure of the metrics page, in one pass over the COEs and their items (the
    backlog is one pass over the items a month)."""
    chosen = list(entries)
    items = [item for entry in chosen for item in entry.items]
    metrics = Metrics(today=today, coes=len(chosen), items=len(items))
    _incident_figures(chosen, metrics)
    _item_months(chosen, today, metrics)
    _on_time(items, metrics)
    _teams(chosen, metrics)
    _services(chosen, metrics)
    return metrics


def index_metrics(index: Index) -> Metrics:
    return compute_metrics(index.entries, index.today)


def _round(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


def metrics_record(metrics: Metrics) -> dict[str, Any]:
    """The figures as plain JSON values (without ``generated``)."""
    return {
        "today": metrics.today.isoformat(),
        "coes": metrics.coes,
        "action_items": metrics.items,
        "quarters": list(metrics.quarters),
        "coes_per_quarter": [
            {"quarter": q.quarter, "total": q.total, "by_severity": dict(q.by_severity)}
            for q in metrics.coes_per_quarter
        ],
        "time_to_detect": [_duration_record(d) for d in metrics.time_to_detect],
        "time_to_mitigate": [_duration_record(d) for d in metrics.time_to_mitigate],
        "detection_sources": [
            {
                "quarter": d.quarter,
                "total": d.total,
                "counts": dict(d.counts),
                "shares": {g: _round(d.share(g)) for g in DETECTION_GROUPS},
            }
            for d in metrics.detection
        ],
        "action_items_by_month": [
            {
                "month": m.month,
                "created": m.created,
                "completed": m.completed,
                "open_at_month_end": m.open_at_month_end,
            }
            for m in metrics.months
        ],
        "on_time_completion": [
            {
                "quarter": o.quarter,
                "due": o.due,
                "on_time": o.on_time,
                "late": o.late,
                "overdue": o.overdue,
                "pending": o.pending,
                "wont_do": o.wont_do,
                "rate": _round(o.rate),
            }
            for o in metrics.on_time
        ],
        "teams": [{"team": t.team, "open": t.open, "overdue": t.overdue} for t in metrics.teams],
        "top_services": [{"service": s.service, "coes": s.coes} for s in metrics.top_services],
    }


def _duration_record(stats: DurationStats) -> dict[str, Any]:
    return {
        "quarter": stats.quarter,
        "count": stats.count,
        "median_minutes": stats.median_minutes,
        "p90_minutes": stats.p90_minutes,
    }


def metrics_document(index: Index, generated: str) -> dict[str, Any]:
    """The document of ``api/metrics.json``: every figure the metrics charts draw."""
    return {"generated": generated, **metrics_record(index_metrics(index))}
