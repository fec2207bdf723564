"""Running the rules over COEs and turning their hits into findings at their levels.

The loop over files, the cache and the pool live in ``pipeline.py``, which builds on this.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from datetime import date

from .config import Config
from .corpus import Corpus
from .document import CoeDocument
from .findings import Finding, Hit, Severity
from .rule import AnyRule, BodyRule, Context, CorpusRule, FileRule
from .rules import RULES
from .rules.findings_limit import MAX_FINDINGS_PER_FILE
from .rules.findings_limit import RULE as FINDINGS_LIMIT
from .schema import checker_for


def make_context(config: Config, today: date) -> Context:
    """What the rules consult; raises ``ConfigError`` when the schema cannot be used or
    the settings name a rule that does not exist."""
    return Context(config=config, schema=checker_for(config.schema_path), today=today, rules=RULES)


def _finding(context: Context, rule: AnyRule, doc: CoeDocument, hit: Hit) -> Finding | None:
    level = context.config.level_for(rule.id, rule.level, doc.get("severity"), doc.get("status"))
    if level == "off":
        return None
    return Finding(doc.display, hit.line, hit.column, level, rule.id, hit.message, hit.pointer)


def load_finding(context: Context, rule_id: str, path: str, hit: Hit) -> Finding | None:
    """A loading rule's finding about a file that was not read (such as a link out of the
    repository), at the level the settings give the rule; ``None`` when it is off."""
    rule = context.by_id[rule_id]
    level = context.config.rules.get(rule.id, rule.level)
    if level == "off":
        return None
    return Finding(path, hit.line, hit.column, level, rule.id, hit.message, hit.pointer)


def file_findings(doc: CoeDocument, context: Context) -> list[Finding]:
    """The findings of one COE on its own: its loading hits, the schema and file rules.
    Sets ``doc.schema_valid``, which later rules rely on."""
    by_id = context.by_id
    findings = [_finding(context, by_id[rule_id], doc, hit) for rule_id, hit in doc.hits]
    if doc.data is not None:
        doc.schema_valid = context.schema.is_valid(doc.data)
    body = doc.body
    for rule in context.rules:
        if isinstance(rule, BodyRule):
            if body is not None:
                findings.extend(
                    _finding(context, rule, doc, h) for h in rule.check(doc, body, context)
                )
        elif isinstance(rule, FileRule):
            ready = doc.data is not None if rule.needs == "front-matter" else doc.schema_valid
            if ready:
                findings.extend(_finding(context, rule, doc, h) for h in rule.check(doc, context))
    return [f for f in findings if f is not None]


def corpus_findings(corpus: Corpus, context: Context) -> list[Finding]:
    """The findings of the rules that see every COE at once."""
    findings: list[Finding | None] = []
    for rule in context.rules:
        if isinstance(rule, CorpusRule):
            hits = rule.check(corpus.documents, context)
            findings.extend(_finding(context, rule, doc, hit) for doc, hit in hits)
    return [f for f in findings if f is not None]


def unlimited_files(corpus: Corpus, context: Context) -> set[str]:
    """The files whose settings turn ``findings-limit`` off: every finding is listed."""
    level_for, rule = context.config.level_for, FINDINGS_LIMIT
    return {
        doc.display
        for doc in corpus.documents
        if level_for(rule.id, rule.level, doc.get("severity"), doc.get("status")) == "off"
    }


def limit_per_file(findings: list[Finding], unlimited: Collection[str] = ()) -> list[Finding]:
    """The first findings of each file, then one that counts the rest (sorted input);
    files in ``unlimited`` keep every finding."""
    limited: list[Finding] = []
    for path, group in itertools.groupby(findings, key=lambda f: f.path):
        members = list(group)
        if path in unlimited:
            limited.extend(members)
            continue
        shown, rest = members[:MAX_FINDINGS_PER_FILE], members[MAX_FINDINGS_PER_FILE:]
        limited.extend(shown)
        if rest:
            worst: Severity = "error" if any(f.severity == "error" for f in rest) else "warning"
            limited.append(
                Finding(
                    shown[-1].path,
                    shown[-1].line,
                    shown[-1].column,
                    worst,
                    FINDINGS_LIMIT.id,
                    f"{len(rest)} more finding(s) in this file are not listed: fix these first",
                )
            )
    return limited
