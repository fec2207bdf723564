"""How well ``coe similar`` finds the relatives a reviewer would name.

Each COE of the evaluation set (``tests/eval/coes``) names its relatives in ``related``.
The measure hides every relation, asks the model for each COE's suggestions and compares
them with the hidden relatives, counted both ways (a relation from A to B makes B a
relative of A and A a relative of B):

- recall at 3: for each COE, the share of its relatives among the first three
  suggestions, out of at most three (a COE with five relatives is complete with three of
  them), averaged over the COEs;
- mean reciprocal rank: for each COE, 1/r where r is the rank of its first relative among
  the suggestions (0 when none is suggested), averaged over the COEs.

Run ``make eval`` (or ``python -m tests.eval.measure``); ``--ablate`` also prints the
figures with each part of the model turned off in turn.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from coe.core.checker import make_context
from coe.core.config import load_config
from coe.core.index import CoeEntry, Index, build_index
from coe.core.pipeline import load_and_check
from coe.core.similar import DEFAULT_SETTINGS, Settings, SimilarityModel, text_of

HERE = Path(__file__).resolve().parent
TODAY = date(2026, 1, 1)
DEPTH = 10  # suggestions asked for per COE: the reciprocal rank looks this far


@dataclass(frozen=True)
class Figures:
    recall_at_3: float
    mrr: float
    coes: int
    relations: int  # counted both ways
    found_at_3: int  # relations (both ways) among the first three suggestions
    empty: int  # COEs with a relative but no suggestion at all


def load(folder: Path = HERE) -> Index:
    """The index of the COE folder configured by ``folder``'s mkdocs.yml."""
    config = load_config(None, folder)
    context = make_context(config, TODAY)
    corpus = load_and_check(context, cwd=folder, keep_prose=True).corpus
    return build_index(corpus, TODAY)


def relatives(entry: CoeEntry) -> set[str]:
    """The COEs a reviewer named for ``entry``: its relations and their inverse."""
    return {link.coe for link in (*entry.relations, *entry.backlinks)}


def measure(index: Index, settings: Settings = DEFAULT_SETTINGS) -> Figures:
    """Suggestions with every relation hidden, scored against the relations."""
    entries = index.entries
    texts = [text_of(entry) for entry in entries]
    for text in texts:
        text.excluded = set()
    found = SimilarityModel(texts, settings=settings).suggest_all(DEPTH)
    recalls: list[float] = []
    ranks: list[float] = []
    relations = hits = empty = 0
    for entry, suggestions in zip(entries, found, strict=True):
        wanted = relatives(entry)
        if not wanted:
            continue
        ranked = [s.coe for s in suggestions]
        top = set(ranked[:3]) & wanted
        recalls.append(len(top) / min(3, len(wanted)))
        first = next((r for r, coe in enumerate(ranked, start=1) if coe in wanted), None)
        ranks.append(1 / first if first else 0.0)
        relations += len(wanted)
        hits += len(top)
        empty += not ranked
    return Figures(
        recall_at_3=sum(recalls) / len(recalls),
        mrr=sum(ranks) / len(ranks),
        coes=len(recalls),
        relations=relations,
        found_at_3=hits,
        empty=empty,
    )


def calibration(
    index: Index, bands: Sequence[float] = (0.2, 0.15, 0.0)
) -> list[tuple[float, int, float]]:
    """For each score band (from its lower bound up to the previous one): how many of the
    first five suggestions fall in it and the share of them that are labeled relatives.
    This is what the strength bounds in ``coe.core.similar`` were set from."""
    texts = [text_of(entry) for entry in index.entries]
    for text in texts:
        text.excluded = set()
    found = SimilarityModel(texts).suggest_all(5)
    points = [
        (s.score, s.coe in relatives(entry))
        for entry, suggestions in zip(index.entries, found, strict=True)
        for s in suggestions
    ]
    out: list[tuple[float, int, float]] = []
    upper = 2.0
    for lower in bands:
        band = [hit for score, hit in points if lower <= score < upper]
        out.append((lower, len(band), sum(band) / len(band) if band else 0.0))
        upper = lower
    return out


def ablations() -> list[tuple[str, Settings]]:
    """The default model, then the model with one part turned off (or on) at a time."""
    base = DEFAULT_SETTINGS
    variants = [("the model as shipped", base)]
    for name, change in base.ablations():
        variants.append((name, dataclasses.replace(base, **change)))
    return variants


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.eval.measure")
    parser.add_argument("folder", nargs="?", type=Path, default=HERE)
    parser.add_argument("--ablate", action="store_true", help="also measure each variant")
    parser.add_argument(
        "--calibrate", action="store_true", help="also show how often each strength is right"
    )
    args = parser.parse_args(argv)
    index = load(args.folder)
    figures = measure(index)
    print(f"{figures.coes} COEs with relatives, {figures.relations} relations counted both ways")
    print(f"recall@3: {figures.recall_at_3:.3f}   (target 0.8)")
    print(f"MRR:      {figures.mrr:.3f}   (target 0.7)")
    print(
        f"({figures.found_at_3} of the {figures.relations} relations are among the first three "
        "suggestions; a COE with more than three relatives can show only three)"
    )
    if figures.empty:
        print(f"{figures.empty} COEs with a relative got no suggestion at all")
    if args.calibrate:
        print("\n| score from | suggestions | labeled relatives |\n|---|---|---|")
        for lower, count, share in calibration(index):
            print(f"| {lower:.2f} | {count} | {share:.0%} |")
    if args.ablate:
        print("\n| variant | recall@3 | MRR |\n|---|---|---|")
        for name, settings in ablations():
            one = measure(index, settings)
            print(f"| {name} | {one.recall_at_3:.3f} | {one.mrr:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
