"""A seeded generator of realistic COE corpora of any size, for the benchmarks.

Each generated COE is one of the project's example COEs moved in time and re-labelled:
a new id, a date and incident times shifted together (so the timeline, the SLAs and the
gaps stay consistent), other services and team, relations to earlier generated COEs, and
the ids its text mentions pointed at those. Sizes are drawn from the spread of COEs that
teams write: 3 to 12 action items, up to 6 relations, 10 to 40 timeline entries, front-matter
of about 70 to 200 lines and bodies of about 6 to 15 KB. Every generated COE passes `coe
validate --strict`. Run:

    .venv/bin/python -m bench.corpus OUT_DIR N [--seed S]
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import shutil
from copy import deepcopy
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from coe.core.body import parse_body
from coe.core.document import load_document

ROOT = Path(__file__).resolve().parent.parent
RELATIONS = ("caused-by", "caused", "recurrence-of", "same-root-cause", "see-also")
SERVICES = [
    f"{area}-{kind}"
    for area in ("checkout", "label", "tracking", "billing", "routing", "notify", "auth", "pricing")
    for kind in ("api", "worker", "web", "db", "queue")
]
TEAMS = ["payments", "fulfilment", "platform", "identity", "web", "data", "mobile", "growth"]
REGIONS = ("EU", "US", "APAC", "UK", "Nordics", "LATAM")
_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_ID = re.compile(r"\bCOE-\d{4}-\d{3,}\b")
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")
# Neutral sentences of an investigation, to bring bodies to their drawn size.
NOTES = (
    "The responders compared the error rate of each region with the same hour of the "
    "previous week and recorded the comparison in the incident channel.",
    "Dashboards for the dependent services were reviewed one by one; none showed a change "
    "in latency or saturation before the first alarm.",
    "The deployment history of the previous 48 hours was exported and checked against the "
    "start of the impact; two unrelated changes were ruled out.",
    "Traffic by merchant segment showed that large accounts retried more aggressively, "
    "which explains the higher share of their failed requests.",
    "Logs were sampled at one in ten during the incident to keep the pipeline within its "
    "quota; the sampling did not hide any error class.",
    "The runbook for this service was followed step by step, and the steps that did not "
    "apply were noted for its next review.",
    "Customer support tagged the related tickets so that the timeline of reports could be "
    "compared with the timeline of alarms afterwards.",
    "The capacity plan for the quarter was checked; the service ran at 42% of its planned "
    "peak, so load alone does not explain the failure.",
)


@dataclass(frozen=True)
class Template:
    data: dict[str, Any]
    body: str
    started: date


def templates() -> list[Template]:
    """The example COEs, read with the project's own reader."""
    found = []
    for path in sorted((ROOT / "coes").rglob("*.md")):
        doc = load_document(path, path.name, ROOT, 1 << 20)
        assert doc.data is not None and doc.split is not None, path
        started = date.fromisoformat(doc.data["incident"]["started"][:10])
        found.append(Template(doc.data, doc.split.body, started))
    return found


def _shift(value: Any, days: int) -> Any:
    """Every date in a value (or text) moved by ``days``."""
    if isinstance(value, str):
        return _DATE.sub(
            lambda m: (date.fromisoformat(m.group(0)) + timedelta(days=days)).isoformat(), value
        )
    if isinstance(value, list):
        return [_shift(v, days) for v in value]
    if isinstance(value, dict):
        return {k: _shift(v, days) for k, v in value.items()}
    return value


def coe_id(number: int, per_year: int = 900, first_year: int = 2010) -> tuple[str, int]:
    year = first_year + number // per_year
    return f"COE-{year}-{number % per_year + 1:03d}", year


def _more_items(items: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """``count`` action items: the template's, then copies of them for other regions, with
    their own ids and titles."""
    out = deepcopy(items[:count])
    # The causes that dropped items addressed are taken over by the first one kept.
    dropped = {n for item in items[count:] for n in item.get("addresses", [])}
    if dropped:
        out[0]["addresses"] = sorted(set(out[0].get("addresses", [])) | dropped)
    for number in range(len(out), count):
        copy = deepcopy(items[number % len(items)])
        copy["id"] = f"AI-{number + 1}"
        copy["title"] = f"{copy['title']} (rollout wave {number // len(items) + 1})"
        out.append(copy)
    return out


def _more_timeline(body: str, count: int, rng: random.Random) -> str:
    """The body with entries added inside the timeline's short gaps (under 15 minutes, so
    that no gap needs a note), up to ``count`` entries in all."""
    parsed = parse_body(body, 1)
    entries = [e for e in parsed.timeline if e.time is not None]
    lines = body.split("\n")
    added: dict[int, list[str]] = {}
    room = count - len(parsed.timeline)
    for before, after in itertools.pairwise(entries):
        assert before.time is not None and after.time is not None
        minutes = int((after.time - before.time).total_seconds() // 60)
        line = lines[after.line - 1]
        if room <= 0 or not 2 <= minutes < 15 or after.text not in line:
            continue
        prefix = line[: line.index(after.text)]
        for step in range(1, min(minutes, room + 1)):
            moment = before.time + (after.time - before.time) * step / minutes
            stamp = moment.astimezone(after.time.tzinfo).strftime("%Y-%m-%d %H:%M")
            added.setdefault(after.line - 1, []).append(
                _STAMP.sub(stamp, prefix, count=1) + rng.choice(NOTES)
            )
            room -= 1
    out: list[str] = []
    for number, line in enumerate(lines):
        out.extend(added.get(number, []))
        out.append(line)
    return "\n".join(out)


def _pad(body: str, size: int, rng: random.Random) -> str:
    """The body with a notes section under the incident summary, up to ``size`` bytes."""
    notes: list[str] = []
    while len(body) + sum(len(n) + 2 for n in notes) < size:
        notes.append(" ".join(rng.choice(NOTES) for _ in range(3)))
    if not notes:
        return body
    marker = "\n## Impact"
    extra = "\n### Investigation notes\n\n" + "\n\n".join(notes) + "\n"
    return body.replace(marker, extra + marker, 1)


def generate_one(number: int, template: Template, rng: random.Random) -> tuple[str, str]:
    """(relative path, text) of the ``number``-th COE."""
    new_id, year = coe_id(number)
    target = date(year, 1, 1) + timedelta(days=rng.randrange(0, 360))
    days = (target - template.started).days
    data = _shift(template.data, days)
    data["id"] = new_id
    earlier = [coe_id(n)[0] for n in range(max(0, number - 60), number)]

    def other_id(_: re.Match[str]) -> str:
        return rng.choice(earlier) if earlier else new_id

    data["title"] = _ID.sub(other_id, f"{rng.choice(REGIONS)}: {data['title']}")[:140].strip()
    data["team"] = rng.choice(TEAMS)
    data["services"] = rng.sample(SERVICES, rng.choice((1, 1, 2, 3)))
    related: list[Any] = [
        r for r in data.get("related") or [] if isinstance(r, dict) and "url" in r
    ]
    data["action_items"] = _more_items(data["action_items"], rng.randint(3, 12))
    for other in rng.sample(earlier, min(len(earlier), rng.choice((0, 1, 1, 2, 3, 6)))):
        relation = rng.choice(RELATIONS)
        related.append(other if relation == "see-also" else {"coe": other, "relation": relation})
    if related:
        data["related"] = related
    else:
        data.pop("related", None)
    body = _shift(template.body, days)
    body = _ID.sub(other_id, body)
    body = _more_timeline(body, rng.randint(10, 40), rng)
    body = _pad(body, rng.randint(3000, 15000), rng)
    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    slug = re.sub(r"[^a-z0-9]+", "-", data["title"].lower()).strip("-")[:40].strip("-")
    return f"{year}/{new_id}-{slug}.md", f"---\n{front}---\n{body}"


def generate(out: Path, count: int, seed: int = 7) -> Path:
    """Write a repository with ``count`` COEs under ``out`` (replaced if it exists): the
    project's mkdocs.yml, docs/ and schema/, and the generated coes/."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", out / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", out / "docs")
    shutil.copytree(ROOT / "schema", out / "schema")
    shutil.copytree(ROOT / "overrides", out / "overrides")
    rng = random.Random(seed)
    chosen = templates()
    for number in range(count):
        relative, text = generate_one(number, rng.choice(chosen), rng)
        path = out / "coes" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.out, args.count, args.seed)


if __name__ == "__main__":
    main()
