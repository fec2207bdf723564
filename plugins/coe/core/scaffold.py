"""A new COE: the next free id, the file name and a skeleton with every required part.

Values the author has not given yet are written as ``TODO: <what to write>`` markers.
The ``placeholder`` rule reports every marker still in a COE as an error, so a skeleton
cannot be merged until each one is filled in; fields whose type is not text (times,
enums, numbers) also fail the schema while they hold a marker.

Ids are allocated under a lock on the COE folder and the file is created with
:func:`~coe.core.atomic.write_new`, so two ``coe new`` runs at once never take the same
id and never leave a half-written file.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from .atomic import write_new
from .config import SEVERITIES
from .ids import format_id, scan_working_tree
from .timeutil import parse_datetime

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: the exclusive create still never overwrites
    fcntl = None  # type: ignore[assignment]

PLACEHOLDER = "TODO:"
# A marker in text: `TODO:` as a word of its own, in upper case, then what to write.
MARKER = re.compile(r"(?<![A-Za-z0-9_])TODO:")
MAX_TITLE = 140
MAX_SLUG = 60
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ._/()+-]*")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"})


class IdTaken(Exception):
    """A chosen id is already used; ``place`` says where."""

    def __init__(self, coe_id: str, place: str) -> None:
        super().__init__(f"{coe_id} is already used by {place}")
        self.coe_id, self.place = coe_id, place


@dataclass
class NewCoe:
    """What the author told us; ``None`` or empty means "write a marker instead"."""

    date: date
    title: str | None = None
    severity: str | None = None
    team: str | None = None
    services: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    started: datetime | None = None


# ---------------------------------------------------------------------------- values


def check_line(text: str, what: str, limit: int = 200) -> str:
    """``text`` stripped, if it is one non-empty line of at most ``limit`` characters."""
    value = text.strip()
    if not value:
        raise ValueError(f"the {what} is empty")
    if any(ch in value for ch in "\r\n\x85\u2028\u2029"):
        raise ValueError(f"the {what} must be one line")
    if len(value) > limit:
        raise ValueError(f"the {what} is {len(value)} characters long; the limit is {limit}")
    if value.startswith(PLACEHOLDER):
        raise ValueError(f"the {what} cannot start with {PLACEHOLDER}")
    return value


def check_title(text: str) -> str:
    return check_line(text, "title", MAX_TITLE)


def check_severity(text: str) -> str:
    value = text.strip().upper()
    if value not in SEVERITIES:
        raise ValueError(f"{text.strip()!r} is not a severity: use one of {', '.join(SEVERITIES)}")
    return value


def parse_started(text: str) -> datetime:
    """An RFC 3339 date-time with a zone (``2026-03-02T14:05:00Z``); seconds may be left
    out (``2026-03-02T14:05Z``), a space may replace the ``T`` and `` UTC`` the ``Z``."""
    cleaned = text.strip()
    if cleaned.upper().endswith(" UTC"):
        cleaned = cleaned[:-4] + "Z"
    value = parse_datetime(cleaned.replace(" ", "T", 1))
    if value is None:
        raise ValueError(
            f"{text.strip()!r} is not a date-time with a zone, such as 2026-03-02T14:05:00Z "
            "or 2026-03-02T16:05:00+02:00"
        )
    return value


def format_time(value: datetime) -> str:
    """RFC 3339 with seconds, ``Z`` for UTC."""
    text = value.replace(microsecond=0).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def slugify(title: str) -> str:
    """A file-name-safe slug of the title: ASCII letters and digits joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG:
        cut = slug[:MAX_SLUG]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug or "untitled"


# ---------------------------------------------------------------------------- ids


def used_numbers(coes_dir: Path, year: int) -> set[int]:
    """The numbers of every COE id of ``year`` in the folder: from file names and from the
    ``id`` in each file's front-matter (a copied file may not be renamed yet)."""
    return scan_working_tree(coes_dir).numbers(year)


def next_number(coes_dir: Path, year: int) -> int:
    """One more than the highest number used in ``year`` in the folder (1 for the first)."""
    return max(used_numbers(coes_dir, year), default=0) + 1


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder while an id is chosen and its file created.
    The kernel releases it if the process dies; no lock file is left behind."""
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def create(
    coes_dir: Path,
    year: int,
    coe: NewCoe,
    gap_minutes: int = 15,
    *,
    also_taken: Iterable[int] = (),
    number: int | None = None,
) -> tuple[str, Path]:
    """Create ``<coes_dir>/<year>/<ID>-<slug>.md`` with the next free id (past the folder's
    numbers and ``also_taken``), or with ``number`` when the author chose it; returns the
    id and the path. Never overwrites: on an existing file the next number is tried, or,
    for a chosen number, :class:`IdTaken` is raised."""
    folder = coes_dir / f"{year:04d}"
    folder.mkdir(parents=True, exist_ok=True)
    slug = slugify(coe.title or "")
    with _folder_lock(coes_dir):
        if number is not None:
            coe_id = format_id(year, number)
            place = scan_working_tree(coes_dir).places.get((year, number))
            if place is not None:
                raise IdTaken(coe_id, place)
            path = folder / f"{coe_id}-{slug}.md"
            try:
                write_new(path, render(coe_id, coe, gap_minutes))
            except FileExistsError as exc:
                raise IdTaken(coe_id, str(path)) from exc
            return coe_id, path
        # The folder is read again under the lock: another run may just have taken one.
        number = max(next_number(coes_dir, year), max(also_taken, default=0) + 1)
        for _ in range(1000):
            coe_id = format_id(year, number)
            path = folder / f"{coe_id}-{slug}.md"
            try:
                write_new(path, render(coe_id, coe, gap_minutes))
            except FileExistsError:
                number += 1
                continue
            return coe_id, path
    raise FileExistsError(f"no free COE id found in {folder}")


# ---------------------------------------------------------------------------- text


def yaml_scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as the same string: plain when that is
    unambiguous, else double-quoted (JSON's string syntax is valid YAML)."""
    plain = (
        _PLAIN.fullmatch(value) is not None
        and value == value.strip()
        and value.lower() not in _YAML_WORDS
        and not value.endswith((" ", ".", ":"))
        and " #" not in value
    )
    return value if plain else json.dumps(value, ensure_ascii=False)


def _todo(what: str) -> str:
    return json.dumps(f"{PLACEHOLDER} {what}", ensure_ascii=False)


def _value(given: str | None, what: str) -> str:
    return yaml_scalar(given) if given else _todo(what)


def _items(given: list[str], what: str) -> str:
    values = [yaml_scalar(v) for v in given] or [_todo(what)]
    return "".join(f"\n  - {v}" for v in values)


def _timeline_time(value: datetime) -> str:
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%d %H:%M:%S UTC" if utc.second else "%Y-%m-%d %H:%M UTC")


def render(coe_id: str, coe: NewCoe, gap_minutes: int = 15) -> str:
    """The text of a new COE: the whole front-matter and every required section, each
    with a short note on what belongs there as an HTML comment (not shown on the site)."""
    example = "2026-03-02T14:05:00Z"
    started = (
        yaml_scalar(format_time(coe.started))
        if coe.started
        else _todo(f"when the trigger happened (the change or fault, not the page), e.g. {example}")
    )
    first_entry = (
        f"- {_timeline_time(coe.started)} - TODO: the trigger: what changed or failed first"
        if coe.started
        else "- TODO: the trigger, as `YYYY-MM-DD HH:MM UTC - what changed or failed first`"
    )
    return f"""\
---
# Replace every value that starts with "TODO:"; `coe validate` lists the ones left.
id: {coe_id}
title: {_value(coe.title, "the title: what customers experienced, in one line")}
status: draft
severity: {_value(coe.severity, "the severity, SEV1 (worst) to SEV5")}
date: {coe.date.isoformat()}
authors:{_items(coe.authors, "the authors' names")}
team: {_value(coe.team, "the team that owns this COE")}
services:{_items(coe.services, "the services involved")}
tags: []
incident:
  # RFC 3339 date-times with seconds and a zone, in order: started <= detected <= mitigated.
  started: {started}
  detected: {_todo("when the owners learned of the customer impact")}
  mitigated: {_todo("when the customer impact ended")}
  # resolved: when the root cause was fixed, if that was later than the mitigation
  detection: {_todo("how it was detected: monitoring, customer-report, internal-report or other")}
impact:
  summary: {_todo("the impact in numbers, in one or two sentences")}
  customers_affected: {_todo("the number of customers affected (accounts, users or hosts)")}
  nfrs:
    - {_todo("the qualities hit: reliability, security, performance, cost or operations")}
  # sla_breached: false
  # overcharged: false
  # monetary_loss: {{amount: 0, currency: EUR}}
# related:
#   - COE-2025-011
#   - {{coe: COE-2025-011, relation: recurrence-of}}
#   - {{url: https://wiki.example.com/runbook, title: The service runbook}}
action_items:
  - id: AI-1
    title: {_todo("a specific, achievable action")}
    kind: {_todo("the kind: prevent, detect, diagnose, mitigate or process")}
    priority: {_todo("the priority, P0 (highest) to P3")}
    owner: {_todo("the team or person who owns the action")}
    due: {_todo("the due date, YYYY-MM-DD")}
    status: open
    # link: https://tracker.example.com/browse/ABC-123
    # addresses: [1, 2]
---

## Incident summary

<!-- Write this last: many readers stop after it. In a few sentences say what broke, who
was affected and how many, for how long, how you found out, how the impact was stopped
and what will change. Prefer numbers to adjectives. -->

TODO: a summary that makes sense on its own

## Impact

<!-- Who was affected, counted in a stated unit (merchants, users, parcels, hosts), what
they could not do and for how long; then the consequences: support tickets, missed
pickups, SLA credits, wrong charges. Keep the numbers in step with `impact` above. -->

TODO: the impact on customers, in numbers

## Timeline

<!-- One list item per event, in UTC and in time order, starting with the trigger (the
change or fault that started it), not the alarm. Each item starts with its time:
`- 2026-03-02 14:05 UTC - what happened`. Explain every gap longer than {gap_minutes}
minutes with a nested item that starts with `Gap:` under the later entry. -->

{first_entry}
- TODO: when and how the team learned of the impact
- TODO: when the customer impact ended

## Metrics

<!-- The numbers and graphs that show the impact and the recovery (error rate, latency,
backlog), before, during and after. Link the dashboards with the incident's time range. -->

TODO: the metrics that show the impact and the recovery, with links to the dashboards

## Incident questions

<!-- For each question, say what would have made that phase shorter or unnecessary, and
by how much. -->

### Detection

<!-- How was the impact noticed, and how long after it started? What would have noticed
it sooner? -->

TODO: how the impact was detected, and what would have detected it sooner

### Diagnosis

<!-- How long from detection to knowing the cause? What slowed the responders down? -->

TODO: how the cause was found, and what would have found it faster

### Mitigation

<!-- What stopped the impact, and how long did it take? What would have made it faster
or safer: a rollback, a switch, a runbook? -->

TODO: how the impact was stopped, and how to stop it sooner next time

### Prevention

<!-- What would have prevented the incident, or kept its blast radius smaller? -->

TODO: what would have prevented the incident or limited its reach

## Five whys

<!-- First a sentence that states the problem as customers saw it. Then ask "why?" of
each answer in turn, five times or more, until you reach causes in the system or the
process that an action item can change. If an answer is a person's mistake, ask why the
system allowed it. -->

TODO: the problem, as customers experienced it

1. TODO: why it happened: the immediate cause
2. TODO: why the answer above happened
3. TODO: why the answer above happened
4. TODO: why the answer above happened
5. TODO: why the answer above happened

## Action items

<!-- The action items live in the front-matter (`action_items`) and the site lists them
here. Each one is specific, owned and dated; `addresses` names the whys it fixes. Add
prose here only when the items need context. -->

## Related items

<!-- Other COEs go in `related` in the front-matter (the site shows them here, with the
COEs that point back at this one); runbooks, tickets and designs can go there as `url`
entries or be linked here. -->
"""
