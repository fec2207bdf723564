"""Similar incidents: for each COE, the other COEs most alike in content.

Each COE becomes a bag of words from its title, impact summary, ``Incident summary`` and
``Impact`` sections, five whys, services and tags, with a light stemmer and a small
stop-word list. Words are weighted by TF-IDF (BM25's idf, so words in nearly every COE
weigh nearly nothing) and the score of a pair is the cosine of their vectors.

It scales by never comparing all pairs: an inverted index maps each word to the COEs that
carry it, and a COE's scores are accumulated only over the words it shares with others.
Only each COE's 30 heaviest shared words are indexed, which bounds the work per COE; the
norms still count every word, so a long, diffuse COE is not over-rated. Words found in
one COE alone can never be shared, so they never take one of the 30 places.

COEs already related either way (their relations and backlinks) and the COE itself are
left out of its suggestions, and a suggestion needs a score of at least ``MIN_SCORE``.
"""

from __future__ import annotations

import heapq
import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import filterfalse
from typing import Any

from .body import PROSE_SECTIONS, Body
from .document import CoeDocument
from .index import CoeEntry
from .relations import related_id

TOP_K = 5
TERMS_PER_DOC = 30
POSTINGS_PER_TERM = 100
MIN_SCORE = 0.05
REASON_TERMS = 3

# Weight of a word by the field it is found in.
TITLE, SUMMARY, TEXT, SERVICE, TAG = 3.0, 2.0, 1.0, 3.0, 2.0
SERVICE_PREFIX, TAG_PREFIX = "service:", "tag:"

STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing done down during
    each few for from further had has have having he her here hers him his how i if in
    into is it its itself just me more most my no nor not now of off on once only or
    other our ours out over own same she should so some such than that the their theirs
    them then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours

    one two three four five six seven eight nine ten first second third per via within
    without still again ago get got made make makes use used uses using new old already
    every each another whole later earlier next last

    coe coes incident incidents customer customers impact impacted minute minutes min
    mins hour hours h day days utc am pm time times today yesterday http https www com
    example
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
_IGNORED = STOP_WORDS | frozenset("abcdefghijklmnopqrstuvwxyz")
_URL = re.compile(r"https?://\S+")
# Words with at least one letter (a bare number says little); single characters and stop
# words are dropped after matching.
_WORD = re.compile(r"[a-z0-9]*[a-z][a-z0-9]*")
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>|~])")


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Another COE worth reading: its id, the cosine score (0..1) and why."""

    coe: str
    score: float
    reason: str


@dataclass(slots=True)
class CoeText:
    """What similarity reads of a COE. ``excluded`` are ids never to suggest for it."""

    id: str | None
    title: str = ""
    summary: str = ""
    text: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    excluded: set[str] = field(default_factory=set)

    @classmethod
    def from_mapping(cls, fields: Mapping[str, Any]) -> CoeText:
        """From plain values: ``id``, ``title``, ``summary``, ``text`` (a string or a list,
        e.g. the summary and impact sections), ``whys`` (a list), ``services``, ``tags``
        and ``related`` (ids, or front-matter ``related`` entries)."""
        text = _strings(fields.get("text")) + _strings(fields.get("whys"))
        excluded = {target for target in map(related_id, fields.get("related") or []) if target}
        coe_id = fields.get("id")
        return cls(
            id=coe_id if isinstance(coe_id, str) else None,
            title=_string(fields.get("title")),
            summary=_string(fields.get("summary")),
            text=text,
            services=_strings(fields.get("services")),
            tags=_strings(fields.get("tags")),
            excluded=excluded,
        )


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def body_text(body: Body | None) -> list[str]:
    """The prose similarity reads from a body: the summary and impact sections, the
    problem statement of the five whys and the whys themselves."""
    if body is None:
        return []
    out: list[str] = []
    for key in PROSE_SECTIONS:
        section = body.section(key)
        if section is not None:
            out.append(section.text)
    if body.whys_problem:
        out.append(body.whys_problem)
    out.extend(why.text for why in body.whys)
    return out


def text_of_document(doc: CoeDocument) -> CoeText:
    """A COE as read from a file, whether or not it is valid yet (a COE being written)."""
    data: Mapping[str, Any] = doc.data or {}
    impact = data.get("impact")
    return CoeText.from_mapping(
        {
            "id": data.get("id"),
            "title": data.get("title"),
            "summary": impact.get("summary") if isinstance(impact, Mapping) else None,
            "text": body_text(doc.body),
            "services": data.get("services"),
            "tags": data.get("tags"),
            "related": data.get("related") if isinstance(data.get("related"), list) else [],
        }
    )


def text_of(entry: CoeEntry) -> CoeText:
    """A published COE from the index: related ids both ways are excluded."""
    text = text_of_document(entry.doc)
    text.id = entry.id
    text.title = str(entry.data.get("title", ""))
    text.summary = str(entry.data["impact"].get("summary", ""))
    text.services = [str(s) for s in entry.data.get("services") or []]
    text.tags = [str(t) for t in entry.data.get("tags") or []]
    text.excluded = {link.coe for link in (*entry.relations, *entry.backlinks)}
    return text


# -- words ----------------------------------------------------------------------------------


def stem(word: str) -> str:
    """A light suffix stripper: ``timeouts``/``timeout``, ``failed``/``failing``/``fails``,
    ``queued``/``queues``/``queue`` meet. It is not a full Porter stemmer."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) >= 7:
        word = word[:-3]
    elif word.endswith("ed") and len(word) >= 6:
        word = word[:-2]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]  # stopped -> stopp -> stop
    return word


def words(text: str) -> list[str]:
    """The words of ``text`` that carry meaning: lower-cased, at least two characters with
    a letter among them, no stop words, URLs left out."""
    found = _WORD.findall(_URL.sub(" ", text.lower()))
    return list(filterfalse(_IGNORED.__contains__, found))


class _Bags:
    """Weighted term counts of COEs, sharing one stem cache and one count of the words
    seen (so that reasons can show each stem as the word most often written)."""

    def __init__(self) -> None:
        self.stems: dict[str, str] = {}
        self.seen: Counter[str] = Counter()

    def _add(self, weights: dict[str, float], found: list[str], weight: float) -> None:
        stems = self.stems
        for word, count in Counter(found).items():
            term = stems.get(word)
            if term is None:
                term = stems[word] = stem(word)
            weights[term] = weights.get(term, 0.0) + weight * count

    def bag(self, text: CoeText) -> dict[str, float]:
        weights: dict[str, float] = {}
        title, summary = words(text.title), words(text.summary)
        prose = [w for chunk in (*text.text, *text.services, *text.tags) for w in words(chunk)]
        self._add(weights, title, TITLE)
        self._add(weights, summary, SUMMARY)
        self._add(weights, prose, TEXT)
        for service in text.services:
            key = SERVICE_PREFIX + service.casefold()
            weights[key] = weights.get(key, 0.0) + SERVICE
        for tag in text.tags:
            key = TAG_PREFIX + tag.casefold()
            weights[key] = weights.get(key, 0.0) + TAG
        self.seen.update(title)
        self.seen.update(summary)
        self.seen.update(prose)
        return weights

    def surfaces(self) -> dict[str, str]:
        """Each stem's most written word (the alphabetically first on a tie)."""
        best: dict[str, tuple[int, str]] = {}
        for word, count in self.seen.items():
            term = self.stems[word]
            known = best.get(term)
            if known is None or (-count, word) < (-known[0], known[1]):
                best[term] = (count, word)
        return {term: word for term, (_, word) in best.items()}


class SimilarityModel:
    """TF-IDF vectors of a set of COEs and an inverted index over their heaviest words."""

    def __init__(
        self,
        texts: Sequence[CoeText],
        terms_per_doc: int = TERMS_PER_DOC,
        postings_per_term: int = POSTINGS_PER_TERM,
    ) -> None:
        self.texts = list(texts)
        bags = _Bags()
        counts = [bags.bag(text) for text in self.texts]
        df: Counter[str] = Counter()
        for bag in counts:
            df.update(bag.keys())
        n = len(counts)
        log = math.log
        idf = {t: log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self.vectors: list[dict[str, float]] = []
        ids: dict[str, list[int]] = {}
        weights: dict[str, list[float]] = {}
        for number, bag in enumerate(counts):
            vector = {t: (1 + log(c)) * idf[t] for t, c in bag.items()}
            norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
            # Words in one COE alone are never shared: they count in the norm only.
            top = heapq.nlargest(
                terms_per_doc, (t for t in vector if df[t] > 1), key=vector.__getitem__
            )
            capped = {t: vector[t] / norm for t in top}
            self.vectors.append(capped)
            for term, weight in capped.items():
                ids.setdefault(term, []).append(number)
                weights.setdefault(term, []).append(weight)
        # A word indexed by very many COEs keeps only those it weighs most in; the others
        # drop it from their vectors too, so that every score stays symmetric.
        for term, members in ids.items():
            if len(members) > postings_per_term:
                heavy = heapq.nlargest(postings_per_term, zip(weights[term], members, strict=True))
                kept = set(m for _, m in heavy)
                for member in members:
                    if member not in kept:
                        del self.vectors[member][term]
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
        self._totals = [0.0] * n

    def scores(self, number: int) -> dict[int, float]:
        """Cosine scores against every COE sharing an indexed word with COE ``number``
        (itself included)."""
        totals = self._totals
        touched: list[int] = []
        postings = self.postings
        for term, weight in self.vectors[number].items():
            ids, weights = postings[term]
            for other, other_weight in zip(ids, weights, strict=True):
                totals[other] += weight * other_weight
            touched.extend(ids)
        found = {other: totals[other] for other in touched}
        for other in found:
            totals[other] = 0.0
        return found

    def suggest(self, number: int, k: int = TOP_K) -> list[Suggestion]:
        """The ``k`` best suggestions for one COE."""
        candidates = [
            (score, -other)
            for other, score in self.scores(number).items()
            if score >= MIN_SCORE and self.allowed(number, other)
        ]
        return self._best(number, candidates, k)

    def suggest_all(self, k: int = TOP_K) -> list[list[Suggestion]]:
        """The ``k`` best suggestions for every COE. A pair's score is the same both ways,
        so each pair is scored once: each COE accumulates only over the COEs after it,
        and a score good enough is offered to both."""
        n = len(self.texts)
        candidates: list[list[tuple[float, int]]] = [[] for _ in range(n)]
        totals = self._totals
        postings = self.postings
        for number in range(n):
            touched: list[int] = []
            for term, weight in self.vectors[number].items():
                ids, weights = postings[term]
                start = bisect_right(ids, number)
                if start == len(ids):
                    continue
                later = ids[start:]
                for other, other_weight in zip(later, weights[start:], strict=True):
                    totals[other] += weight * other_weight
                touched.extend(later)
            for other in set(touched):
                score = totals[other]
                totals[other] = 0.0
                if score >= MIN_SCORE and self.allowed(number, other):
                    # (score, -index): the higher score first, then the earlier COE.
                    candidates[number].append((score, -other))
                    candidates[other].append((score, -number))
        return [self._best(number, found, k) for number, found in enumerate(candidates)]

    def _best(self, number: int, candidates: list[tuple[float, int]], k: int) -> list[Suggestion]:
        """Suggestions from ``(score, -index)`` candidates, best first."""
        candidates.sort(reverse=True)
        return [
            Suggestion(str(self.texts[-neg].id), round(score, 4), self.reason(number, -neg))
            for score, neg in candidates[:k]
        ]

    def allowed(self, number: int, other: int) -> bool:
        """Whether ``other`` may be suggested for ``number``: not itself, not a COE with
        the same id, and not related either way (relations and backlinks)."""
        if other == number:
            return False
        mine, theirs = self.texts[number], self.texts[other]
        if mine.id is not None and (mine.id == theirs.id or mine.id in theirs.excluded):
            return False
        return theirs.id is None or theirs.id not in mine.excluded

    def reason(self, number: int, other: int) -> str:
        """Shared services and tags, then the words that weigh most in the match."""
        mine, theirs = self.texts[number], self.texts[other]
        parts: list[str] = []
        their_services = {s.casefold() for s in theirs.services}
        services = _unique(s for s in mine.services if s.casefold() in their_services)
        if services:
            parts.append("shared services: " + ", ".join(services))
        their_tags = {t.casefold() for t in theirs.tags}
        tags = _unique(t for t in mine.tags if t.casefold() in their_tags)
        if tags:
            parts.append("shared tags: " + ", ".join(tags))
        a, b = self.vectors[number], self.vectors[other]
        # The words of the shared services and tags are said already.
        named = {self.stems.get(w) or stem(w) for name in (*services, *tags) for w in words(name)}
        shown: list[str] = []
        for _, term in sorted(((a[t] * b[t], t) for t in a.keys() & b.keys()), reverse=True):
            if term.startswith((SERVICE_PREFIX, TAG_PREFIX)) or term in named:
                continue
            if term in self.everyday:
                continue
            word = self.surface.get(term, term)
            if word not in shown:
                shown.append(word)
                if len(shown) == REASON_TERMS:
                    break
        if shown:
            parts.append("shared terms: " + ", ".join(shown))
        return "; ".join(parts) or "similar wording"


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def similar_index(entries: Iterable[CoeEntry], k: int = TOP_K) -> dict[str, list[Suggestion]]:
    """For every COE id, up to ``k`` other COEs most similar to it, best first."""
    chosen = list(entries)
    model = SimilarityModel([text_of(entry) for entry in chosen])
    found = model.suggest_all(k)
    return {entry.id: found[number] for number, entry in enumerate(chosen)}


def similar_to(
    text_fields: CoeText | Mapping[str, Any], entries: Iterable[CoeEntry], k: int = TOP_K
) -> list[Suggestion]:
    """The ``k`` COEs among ``entries`` most similar to a COE being written (which need
    not be in ``entries``; when one of them has its id, that one is replaced by it)."""
    text = text_fields if isinstance(text_fields, CoeText) else CoeText.from_mapping(text_fields)
    others = [entry for entry in entries if text.id is None or entry.id != text.id]
    model = SimilarityModel([*(text_of(entry) for entry in others), text])
    return model.suggest(len(others), k)


def markdown_escape(text: str) -> str:
    """Text safe to paste into Markdown (a pull-request comment): specials backslashed."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(text.split()))
