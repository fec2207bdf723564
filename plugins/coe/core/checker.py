"""Running every rule over a corpus and turning hits into findings at their levels."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .config import Config
from .context import Context
from .corpus import Corpus, discover
from .document import CoeDocument
from .findings import Finding, Hit, Severity
from .registry import CorpusCheck, FileCheck, Rule, all_rules, get_rule
from .rules.findings_limit import MAX_FINDINGS_PER_FILE
from .schema import checker_for


@dataclass
class Result:
    """Findings for the selected files; ``corpus`` also holds the rest of the folder,
    which cross-COE rules need to see."""

    corpus: Corpus
    files: int
    findings: list[Finding] = field(default_factory=list)
    # Findings silenced by a `coe-ignore` comment in their COE (see suppress.py).
    suppressed: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


def _ready(doc: CoeDocument, rule: Rule) -> bool:
    if rule.needs == "body":
        return doc.body is not None
    if rule.needs == "front-matter":
        return doc.data is not None
    return doc.schema_valid


def _finding(context: Context, rule: Rule, doc: CoeDocument, hit: Hit) -> Finding | None:
    level = context.config.level_for(rule.id, rule.level, doc.get("severity"), doc.get("status"))
    if level == "off":
        return None
    return Finding(doc.display, hit.line, hit.column, level, rule.id, hit.message, hit.pointer)


def file_findings(doc: CoeDocument, context: Context) -> list[Finding]:
    """The findings of one COE on its own: its loading hits, the schema and file rules.
    Sets ``doc.schema_valid``, which later rules rely on."""
    findings: list[Finding | None] = [
        _finding(context, get_rule(rule_id), doc, hit) for rule_id, hit in doc.hits
    ]
    if doc.data is not None:
        doc.schema_valid = context.schema.is_valid(doc.data)
    for rule in all_rules():
        if rule.kind == "file" and _ready(doc, rule):
            check: FileCheck = rule.check  # type: ignore[assignment]
            findings.extend(_finding(context, rule, doc, hit) for hit in check(doc, context))
    return [f for f in findings if f is not None]


def corpus_findings(corpus: Corpus, context: Context) -> list[Finding]:
    """The findings of the rules that see every COE at once."""
    findings: list[Finding | None] = []
    for rule in all_rules():
        if rule.kind == "corpus":
            check: CorpusCheck = rule.check  # type: ignore[assignment]
            findings.extend(
                _finding(context, rule, doc, hit) for doc, hit in check(corpus.documents, context)
            )
    return [f for f in findings if f is not None]


def limit_per_file(findings: list[Finding]) -> list[Finding]:
    """The first findings of each file, then one that counts the rest (sorted input)."""
    limited: list[Finding] = []
    for _, group in itertools.groupby(findings, key=lambda f: f.path):
        members = list(group)
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
                    "findings-limit",
                    f"{len(rest)} more finding(s) in this file are not listed: fix these first",
                )
            )
    return limited


def make_context(config: Config, today: date) -> Context:
    return Context(config=config, schema=checker_for(config.schema_path), today=today)


def validate(
    config: Config, today: date, paths: Iterable[Path] | None = None, cwd: Path | None = None
) -> Result:
    """Check the COEs at ``paths`` (default: the configured folder). The whole folder is
    always loaded, since duplicate ids and relations are judged against every COE, but
    only the selected files are reported on."""
    from .pipeline import load_and_check  # the pipeline builds on this module

    context = make_context(config, today)
    selected = discover(list(paths)) if paths else None
    checked = load_and_check(context, [config.coes_dir, *(selected or [])], cwd)
    corpus, findings, suppressed = checked.corpus, checked.findings, checked.suppressed
    if selected is None:
        return Result(corpus, len(corpus.documents), findings, suppressed)
    chosen = {doc.display for doc in corpus.documents if doc.path in set(selected)}
    return Result(
        corpus,
        len(chosen),
        [f for f in findings if f.path in chosen],
        [f for f in suppressed if f.path in chosen],
    )
