"""The machine-readable exports of the contract: the same documents for the site's
``api/`` folder and for ``coe actions --format json|csv``."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, datetime
from typing import Any

from .index import ActionItem, CoeEntry, Index

ITEM_FIELDS = (
    "id",
    "title",
    "kind",
    "priority",
    "owner",
    "due",
    "status",
    "done",
    "link",
    "addresses",
)
CSV_COLUMNS = ("coe", *ITEM_FIELDS, "open", "overdue", "days_overdue", "url")


def generated_at() -> str:
    """When the export was made: ``SOURCE_DATE_EPOCH`` when set (reproducible builds),
    else now, in UTC to the second."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def coe_record(entry: CoeEntry) -> dict[str, Any]:
    record = dict(entry.data)
    record["url"] = entry.url
    record["durations"] = {
        "detect_minutes": entry.durations.detect_minutes,
        "mitigate_minutes": entry.durations.mitigate_minutes,
        "resolve_minutes": entry.durations.resolve_minutes,
    }
    record["backlinks"] = [{"coe": link.coe, "relation": link.relation} for link in entry.backlinks]
    record["action_item_counts"] = {
        "total": len(entry.items),
        "open": entry.open_items,
        "overdue": entry.overdue_items,
    }
    return record


def item_record(item: ActionItem) -> dict[str, Any]:
    record = dict(item.data)
    record.update(
        coe=item.coe,
        open=item.open,
        overdue=item.overdue,
        days_overdue=item.days_overdue,
        url=item.url,
    )
    return record


def coes_document(index: Index, generated: str) -> dict[str, Any]:
    return {
        "generated": generated,
        "today": index.today.isoformat(),
        "coes": [coe_record(entry) for entry in index.entries],
    }


def action_items_document(items: list[ActionItem], index: Index, generated: str) -> dict[str, Any]:
    return {
        "generated": generated,
        "today": index.today.isoformat(),
        "items": [item_record(item) for item in items],
    }


def to_json(document: dict[str, Any]) -> str:
    """Compact JSON in which ``<``, ``>`` and ``&`` are written as escapes, so a consumer
    that pastes a value into HTML without escaping cannot be tricked by a hostile title.
    The parsed values are unchanged. Compact, because programs read it (and ``json``'s
    indenting encoder is pure Python, several times slower on 10,000 COEs)."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def action_items_csv(items: list[ActionItem]) -> str:
    """One row an item; lists are joined with spaces, booleans written true/false."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        record = item_record(item)
        row = []
        for column in CSV_COLUMNS:
            value = record.get(column)
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, list):
                value = " ".join(str(v) for v in value)
            row.append(_csv_safe("" if value is None else str(value)))
        writer.writerow(row)
    return out.getvalue()


def _csv_safe(cell: str) -> str:
    """Neutralise spreadsheet formulas (a cell starting with = + - @) in free text."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
