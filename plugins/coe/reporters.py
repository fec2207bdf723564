"""Output formats for findings, in a registry keyed by the name `--format` takes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TextIO
from urllib.parse import quote

from . import __version__
from .core.findings import Finding
from .core.format import plural
from .core.pipeline import Checked
from .core.rules import RULES

Reporter = Callable[[Checked, TextIO], None]
REPORTERS: dict[str, Reporter] = {}


def reporter(name: str) -> Callable[[Reporter], Reporter]:
    def register(func: Reporter) -> Reporter:
        REPORTERS[name] = func
        return func

    return register


def summary(result: Checked) -> str:
    text = (
        f"{plural(result.files, 'file')} checked: "
        f"{plural(result.errors, 'error')}, {plural(result.warnings, 'warning')}"
    )
    if result.suppressed:
        text += f", {len(result.suppressed)} suppressed"
    return text


def text_line(finding: Finding) -> str:
    """One finding on one line, whatever its message holds."""
    return finding.text()


@reporter("text")
def report_text(result: Checked, out: TextIO) -> None:
    for finding in result.findings:
        out.write(text_line(finding) + "\n")
    out.write(summary(result) + "\n")


def as_dict(finding: Finding) -> dict[str, Any]:
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "severity": finding.severity,
        "rule": finding.rule,
        "pointer": finding.pointer,
        "message": finding.message,
    }


@reporter("json")
def report_json(result: Checked, out: TextIO) -> None:
    document = {
        "files": result.files,
        "errors": result.errors,
        "warnings": result.warnings,
        "suppressed": len(result.suppressed),
        "diagnostics": [as_dict(f) for f in result.findings],
    }
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


@reporter("github")
def report_github(result: Checked, out: TextIO) -> None:
    """GitHub Actions workflow commands: each finding becomes an annotation on its line."""
    for f in result.findings:
        where = f"{f.pointer}: " if f.pointer else ""
        out.write(
            f"::{f.severity} file={_escape_property(f.path)},line={f.line},col={f.column},"
            f"title={_escape_property('coe ' + f.rule)}::{_escape_data(where + f.message)}\n"
        )
    out.write(summary(result) + "\n")


@reporter("sarif")
def report_sarif(result: Checked, out: TextIO) -> None:
    """SARIF 2.1.0, for code-scanning dashboards."""
    rules = RULES
    index = {rule.id: i for i, rule in enumerate(rules)}
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "coe",
                        "version": __version__,
                        "rules": [
                            {
                                "id": rule.id,
                                "shortDescription": {"text": rule.summary},
                                "fullDescription": {"text": rule.rationale or rule.summary},
                                "defaultConfiguration": {
                                    "level": "none" if rule.level == "off" else rule.level,
                                },
                            }
                            for rule in rules
                        ],
                    }
                },
                "results": [
                    {
                        "ruleId": f.rule,
                        "ruleIndex": index[f.rule],
                        "level": f.severity,
                        "message": {
                            "text": f"{f.pointer}: {f.message}" if f.pointer else f.message
                        },
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": quote(f.path)},
                                    "region": {"startLine": f.line, "startColumn": f.column},
                                }
                            }
                        ],
                    }
                    for f in result.findings
                ],
            }
        ],
    }
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")
