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
from functools import cache
from importlib import resources
from pathlib import Path
from string import Template

from .atomic import write_new
from .config import DEFAULT_TIMELINE_GAP_MINUTES, SEVERITIES
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


@cache
def _skeleton() -> Template:
    """The skeleton of a new COE (``templates/new_coe.md``), with ``$name`` slots."""
    text = resources.files("coe.core").joinpath("templates", "new_coe.md").read_text("utf-8")
    return Template(text)


def render(coe_id: str, coe: NewCoe, gap_minutes: int = DEFAULT_TIMELINE_GAP_MINUTES) -> str:
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
    return _skeleton().substitute(
        id=coe_id,
        title=_value(coe.title, "the title: what customers experienced, in one line"),
        severity=_value(coe.severity, "the severity, SEV1 (worst) to SEV5"),
        date=coe.date.isoformat(),
        authors=_items(coe.authors, "the authors' names"),
        team=_value(coe.team, "the team that owns this COE"),
        services=_items(coe.services, "the services involved"),
        started=started,
        first_entry=first_entry,
        gap_minutes=gap_minutes,
    )
