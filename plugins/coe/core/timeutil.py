"""Dates and times as the contract writes them, and the run's notion of today."""

from __future__ import annotations

import os
from datetime import date, datetime

from .errors import ConfigError

TODAY_ENV = "COE_TODAY"


def parse_datetime(text: object) -> datetime | None:
    """An RFC 3339 date-time with a zone as an aware datetime, or ``None``."""
    if not isinstance(text, str):
        return None
    try:
        value = datetime.fromisoformat(text.upper())
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def parse_date(text: object) -> date | None:
    if not isinstance(text, str) or len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def resolve_today(explicit: str | None = None) -> date:
    """``--today``, else ``COE_TODAY``, else the real date: overdue status depends on it."""
    for source, value in (("--today", explicit), (TODAY_ENV, os.environ.get(TODAY_ENV))):
        if value:
            parsed = parse_date(value)
            if parsed is None:
                raise ConfigError(f"{source}: {value!r} is not a date in the form YYYY-MM-DD")
            return parsed
    return date.today()


def minutes_between(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds() // 60)
