"""How numbers, durations and counts are written for people: one way, everywhere (the
CLI, the findings, the site's pages, charts and feeds)."""

from __future__ import annotations

NONE = "–"  # what a missing value shows as on the site


def plural(count: int, word: str) -> str:
    """``1 file``, ``2 files``, ``0 files``: the count and the word, with an ``s`` unless
    the count is one."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def duration(minutes: int) -> str:
    """Whole minutes as a reader says them, largest unit first and zero parts left out:
    ``45 min``, ``1 h 5 min``, ``2 h``, ``1 d 1 h`` (1,500 minutes)."""
    if minutes < 60:
        return f"{minutes} min"
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = (
        f"{days} d" if days else "",
        f"{hours} h" if hours else "",
        f"{mins} min" if mins else "",
    )
    return " ".join(part for part in parts if part)


def optional_duration(minutes: int | None, missing: str = NONE) -> str:
    """:func:`duration`, or ``missing`` for no value."""
    return missing if minutes is None else duration(minutes)


def number(value: float | None) -> str:
    """A number without a needless ``.0`` (at most two decimals); ``–`` for none."""
    if value is None:
        return NONE
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def percent(share: float | None) -> str:
    """A share of one as a whole percentage: ``0.256`` as ``26%``; ``–`` for none."""
    return NONE if share is None else f"{share * 100:.0f}%"
