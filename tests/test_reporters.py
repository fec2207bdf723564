"""The output formats of `coe validate`: text, json, github and sarif, run through the CLI."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator, Draft202012Validator
from jsonschema.validators import validator_for

from coe.core.rules import RULES
from tests.helpers import VALID_COE, make_repo, run_coe, validate_json

SCHEMAS = Path(__file__).resolve().parent / "schemas"
OUTPUT_SCHEMA = SCHEMAS / "validate-output.schema.json"
SARIF_SCHEMA = SCHEMAS / "sarif-2.1.0.json"
BODY = VALID_COE.split("---\n", 2)[2]

# The contract's example: the first action item's `due` is on line 14, column 5.
CHECKOUT = (
    """\
---
id: COE-2026-007
title: Checkout returned HTTP 500 errors for 38 minutes after a rate-limit change
status: published
severity: SEV2
date: 2026-03-04
action_items:
  - id: AI-1
    title: Validate rate-limit configs against recorded production traffic before deploy
    kind: prevent
    priority: P1
    owner: payments-platform
    status: open
    due: 2026-13-40
    addresses: [1, 2]
authors:
  - Dana Whitfield
team: payments-platform
services:
  - checkout-api
incident:
  started: 2026-03-02T14:00:00Z
  detected: 2026-03-02T14:10:00Z
  mitigated: 2026-03-02T14:40:00Z
  detection: monitoring
impact:
  summary: About 18% of checkout requests failed with HTTP 500 for 38 minutes.
  customers_affected: 4210
  nfrs: [reliability]
---
"""
    + BODY
)
CHECKOUT_PATH = "coes/2026/COE-2026-007-checkout.md"
CONTRACT_TEXT_LINE = (
    "coes/2026/COE-2026-007-checkout.md:14:5: error [schema] /action_items/0/due: "
    "'2026-13-40' is not a date"
)
CONTRACT_DIAGNOSTIC = {
    "path": "coes/2026/COE-2026-007-checkout.md",
    "line": 14,
    "column": 5,
    "severity": "error",
    "rule": "schema",
    "pointer": "/action_items/0/due",
    "message": "'2026-13-40' is not a date",
}
# An unknown key holding a line break and a per-cent sign, for the escaping of messages.
ODD_KEY = VALID_COE.replace("severity: SEV2\n", 'severity: SEV2\n"sev\\nerity 100%": x\n')
GITHUB_LINE = re.compile(
    r"^::(?P<level>error|warning) file=(?P<file>[^,:]+),line=(?P<line>[1-9][0-9]*),"
    r"col=(?P<col>[1-9][0-9]*),title=(?P<title>[^,:]+)::(?P<message>.+)$"
)
SUMMARY = re.compile(r"^\d+ files? checked: \d+ errors?, \d+ warnings?(?:, \d+ suppressed)?$")


def load_schema(path: Path) -> dict[str, Any]:
    if not path.is_file():  # another helper writes these files; see the module's docstring
        pytest.skip(f"{path.relative_to(SCHEMAS.parent.parent)} is not there yet")
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@pytest.fixture(scope="module")
def mixed_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Errors and a warning, in the front-matter and the body, over three files."""
    root = tmp_path_factory.mktemp("mixed")
    return make_repo(
        root,
        {
            CHECKOUT_PATH: CHECKOUT,
            "coes/2026/COE-2026-101-sections.md": VALID_COE.replace("## Metrics\n", "## Graphs\n"),
            "coes/2025/label,outage.md": VALID_COE.replace("COE-2026-101", "COE-2025-001"),
        },
    )


@pytest.fixture(scope="module")
def mixed_json(mixed_repo: Path) -> dict[str, Any]:
    code, output = validate_json(mixed_repo)
    assert code == 1
    rules = {d["rule"] for d in output["diagnostics"]}
    assert {"schema", "sections", "filename"} <= rules, output
    return output


@functools.cache
def run_format(repo: Path, fmt: str) -> str:
    """The output of `coe validate --format FMT` in ``repo`` (run once per repository)."""
    result = run_coe("validate", "--format", fmt, cwd=repo)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout


# --- text -----------------------------------------------------------------------------


def test_text_line_matches_the_contract_example_exactly(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {CHECKOUT_PATH: CHECKOUT})
    assert run_format(repo, "text") == (
        CONTRACT_TEXT_LINE + "\n" + "1 file checked: 1 error, 0 warnings\n"
    )


def test_text_line_of_a_body_finding_has_no_pointer(mixed_repo: Path) -> None:
    lines = run_format(mixed_repo, "text").splitlines()
    assert (
        "coes/2026/COE-2026-101-sections.md:1:1: error [sections] missing section `## Metrics`"
        in lines
    )


def test_text_and_json_report_the_same_findings(
    mixed_repo: Path, mixed_json: dict[str, Any]
) -> None:
    lines = run_format(mixed_repo, "text").splitlines()
    expected = [
        f"{d['path']}:{d['line']}:{d['column']}: {d['severity']} [{d['rule']}] "
        + (f"{d['pointer']}: " if d["pointer"] else "")
        + d["message"]
        for d in mixed_json["diagnostics"]
    ]
    assert lines[:-1] == expected
    assert SUMMARY.match(lines[-1])


def test_text_output_has_one_line_per_finding_even_for_a_key_with_a_line_break(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path, {"coes/COE-2026-101-x.md": ODD_KEY})
    _, output = validate_json(repo)
    assert len(output["diagnostics"]) == 1
    lines = run_format(repo, "text").splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("coes/COE-2026-101-x.md:6:1: error [schema] ")


# --- json -----------------------------------------------------------------------------


def test_json_output_validates_against_its_schema(mixed_json: dict[str, Any]) -> None:
    schema = load_schema(OUTPUT_SCHEMA)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [e.message for e in validator.iter_errors(mixed_json)]
    assert errors == []


def test_json_output_of_a_clean_run_validates_too(tmp_path: Path) -> None:
    schema = load_schema(OUTPUT_SCHEMA)
    repo = make_repo(tmp_path, {"coes/COE-2026-101-x.md": VALID_COE})
    code, output = validate_json(repo)
    assert code == 0
    assert (output["files"], output["errors"], output["warnings"]) == (1, 0, 0)
    assert output["diagnostics"] == []
    Draft202012Validator(schema).validate(output)


def test_json_counts_agree_with_the_diagnostics(mixed_json: dict[str, Any]) -> None:
    severities = [d["severity"] for d in mixed_json["diagnostics"]]
    assert mixed_json["files"] == 3
    assert mixed_json["errors"] == severities.count("error") >= 2
    assert mixed_json["warnings"] == severities.count("warning") >= 1


def test_json_diagnostic_matches_the_contract_example_exactly(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {CHECKOUT_PATH: CHECKOUT})
    code, output = validate_json(repo)
    assert code == 1
    assert output["diagnostics"] == [CONTRACT_DIAGNOSTIC]
    assert (output["files"], output["errors"], output["warnings"]) == (1, 1, 0)


def test_json_body_finding_has_a_null_pointer(mixed_json: dict[str, Any]) -> None:
    sections = [d for d in mixed_json["diagnostics"] if d["rule"] == "sections"]
    assert sections and all(d["pointer"] is None for d in sections)
    schema_findings = [d for d in mixed_json["diagnostics"] if d["rule"] == "schema"]
    assert schema_findings and all(d["pointer"].startswith("/") for d in schema_findings)


# --- github ---------------------------------------------------------------------------


def test_github_lines_are_workflow_commands(mixed_repo: Path, mixed_json: dict[str, Any]) -> None:
    lines = run_format(mixed_repo, "github").splitlines()
    commands = [line for line in lines if line.startswith("::")]
    others = [line for line in lines if not line.startswith("::")]
    assert all(SUMMARY.match(line) for line in others), others
    assert len(commands) == len(mixed_json["diagnostics"])
    for line, diagnostic in zip(commands, mixed_json["diagnostics"], strict=True):
        match = GITHUB_LINE.match(line)
        assert match is not None, line
        assert match["level"] == diagnostic["severity"]
        assert int(match["line"]) == diagnostic["line"]
        assert int(match["col"]) == diagnostic["column"]
        assert diagnostic["rule"] in match["title"]
        assert diagnostic["message"] in match["message"]
    files = {
        match["file"].replace("%2C", ",") for match in map(GITHUB_LINE.match, commands) if match
    }
    assert "coes/2025/label,outage.md" in files


def test_github_escapes_line_breaks_and_percent_signs(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"coes/COE-2026-101-x.md": ODD_KEY})
    lines = run_format(repo, "github").splitlines()
    command = lines[0]
    match = GITHUB_LINE.match(command)
    assert match is not None, lines
    assert (match["level"], match["line"], match["col"]) == ("error", "6", "1")
    assert "sev%0Aerity 100%25" in match["message"]
    assert re.search(r"%(?!25|0A|0D)", match["message"]) is None
    assert len(lines) == 2 and SUMMARY.match(lines[1])


def test_github_escapes_commas_in_the_file_property(mixed_repo: Path) -> None:
    lines = run_format(mixed_repo, "github").splitlines()
    assert any(line.startswith("::warning file=coes/2025/label%2Coutage.md,") for line in lines)


# --- sarif ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif(mixed_repo: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(run_format(mixed_repo, "sarif"))
    return document


def test_sarif_validates_against_the_sarif_2_1_0_schema(sarif: dict[str, Any]) -> None:
    schema = load_schema(SARIF_SCHEMA)
    # The vendored schema says which draft it is written in; draft-07 if it does not.
    cls = validator_for(schema, default=Draft7Validator)
    cls.check_schema(schema)
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(sarif)
    ]
    assert errors == []
    assert sarif["version"] == "2.1.0"


def test_sarif_results_carry_rule_level_and_location(
    sarif: dict[str, Any], mixed_json: dict[str, Any]
) -> None:
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == len(mixed_json["diagnostics"])
    for result, diagnostic in zip(results, mixed_json["diagnostics"], strict=True):
        assert result["ruleId"] == diagnostic["rule"]
        assert rules[result["ruleIndex"]]["id"] == diagnostic["rule"]
        assert result["level"] == diagnostic["severity"]
        location = result["locations"][0]["physicalLocation"]
        assert location["region"]["startLine"] == diagnostic["line"]
        assert location["region"]["startColumn"] == diagnostic["column"]
        assert location["artifactLocation"]["uri"].replace("%2C", ",") == diagnostic["path"]
        assert diagnostic["message"] in result["message"]["text"]


def test_sarif_describes_every_registered_rule(sarif: dict[str, Any]) -> None:
    described = {rule["id"]: rule for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert set(described) == {rule.id for rule in RULES}
    for rule in RULES:
        assert described[rule.id]["shortDescription"]["text"] == rule.summary
        level = described[rule.id]["defaultConfiguration"]["level"]
        assert level == ("none" if rule.level == "off" else rule.level)
