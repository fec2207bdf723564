"""Silencing a finding for one COE, with a stated reason, visibly.

The front-matter allows no unknown field, so a suppression is an HTML comment in the body:

    <!-- coe-ignore timeline-gap: the logs for 14:00-15:00 were lost with the failed node -->
    <!-- coe-ignore action-item-sla, whys-count: agreed with the review board, see RB-12 -->

One rule id or several, separated by commas (or spaces), then a colon and the reason. It
silences every finding of those rules in its COE. The comment does not show on the page,
but the site lists a COE's suppressions with their reasons, and the validator counts the
silenced findings.

A suppression without a reason silences nothing. An unknown rule id, or a rule of the
format contract that is an error by default (schema, front-matter, YAML, encoding,
sections, ids...), is not silenced either, though the other ids in the same comment are:
a COE that breaks the contract cannot be published as if it did not. Each of these
problems is a finding of the ``suppression`` rule.
Comments inside code spans and code blocks are examples, not suppressions.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .prose import body_prose

if TYPE_CHECKING:
    from .document import CoeDocument
    from .findings import Finding

MARKER = "coe-ignore"
RULE_ID = "suppression"
_DIRECTIVE = re.compile(rf"\s*{MARKER}(?![\w-])(?P<rest>.*)", re.DOTALL | re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[\s,]+")


@dataclass(frozen=True, slots=True)
class Suppression:
    """One ``coe-ignore`` comment. ``line`` and ``column`` point at its ``<!--`` in the file;
    ``rules`` are the ids as written, ``silences`` the ones it actually silences (none when
    it has a problem such as a missing reason), ``problems`` what is wrong with it."""

    line: int
    column: int
    rules: tuple[str, ...]
    reason: str
    silences: tuple[str, ...]
    problems: tuple[str, ...]


def _suggest(rule_id: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(rule_id, list(known), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _parse(text: str, line: int, column: int, known: Mapping[str, bool]) -> Suppression | None:
    match = _DIRECTIVE.match(text)
    if match is None:
        return None
    names, colon, reason = match["rest"].partition(":")
    rules = tuple(dict.fromkeys(n.lower() for n in _SEPARATORS.split(names) if n))
    reason = _SPACES.sub(" ", reason).strip()
    problems: list[str] = []
    if not rules:
        problems.append(f"`{MARKER}` names no rule: write `<!-- {MARKER} RULE-ID: reason -->`")
    if not colon or not reason:
        problems.append(
            f"`{MARKER} {', '.join(rules) or 'RULE-ID'}` gives no reason, so it silences "
            "nothing: add `: ` and why the finding does not apply to this COE"
        )
    silences: list[str] = []
    for rule_id in rules:
        if rule_id not in known:
            problems.append(f"`{MARKER}` names no rule {rule_id!r}{_suggest(rule_id, known)}")
        elif not known[rule_id]:
            problems.append(
                f"{rule_id} cannot be suppressed: it is part of the COE format contract, "
                "so fix the file instead"
            )
        elif colon and reason:
            silences.append(rule_id)
    return Suppression(line, column, rules, reason, tuple(silences), tuple(problems))


def parse_suppressions(
    body: str, first_line: int, silenceable: Mapping[str, bool]
) -> list[Suppression]:
    """Every ``coe-ignore`` comment in a body whose first line is ``first_line`` of the file.
    ``silenceable`` maps each known rule id to whether a comment may silence it (see
    ``Context.silenceable``)."""
    if MARKER not in body.lower():
        return []
    found = []
    for comment in body_prose(body).comments:
        parsed = _parse(comment.text, first_line + comment.index, comment.column, silenceable)
        if parsed is not None:
            found.append(parsed)
    return found


def suppressions(doc: CoeDocument, silenceable: Mapping[str, bool]) -> list[Suppression]:
    """The suppressions of one COE, in the order they appear: what its page lists."""
    if doc.split is None:
        return []
    return parse_suppressions(doc.split.body, doc.split.body_line, silenceable)


def silenced_rules(doc: CoeDocument, silenceable: Mapping[str, bool]) -> dict[str, Suppression]:
    """Each rule id this COE silences, with the (first) suppression that silences it."""
    silenced: dict[str, Suppression] = {}
    for suppression in suppressions(doc, silenceable):
        for rule_id in suppression.silences:
            silenced.setdefault(rule_id, suppression)
    return silenced


def apply_suppressions(
    documents: Iterable[CoeDocument], findings: list[Finding], silenceable: Mapping[str, bool]
) -> tuple[list[Finding], list[Finding]]:
    """Split ``findings`` into those to report and those their COE silences (order kept)."""
    by_path = {
        doc.display: rules
        for doc in documents
        if doc.text is not None and MARKER in doc.text.lower()
        if (rules := silenced_rules(doc, silenceable))
    }
    if not by_path:
        return findings, []
    kept: list[Finding] = []
    silenced: list[Finding] = []
    for finding in findings:
        silencing = by_path.get(finding.path)
        (silenced if silencing and finding.rule in silencing else kept).append(finding)
    return kept, silenced
