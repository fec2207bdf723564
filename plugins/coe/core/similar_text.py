"""What similarity reads of a COE (``CoeText``) and how it cuts text into words: the
stop words, the light stemmer, and the fields taken from a COE file or an index entry."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .body import PROSE_SECTIONS, Body
from .document import CoeDocument
from .index import CoeEntry
from .relations import related_id

# The summary tells the cause; the impact section, like the impact summary, tells who was
# hurt, and words such as "every region" there say nothing about the failure mode.
CAUSE_SECTIONS = PROSE_SECTIONS[:1]
IMPACT_SECTIONS = PROSE_SECTIONS[1:]

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
IGNORED = STOP_WORDS | frozenset("abcdefghijklmnopqrstuvwxyz")
URL = re.compile(r"https?://\S+")
# Words with at least one letter (a bare number says little); single characters and stop
# words are dropped after matching.
WORD = re.compile(r"[a-z0-9]*[a-z][a-z0-9]*")


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
    whys: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    impact: list[str] = field(default_factory=list)

    @classmethod
    def from_mapping(cls, fields: Mapping[str, Any]) -> CoeText:
        """From plain values: ``id``, ``title``, ``summary``, ``text`` (a string or a list,
        e.g. the summary and impact sections), ``whys`` (a list), ``actions`` (action-item
        titles, or front-matter ``action_items``), ``services``, ``tags`` and ``related``
        (ids, or front-matter ``related`` entries)."""
        excluded = {target for target in map(related_id, fields.get("related") or []) if target}
        coe_id = fields.get("id")
        return cls(
            id=coe_id if isinstance(coe_id, str) else None,
            title=_string(fields.get("title")),
            summary=_string(fields.get("summary")),
            text=_strings(fields.get("text")),
            impact=_strings(fields.get("impact")),
            services=_strings(fields.get("services")),
            tags=_strings(fields.get("tags")),
            excluded=excluded,
            whys=_strings(fields.get("whys")),
            actions=_action_titles(fields.get("actions")),
        )


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def _action_titles(value: Any) -> list[str]:
    """Titles from a list of strings or of front-matter action items."""
    if not isinstance(value, list | tuple):
        return _strings(value)
    titles = [item.get("title") if isinstance(item, Mapping) else item for item in value]
    return [title for title in titles if isinstance(title, str)]


def body_text(body: Body | None, keys: Sequence[str] = PROSE_SECTIONS) -> list[str]:
    """The prose sections similarity reads from a body: the summary and impact."""
    if body is None:
        return []
    return [s.text for s in map(body.section, keys) if s is not None]


def body_whys(body: Body | None) -> list[str]:
    """The problem statement of the five whys and the whys themselves."""
    if body is None:
        return []
    return ([body.whys_problem] if body.whys_problem else []) + [w.text for w in body.whys]


def text_of_document(doc: CoeDocument) -> CoeText:
    """A COE as read from a file, whether or not it is valid yet (a COE being written)."""
    data: Mapping[str, Any] = doc.data or {}
    impact = data.get("impact")
    related = data.get("related")
    return CoeText.from_mapping(
        {
            "id": data.get("id"),
            "title": data.get("title"),
            "summary": impact.get("summary") if isinstance(impact, Mapping) else None,
            "text": body_text(doc.body, CAUSE_SECTIONS),
            "impact": body_text(doc.body, IMPACT_SECTIONS),
            "whys": body_whys(doc.body),
            "actions": data.get("action_items"),
            "services": data.get("services"),
            "tags": data.get("tags"),
            "related": related if isinstance(related, list) else [],
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


def all_words(text: str) -> list[str]:
    """Every word of ``text``, stop words included (failure-mode cues such as "at once"
    need them), lower-cased, URLs left out."""
    lowered = text.lower()
    return WORD.findall(URL.sub(" ", lowered) if "http" in lowered else lowered)


def words(text: str) -> list[str]:
    """The words of ``text`` that carry meaning: lower-cased, at least two characters with
    a letter among them, no stop words, URLs left out."""
    return [w for w in all_words(text) if w not in IGNORED]
