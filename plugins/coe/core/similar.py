"""Similar incidents: for each COE, the other COEs most alike in content.

Each COE becomes a vector of three parts, each normalised on its own and then given a
share (``Settings``), so that the cosine of two COEs is the weighted mean of three:

- words of its title, impact summary, ``Incident summary`` and ``Impact`` sections,
  five whys and action-item titles, each field with its own weight, through a light
  stemmer and a small stop-word list, weighted by TF-IDF (BM25's idf, so a word in nearly
  every COE weighs nearly nothing);
- the failure modes its words point to (``failure_modes.MODES``: "canary", "to every
  region" and "at once" all point to a change pushed everywhere at once), so that
  incidents told in different words meet;
- its services and tags.

A COE that names another's id in its text is a strong hint: the pair's score moves part
of the way to 1.

It scales by never comparing all pairs: an inverted index maps each term to the COEs that
carry it, and a COE's scores are accumulated only over the terms it shares with others.
Only each COE's heaviest shared terms are indexed, which bounds the work per COE; the
norms still count every term, so a long, diffuse COE is not over-rated.

COEs already related either way (their relations and backlinks) and the COE itself are
left out of its suggestions. The best candidates are offered whenever they share more than
everyday words (a score of at least ``FLOOR``), each with a strength (strong, moderate,
weak) whose bounds were set on the evaluation set of public incidents in ``tests/eval``
(see docs/reference/similar-incidents.md), so a weak match is shown as weak rather than
hidden.
"""

from __future__ import annotations

import heapq
import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from .failure_modes import BY_KEY, ModeIndex, compile_modes
from .index import CoeEntry
from .similar_text import IGNORED, CoeText, all_words, stem, text_of, words
from .similar_text import body_text as body_text
from .similar_text import text_of_document as text_of_document

TOP_K = 5
REASON_TERMS = 3
REASON_MODES = 2
# A pair scoring below FLOOR shares only everyday words: on the evaluation set no
# suggestion below it was a relative a reviewer named.
FLOOR = 0.04
# Strength bounds, from the evaluation set (relations hidden, first five suggestions of
# each COE; ``python -m tests.eval.measure --calibrate``): 85% of the suggestions scoring
# at least STRONG were relatives a reviewer named, 37% of those between MODERATE and
# STRONG, 13% of those below MODERATE.
STRONG, MODERATE = 0.20, 0.15

SERVICE_PREFIX, TAG_PREFIX, MODE_PREFIX, PAIR_PREFIX = "service:", "tag:", "mode:", "pair:"
_PREFIXES = (SERVICE_PREFIX, TAG_PREFIX, MODE_PREFIX, PAIR_PREFIX)

_COE_ID = re.compile(r"\bCOE-[0-9]{4}-[0-9]{3,}\b")
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>|~])")


@dataclass(frozen=True, slots=True)
class Settings:
    """The model's weights. The defaults are what the evaluation set supports; the
    measure (``tests/eval/measure.py --ablate``) varies them one at a time."""

    title: float = 3.0
    summary: float = 2.0
    text: float = 1.0
    whys: float = 0.5
    actions: float = 1.0
    service: float = 3.0
    tag: float = 2.0
    modes: float = 0.4
    labels: float = 0.4
    mode_idf: bool = False
    # Where failure modes are read: title, impact summary, summary and impact sections,
    # whys, action items.
    mode_fields: tuple[float, float, float, float, float] = (3.0, 0.0, 1.0, 0.5, 1.0)
    pairs: float = 0.0
    mention: float = 0.5
    terms_per_doc: int = 30
    postings_per_term: int = 100

    def ablations(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Variants of these settings worth measuring, with a name for each."""
        yield "without failure modes", {"modes": 0.0}
        yield "failure modes share 0.2", {"modes": 0.2}
        yield "failure modes share 0.6", {"modes": 0.6}
        yield "failure modes weighted by idf", {"mode_idf": True}
        yield "failure modes read from the impact too", {"mode_fields": (3.0, 2.0, 1.0, 0.5, 1.0)}
        yield "without services and tags", {"labels": 0.0}
        yield "services and tags share 0.2", {"labels": 0.2}
        yield "services and tags share 0.6", {"labels": 0.6}
        yield "with word pairs (weight 1)", {"pairs": 1.0}
        yield "without the whys", {"whys": 0.0}
        yield "without action-item titles", {"actions": 0.0}
        yield "title weighs 1", {"title": 1.0}
        yield "summary weighs 1", {"summary": 1.0}
        yield "services only (no tags)", {"tag": 0.0}
        yield "tags only (no services)", {"service": 0.0}
        yield "without id mentions", {"mention": 0.0}
        yield (
            "words only, every field weighs 1",
            {
                "title": 1.0,
                "summary": 1.0,
                "modes": 0.0,
                "labels": 0.0,
            },
        )


DEFAULT_SETTINGS = Settings()


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Another COE worth reading: its id, the score (0..1), a strength a reader can
    judge (``strong``, ``moderate`` or ``weak``) and why: the failure modes, services,
    tags and words both share, and whether one names the other in its text."""

    coe: str
    score: float
    reason: str
    strength: str = "weak"
    modes: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    mentioned: bool = False

    def as_json(self) -> dict[str, Any]:
        """The suggestion for tools (``coe similar --format json``)."""
        return {
            "coe": self.coe,
            "score": self.score,
            "strength": self.strength,
            "reason": self.reason,
            "failure_modes": list(self.modes),
            "services": list(self.services),
            "tags": list(self.tags),
            "terms": list(self.terms),
            "mentioned": self.mentioned,
        }


def strength_of(score: float) -> str:
    """What a score means to a reader (see ``STRONG`` and ``MODERATE``)."""
    if score >= STRONG:
        return "strong"
    return "moderate" if score >= MODERATE else "weak"


# Stop words are dropped by their stem, so that each field is counted once, in C.
_IGNORED_STEMS = frozenset(map(stem, IGNORED))
MODE_INDEX: ModeIndex = compile_modes(lambda cue: [stem(w) for w in all_words(cue)])


@dataclass(slots=True)
class _Bag:
    """A COE's weighted term counts, one mapping for each part of its vector."""

    words: dict[str, float] = field(default_factory=dict)
    modes: dict[str, float] = field(default_factory=dict)
    labels: dict[str, float] = field(default_factory=dict)


class CountMemo:
    """Term counts kept from one model to the next in one process (the rebuilds of a
    preview), so that a COE whose text did not change is not counted again. A model made
    with it is the same as one made afresh."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.stems: dict[str, str] = {}  # every word seen, to its stem
        # A COE's text to its counts and the distinct words they came from.
        self.bags: dict[tuple[Any, ...], tuple[_Bag, tuple[str, ...]]] = {}


def _text_key(text: CoeText) -> tuple[Any, ...]:
    """What a COE's counts are made from (its id and relations are not)."""
    fields = (text.text, text.services, text.tags, text.impact, text.whys, text.actions)
    return (text.title, text.summary, *map(tuple, fields))


class _Bags:
    """Weighted term counts of COEs, sharing one stem cache (and, with a ``memo``, the
    counts of texts counted before)."""

    def __init__(self, settings: Settings, memo: CountMemo | None = None) -> None:
        self.settings = settings
        self.stems: dict[str, str] = {}
        self.mentions: list[set[str]] = []
        self.memo = memo
        self.kept: dict[tuple[Any, ...], tuple[_Bag, tuple[str, ...]]] = {}
        self._seen: set[str] = set()
        self._known = self.stems
        if memo is not None:
            if memo.settings != settings:
                memo.settings, memo.bags = settings, {}
            self._known = memo.stems

    def _field(self, bag: _Bag, chunks: Sequence[str], weight: float, mode_weight: float) -> None:
        """Add one field's words (and failure-mode cues) to ``bag``. The work is done on
        the distinct words and in C where it can be: this runs over every COE."""
        if (weight <= 0 and mode_weight <= 0) or not chunks:
            return
        found = all_words(chunks[0] if len(chunks) == 1 else "\n".join(chunks))
        if not found:
            return
        stems = self._known
        distinct = set(found)
        for word in distinct.difference(stems):
            stems[word] = stem(word)
        if stems is not self.stems:  # counting with a memo: keep this model's own words
            self.stems.update({word: stems[word] for word in distinct})
            self._seen.update(distinct)
        settings = self.settings
        with_modes = settings.modes > 0 and mode_weight > 0
        terms = list(map(stems.__getitem__, found))
        counts = Counter(terms)
        if weight > 0:
            words = bag.words
            for term, count in counts.items():
                if term not in _IGNORED_STEMS:
                    words[term] = words.get(term, 0.0) + weight * count
        if settings.pairs > 0 and weight > 0:
            kept = [t for t in terms if t not in _IGNORED_STEMS]
            pair_weight = weight * settings.pairs
            for a, b in pairwise(kept):
                key = f"{PAIR_PREFIX}{a} {b}"
                bag.words[key] = bag.words.get(key, 0.0) + pair_weight
        if with_modes:
            modes = bag.modes
            for key, count in MODE_INDEX.find(terms, counts).items():
                modes[key] = modes.get(key, 0.0) + count * mode_weight

    def bag(self, text: CoeText) -> _Bag:
        if self.memo is None:
            return self._count(text)
        key = _text_key(text)
        found = self.memo.bags.get(key)
        if found is None:
            self._seen = set()
            found = (self._count(text), tuple(self._seen))
        else:
            self.stems.update({word: self.memo.stems[word] for word in found[1]})
            self.mentions.append(_mentions(text))
        self.kept[key] = found
        return found[0]

    def _count(self, text: CoeText) -> _Bag:
        settings = self.settings
        bag = _Bag()
        cause = settings.mode_fields
        self._field(bag, [text.title], settings.title, cause[0])
        self._field(bag, [text.summary], settings.summary, cause[1])
        self._field(bag, [*text.text, *text.services, *text.tags], settings.text, cause[2])
        self._field(bag, text.impact, settings.text, cause[1])
        self._field(bag, text.whys, settings.whys, cause[3])
        self._field(bag, text.actions, settings.actions, cause[4])
        bag.modes = {MODE_PREFIX + key: count for key, count in bag.modes.items()}
        labels = bag.labels
        if settings.service > 0:
            for service in text.services:
                key = SERVICE_PREFIX + service.casefold()
                labels[key] = labels.get(key, 0.0) + settings.service
        if settings.tag > 0:
            for tag in text.tags:
                key = TAG_PREFIX + tag.casefold()
                labels[key] = labels.get(key, 0.0) + settings.tag
        self.mentions.append(_mentions(text))
        return bag

    def surfaces(self) -> dict[str, str]:
        """Each stem's shortest word (the alphabetically first on a tie): how a reason
        shows the stem ("expire" for expired, expires, expiring)."""
        best: dict[str, str] = {}
        for word, term in self.stems.items():
            known = best.get(term)
            if word not in IGNORED and (known is None or (len(word), word) < (len(known), known)):
                best[term] = word
        return best


def _mentions(text: CoeText) -> set[str]:
    """The COE ids that ``text`` names in its prose."""
    found: set[str] = set()
    for chunk in (text.title, text.summary, *text.text, *text.whys):
        if "COE-" in chunk:
            found.update(_COE_ID.findall(chunk))
    found.discard(text.id or "")
    return found


def _vector(bag: _Bag, idf: Mapping[str, float], settings: Settings) -> dict[str, float]:
    """A COE's unit vector made of three parts, each normalised on its own and then
    given its share: its words, its failure modes and its labels (services and tags).
    The cosine of two such vectors is the shares' weighted mean of the three cosines, so
    a few failure modes are not drowned by a hundred words."""
    log = math.log
    words = {t: (1 + log(c) if c >= 1 else c) * idf[t] for t, c in bag.words.items()}
    # The failure modes are a short curated list: each counts the same, however many
    # COEs of the folder share it (a common failure is still worth pointing out).
    modes = {t: _tf(c) * (idf[t] if settings.mode_idf else 1.0) for t, c in bag.modes.items()}
    labels = {t: _tf(c) * idf[t] for t, c in bag.labels.items()}
    parts = [(1.0, words), (settings.modes, modes), (settings.labels, labels)]
    present = sum(share for share, part in parts if part and share > 0)
    vector: dict[str, float] = {}
    for share, part in parts:
        norm = math.hypot(*part.values()) if share > 0 else 0.0
        if norm:
            scale = math.sqrt(share / present) / norm
            vector.update({term: weight * scale for term, weight in part.items()})
    return vector


def _tf(count: float) -> float:
    """Sub-linear term frequency: a word said ten times is not ten times the hint."""
    return 1 + math.log(count) if count >= 1 else count


class SimilarityModel:
    """TF-IDF vectors of a set of COEs and an inverted index over their heaviest terms."""

    def __init__(
        self,
        texts: Sequence[CoeText],
        terms_per_doc: int | None = None,
        postings_per_term: int | None = None,
        settings: Settings = DEFAULT_SETTINGS,
        memo: CountMemo | None = None,
    ) -> None:
        self.texts = list(texts)
        self.settings = settings
        per_doc = terms_per_doc or settings.terms_per_doc
        per_term = postings_per_term or settings.postings_per_term
        bags = _Bags(settings, memo)
        counts = [bags.bag(text) for text in self.texts]
        if memo is not None:
            memo.bags = bags.kept  # the texts of this model only: the others are gone
        df: Counter[str] = Counter()
        for bag in counts:
            # Key views, not mappings: Counter counts those in C.
            df.update(bag.words.keys())
            df.update(bag.modes.keys())
            df.update(bag.labels.keys())
        n = len(counts)
        log = math.log
        idf = {t: log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self.vectors: list[dict[str, float]] = []
        ids: dict[str, list[int]] = {}
        weights: dict[str, list[float]] = {}
        for number, bag in enumerate(counts):
            vector = _vector(bag, idf, settings)
            # Terms in one COE alone are never shared: they count in the norm only.
            capped: dict[str, float] = {}
            for term in sorted(vector, key=vector.__getitem__, reverse=True):
                if df[term] > 1:
                    capped[term] = vector[term]
                    if len(capped) == per_doc:
                        break
            self.vectors.append(capped)
            for term, weight in capped.items():
                ids.setdefault(term, []).append(number)
                weights.setdefault(term, []).append(weight)
        # A term indexed by very many COEs keeps only those it weighs most in; the others
        # drop it from their vectors too, so that every score stays symmetric. What they
        # drop is kept aside for a COE left with too few candidates (see ``_fallback``).
        self.dropped: dict[int, dict[str, float]] = {}
        for term, members in ids.items():
            if len(members) > per_term:
                heavy = heapq.nlargest(per_term, zip(weights[term], members, strict=True))
                kept = set(m for _, m in heavy)
                for member in members:
                    if member not in kept:
                        vector = self.vectors[member]
                        self.dropped.setdefault(member, {})[term] = vector.pop(term)
                pairs = sorted((m, w) for w, m in heavy)
                ids[term] = [m for m, _ in pairs]
                weights[term] = [w for _, w in pairs]
        # Each list is in COE order, so "the COEs after this one" is a slice.
        self.postings = {term: (ids[term], weights[term]) for term in ids}
        # Words in most COEs explain nothing about a pair: reasons leave them out.
        common = max(2.0, n / 2)
        self.everyday = frozenset(t for t, d in df.items() if d > common)
        self.stems = bags.stems
        self.surface = bags.surfaces()
        self.position = {t.id: i for i, t in enumerate(self.texts) if t.id is not None}
        # Pairs where one COE names the other's id, both ways.
        self.linked: list[set[int]] = [set() for _ in range(n)]
        if settings.mention > 0:
            for number, named in enumerate(bags.mentions):
                for coe in named:
                    other = self.position.get(coe)
                    if other is not None and other != number:
                        self.linked[number].add(other)
                        self.linked[other].add(number)
        self.blocked = _blocked(self.texts)
        self._totals = [0.0] * n

    def _final(self, number: int, other: int, cosine: float) -> float:
        """The pair's score: the cosine, moved toward 1 when one names the other."""
        if other in self.linked[number]:
            return cosine + self.settings.mention * (1 - cosine)
        return cosine

    def scores(self, number: int, dropped: bool = False) -> dict[int, float]:
        """Scores against every COE sharing an indexed term with COE ``number`` or named
        by it (itself included); with ``dropped``, the terms it lost to the cap on
        postings count too (one way: the other COE's side of the pair may differ)."""
        totals = self._totals
        touched: list[int] = list(self.linked[number])
        postings = self.postings
        terms = self.vectors[number].items()
        if dropped and number in self.dropped:
            terms = {**self.vectors[number], **self.dropped[number]}.items()
        for term, weight in terms:
            ids, weights = postings[term]
            for other, other_weight in zip(ids, weights, strict=True):
                totals[other] += weight * other_weight
            touched.extend(ids)
        found = {other: self._final(number, other, totals[other]) for other in touched}
        for other in found:
            totals[other] = 0.0
        return found

    def suggest(self, number: int, k: int = TOP_K) -> list[Suggestion]:
        """The ``k`` best suggestions for one COE."""
        candidates = self._candidates(number, self.scores(number))
        return self._best(number, self._fallback(number, candidates), k)

    def _candidates(self, number: int, scores: Mapping[int, float]) -> list[tuple[float, int]]:
        blocked = self.blocked[number]
        return [
            (score, -other)
            for other, score in scores.items()
            if score >= FLOOR and other not in blocked
        ]

    def _fallback(
        self, number: int, candidates: list[tuple[float, int]]
    ) -> list[tuple[float, int]]:
        """A COE whose terms are all common ones may lose them all to the cap on postings
        and be left with no candidate, although COEs like it exist: it is then scored
        again with the terms it lost (370 of 10,000 COEs of the benchmark's corpus, made
        of a few templates; hardly any in a real folder)."""
        if candidates or number not in self.dropped:
            return candidates
        return self._candidates(number, self.scores(number, dropped=True))

    def suggest_all(self, k: int = TOP_K) -> list[list[Suggestion]]:
        """The ``k`` best suggestions for every COE. A pair's score is the same both ways,
        so each pair is scored once: each COE accumulates only over the COEs after it,
        and a score good enough is offered to both."""
        n = len(self.texts)
        candidates: list[list[tuple[float, int]]] = [[] for _ in range(n)]
        totals = self._totals
        postings = self.postings
        for number in range(n):
            touched: list[int] = [other for other in self.linked[number] if other > number]
            for term, weight in self.vectors[number].items():
                ids, weights = postings[term]
                start = bisect_right(ids, number)
                if start == len(ids):
                    continue
                later = ids[start:]
                for other, other_weight in zip(later, weights[start:], strict=True):
                    totals[other] += weight * other_weight
                touched.extend(later)
            blocked = self.blocked[number]
            for other in set(touched):
                score = self._final(number, other, totals[other])
                totals[other] = 0.0
                if score >= FLOOR and other not in blocked:
                    # (score, -index): the higher score first, then the earlier COE.
                    candidates[number].append((score, -other))
                    candidates[other].append((score, -number))
        return [
            self._best(number, self._fallback(number, found), k)
            for number, found in enumerate(candidates)
        ]

    def _best(self, number: int, candidates: list[tuple[float, int]], k: int) -> list[Suggestion]:
        """Suggestions from ``(score, -index)`` candidates, best first."""
        return [self.explain(number, -neg, score) for score, neg in heapq.nlargest(k, candidates)]

    def allowed(self, number: int, other: int) -> bool:
        """Whether ``other`` may be suggested for ``number``: not itself, not a COE with
        the same id, and not related either way (relations and backlinks)."""
        return other not in self.blocked[number]

    def explain(self, number: int, other: int, score: float) -> Suggestion:
        """The suggestion of ``other`` for ``number``, with what they share."""
        mine, theirs = self.texts[number], self.texts[other]
        a, b = self.vectors[number], self.vectors[other]
        if number in self.dropped:  # it may have been matched on the terms it lost
            a = {**a, **self.dropped[number]}
        shared = sorted(((a[t] * b[t], t) for t in a.keys() & b.keys()), reverse=True)
        # The modes that carry the match: a mode both mention in passing is left out.
        weighed = [(w, t[len(MODE_PREFIX) :]) for w, t in shared if t.startswith(MODE_PREFIX)]
        modes = tuple(
            BY_KEY[key].label for w, key in weighed[:REASON_MODES] if w >= weighed[0][0] / 2
        )
        their_services = {s.casefold() for s in theirs.services}
        services = _unique(s for s in mine.services if s.casefold() in their_services)
        their_tags = {t.casefold() for t in theirs.tags}
        tags = _unique(t for t in mine.tags if t.casefold() in their_tags)
        # The words of the shared services and tags are said already.
        named = {self.stems.get(w) or stem(w) for name in (*services, *tags) for w in words(name)}
        terms: list[str] = []
        for _, term in shared:
            if term.startswith(_PREFIXES) or term in named or term in self.everyday:
                continue
            word = self.surface.get(term, term)
            if word not in terms:
                terms.append(word)
                if len(terms) == REASON_TERMS:
                    break
        mentioned = other in self.linked[number]
        score = round(min(score, 1.0), 4)
        return Suggestion(
            coe=str(theirs.id),
            score=score,
            reason=_reason(mentioned, modes, services, tags, terms),
            strength=strength_of(score),
            modes=modes,
            services=tuple(services),
            tags=tuple(tags),
            terms=tuple(terms),
            mentioned=mentioned,
        )


def _blocked(texts: Sequence[CoeText]) -> list[set[int]]:
    """For each COE, the COEs never to suggest for it: itself, COEs with the same id, and
    COEs related to it either way."""
    by_id: dict[str, list[int]] = {}
    for number, text in enumerate(texts):
        if text.id is not None:
            by_id.setdefault(text.id, []).append(number)
    blocked = [{number} for number in range(len(texts))]
    for same in by_id.values():
        if len(same) > 1:
            for number in same:
                blocked[number].update(same)
    for number, text in enumerate(texts):
        for coe in text.excluded:
            for other in by_id.get(coe, ()):
                blocked[number].add(other)
                blocked[other].add(number)
    return blocked


def _reason(
    mentioned: bool,
    modes: Sequence[str],
    services: Sequence[str],
    tags: Sequence[str],
    terms: Sequence[str],
) -> str:
    parts: list[str] = []
    if mentioned:
        parts.append("named in the text")
    if modes:
        parts.append("same failure mode: " + ", ".join(modes))
    if services:
        parts.append("shared services: " + ", ".join(services))
    if tags:
        parts.append("shared tags: " + ", ".join(tags))
    if terms:
        parts.append("shared terms: " + ", ".join(terms))
    return "; ".join(parts) or "similar wording"


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def similar_index(
    entries: Iterable[CoeEntry], k: int = TOP_K, settings: Settings = DEFAULT_SETTINGS
) -> dict[str, list[Suggestion]]:
    """For every COE id, up to ``k`` other COEs most similar to it, best first."""
    chosen = list(entries)
    model = SimilarityModel([text_of(entry) for entry in chosen], settings=settings)
    found = model.suggest_all(k)
    return {entry.id: found[number] for number, entry in enumerate(chosen)}


class SimilarIncidents:
    """The suggestions for the COEs of an index. The model is made over every COE at once;
    the suggestions are worked out for every COE at once too (each pair is scored once),
    or, ``one_by_one``, for each COE when asked about, which is quicker when few are (a
    preview rebuilds few pages). Both give the same."""

    def __init__(
        self,
        entries: Iterable[CoeEntry],
        k: int = TOP_K,
        *,
        one_by_one: bool = False,
        memo: CountMemo | None = None,
    ) -> None:
        chosen = list(entries)
        self.k = k
        self.model = SimilarityModel([text_of(entry) for entry in chosen], memo=memo)
        self._numbers = {entry.id: number for number, entry in enumerate(chosen)}
        self.found: dict[str, list[Suggestion]] = {}
        if not one_by_one:
            every = self.model.suggest_all(k)
            self.found = {entry.id: every[n] for n, entry in enumerate(chosen)}

    def of(self, coe_id: str) -> list[Suggestion]:
        """Up to ``k`` COEs most similar to ``coe_id``, best first (none for an unknown id)."""
        number = self._numbers.get(coe_id)
        if coe_id not in self.found and number is not None:
            self.found[coe_id] = self.model.suggest(number, self.k)
        return self.found.get(coe_id, [])


def similar_to(
    text_fields: CoeText | Mapping[str, Any],
    entries: Iterable[CoeEntry],
    k: int = TOP_K,
    settings: Settings = DEFAULT_SETTINGS,
) -> list[Suggestion]:
    """The ``k`` COEs among ``entries`` most similar to a COE being written (which need
    not be in ``entries``; when one of them has its id, that one is replaced by it)."""
    return similar_to_many([text_fields], entries, k, settings)[0]


def similar_to_many(
    texts: Sequence[CoeText | Mapping[str, Any]],
    entries: Iterable[CoeEntry],
    k: int = TOP_K,
    settings: Settings = DEFAULT_SETTINGS,
) -> list[list[Suggestion]]:
    """``similar_to`` for several COEs (a pull request's), with one model: each gets the
    ``k`` COEs most similar to it among ``entries`` (where one of them stands in for the
    entry of the same id), never one that is not in ``entries``."""
    given = [t if isinstance(t, CoeText) else CoeText.from_mapping(t) for t in texts]
    chosen = list(entries)
    known = {entry.id for entry in chosen}
    replaced = {text.id for text in given if text.id is not None}
    others = [entry for entry in chosen if entry.id not in replaced]
    model = SimilarityModel([*(text_of(entry) for entry in others), *given], settings=settings)
    mine = range(len(others), len(others) + len(given))
    unknown = {number for number in mine if model.texts[number].id not in known}
    for number in mine:
        model.blocked[number] |= unknown
    return [model.suggest(number, k) for number in mine]


def markdown_escape(text: str) -> str:
    """Text safe to paste into Markdown (a pull-request comment): specials backslashed."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(text.split()))
