"""A seeded generator of realistic COE corpora of any size, for the benchmarks.

Each generated COE is one of the project's example COEs moved in time and re-labelled:
a new id, a date and incident times shifted together (so the timeline, the SLAs and the
gaps stay consistent), other services and team, relations to earlier generated COEs, and
the ids its text mentions pointed at those. Every generated COE passes `coe validate
--strict`. Run:

    .venv/bin/python -m bench.corpus OUT_DIR N [--seed S]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

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
    for other in rng.sample(earlier, min(len(earlier), rng.choice((0, 1, 1, 2)))):
        relation = rng.choice(RELATIONS)
        related.append(other if relation == "see-also" else {"coe": other, "relation": relation})
    if related:
        data["related"] = related
    else:
        data.pop("related", None)
    body = _shift(template.body, days)
    body = _ID.sub(other_id, body)
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
