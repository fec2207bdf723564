"""Times ``similar_index`` on synthetic corpora (not a test).

Each synthetic COE is about one of many topics: its words come from that topic's own
vocabulary and from a large shared vocabulary drawn with a Zipf-like skew, roughly as real
COEs mix specific and everyday words. Run:

    .venv/bin/python bench/similar_bench.py [SIZE ...]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from typing import Any

from coe.core.body import Body, Section, Why
from coe.core.document import CoeDocument
from coe.core.index import CoeEntry, Durations
from coe.core.similar import similar_index

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "ti",
    "vo",
    "pe",
    "da",
    "gu",
    "fi",
    "ho",
    "ja",
    "ze",
    "bo",
    "ny",
    "qu",
    "ra",
]


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def synthetic_entries(count: int, seed: int = 7) -> list[CoeEntry]:
    rng = random.Random(seed)
    common = _vocabulary(rng, 6000)
    weights = [1 / (rank + 1) for rank in range(len(common))]
    topics = max(10, count // 8)
    topic_words = [rng.sample(common[1000:], 25) for _ in range(topics)]
    services = [f"service-{i}" for i in range(max(5, count // 40))]
    entries: list[CoeEntry] = []
    for number in range(count):
        topic = rng.randrange(topics)

        def words(n: int, topic: int = topic) -> str:
            own = rng.choices(topic_words[topic], k=n // 3)
            rest = rng.choices(common, weights=weights, k=n - len(own))
            mixed = own + rest
            rng.shuffle(mixed)
            return " ".join(mixed)

        coe_id = f"COE-{2000 + number // 1000}-{number % 1000:03d}"
        data: dict[str, Any] = {
            "id": coe_id,
            "title": words(12),
            "impact": {"summary": words(30)},
            "services": [services[topic % len(services)], rng.choice(services)],
            "tags": [f"tag-{topic % 50}"],
            "topic": topic,  # not read by similarity: the bench's measure of a right answer
        }
        body = Body(
            sections=[
                Section(2, "Incident summary", "incident summary", 1, 2, words(120)),
                Section(2, "Impact", "impact", 3, 4, words(60)),
            ],
            whys=[Why(i, 10 + i, words(20)) for i in range(1, 6)],
            whys_problem=words(15),
        )
        doc = CoeDocument(path=Path(f"{coe_id}.md"), display=f"{coe_id}.md", body=body, data=data)
        entries.append(CoeEntry(doc, data, f"coes/{coe_id}/", Durations(0, 0, None), []))
    return entries


def main(sizes: list[int]) -> None:
    for size in sizes:
        entries = synthetic_entries(size)
        started, cpu = time.perf_counter(), time.process_time()
        found = similar_index(entries)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        topic = {e.id: e.data["topic"] for e in entries}
        suggested = [(coe_id, s.coe) for coe_id, found_for in found.items() for s in found_for]
        right = sum(1 for a, b in suggested if topic[a] == topic[b])
        print(
            f"similar_index: {size:>6} COEs in {elapsed:6.2f} s ({cpu:.2f} s of CPU, "
            f"{elapsed / size * 1000:.2f} ms a COE); {len(suggested)} suggestions, "
            f"{right / max(len(suggested), 1):.0%} of them on the same synthetic topic"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 10_000])
