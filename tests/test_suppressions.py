"""Suppressing a finding for one COE with a stated reason: `<!-- coe-ignore RULE: reason -->`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from coe.core.rules import RULES, SILENCEABLE
from coe.core.suppress import parse_suppressions, silenced_rules, suppressions

from .helpers import MKDOCS_YML, VALID_COE, make_repo, run_coe, validate_json

FIXTURES = Path(__file__).parent / "fixtures" / "practice"
MANIFEST: dict[str, dict[str, Any]] = yaml.safe_load(
    (FIXTURES / "manifest.yaml").read_text(encoding="utf-8")
)
OUTPUT_SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "validate-output.schema.json").read_text(encoding="utf-8")
)
SUPPRESSION_FIXTURES = sorted(name for name in MANIFEST if "-suppression-" in name)

NAME = "coes/COE-2026-101-label-service.md"
DASHBOARD = "Dashboard: https://grafana.parcelwise.example/d/labels"
TABLE = "| time (UTC) | 5xx rate |\n|---|---|\n| 14:05 | 61% |\n| 14:45 | 0.1% |\n"
# VALID_COE without metrics evidence: one metrics-evidence warning on line 70.
NO_METRICS = VALID_COE.replace(DASHBOARD, "The dashboard showed the rise.").replace(TABLE, "")
REASON = "the metrics store lost this day's data; AI-3 restores retention"


def suppressed(text: str, comment: str) -> str:
    return text.replace("## Related items", f"{comment}\n\n## Related items")


@pytest.mark.parametrize("name", SUPPRESSION_FIXTURES)
def test_suppression_fixture(tmp_path: Path, name: str) -> None:
    """Each suppression fixture on its own: its findings and its suppressed count."""
    root = make_repo(tmp_path, {})
    shutil.copy(FIXTURES / name, root / "coes" / name)
    _code, output = validate_json(root)
    jsonschema.validate(output, OUTPUT_SCHEMA)
    spec = MANIFEST[name]
    assert sorted((d["rule"], d["line"]) for d in output["diagnostics"]) == sorted(
        (e["rule"], e["line"]) for e in spec["expect"]
    )
    assert output["suppressed"] == spec.get("suppressed", 0)


def test_suppressed_finding_is_counted_not_reported(tmp_path: Path) -> None:
    text = suppressed(NO_METRICS, f"<!-- coe-ignore metrics-evidence: {REASON} -->")
    root = make_repo(tmp_path, {NAME: text})
    code, output = validate_json(root)
    jsonschema.validate(output, OUTPUT_SCHEMA)
    assert (code, output["warnings"], output["suppressed"], output["diagnostics"]) == (0, 0, 1, [])
    result = run_coe("validate", "--strict", cwd=root)
    assert result.returncode == 0
    assert result.stdout == "1 file checked: 0 errors, 0 warnings, 1 suppressed\n"
    github = run_coe("validate", "--format", "github", cwd=root)
    assert github.stdout.endswith("0 warnings, 1 suppressed\n")


def test_no_suppression_keeps_the_summary_unchanged(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {NAME: NO_METRICS})
    result = run_coe("validate", cwd=root)
    assert result.stdout.splitlines()[-1] == "1 file checked: 0 errors, 1 warning"
    _code, output = validate_json(root)
    assert output["suppressed"] == 0


def test_suppression_is_per_coe(tmp_path: Path) -> None:
    other = NO_METRICS.replace("id: COE-2026-101", "id: COE-2026-102")
    files: dict[str, str | bytes] = {
        NAME: suppressed(NO_METRICS, f"<!-- coe-ignore metrics-evidence: {REASON} -->"),
        "coes/COE-2026-102-other.md": other,
    }
    root = make_repo(tmp_path, files)
    code, output = validate_json(root)
    assert code == 0
    assert [(Path(d["path"]).name, d["rule"]) for d in output["diagnostics"]] == [
        ("COE-2026-102-other.md", "metrics-evidence")
    ]
    assert output["suppressed"] == 1
    # Reporting on one file counts only that file's suppressed findings.
    _code, only_other = validate_json(root, "coes/COE-2026-102-other.md")
    assert (only_other["files"], only_other["warnings"], only_other["suppressed"]) == (1, 1, 0)
    _code, only_first = validate_json(root, NAME)
    assert (only_first["files"], only_first["warnings"], only_first["suppressed"]) == (1, 0, 1)


def test_suppression_silences_a_rule_raised_to_error(tmp_path: Path) -> None:
    options = "  - coe:\n      severity_rules:\n        SEV2:\n          metrics-evidence: error\n"
    mkdocs = MKDOCS_YML.replace("  - coe\n", options)
    root = make_repo(tmp_path, {NAME: NO_METRICS}, mkdocs)
    code, output = validate_json(root)
    assert (code, output["errors"]) == (1, 1)
    (root / NAME).write_text(
        suppressed(NO_METRICS, f"<!-- coe-ignore metrics-evidence: {REASON} -->"), encoding="utf-8"
    )
    code, output = validate_json(root)
    assert (code, output["errors"], output["suppressed"]) == (0, 0, 1)


def test_suppression_without_reason_silences_nothing(tmp_path: Path) -> None:
    comments = (
        "<!-- coe-ignore metrics-evidence -->",
        "<!-- coe-ignore metrics-evidence:   -->",
        "<!-- coe-ignore: no rule named -->",
    )
    for index, comment in enumerate(comments):
        root = make_repo(tmp_path / str(index), {NAME: suppressed(NO_METRICS, comment)})
        _code, output = validate_json(root)
        rules = [(d["rule"], d["line"]) for d in output["diagnostics"]]
        assert ("metrics-evidence", 70) in rules, comment
        assert any(rule == "suppression" for rule, _ in rules), comment
        assert output["suppressed"] == 0


@pytest.mark.parametrize(
    "rule_id", ["schema", "front-matter", "yaml-syntax", "encoding", "file-size", "sections"]
)
def test_format_errors_cannot_be_suppressed(tmp_path: Path, rule_id: str) -> None:
    text = suppressed(VALID_COE, f"<!-- coe-ignore {rule_id}: we know -->")
    root = make_repo(tmp_path, {NAME: text})
    _code, output = validate_json(root)
    (finding,) = output["diagnostics"]
    assert finding["rule"] == "suppression"
    assert finding["severity"] == "warning"
    assert f"{rule_id} cannot be suppressed" in finding["message"]


def test_suppression_findings_cannot_be_suppressed(tmp_path: Path) -> None:
    text = suppressed(
        VALID_COE, "<!-- coe-ignore suppression: meta -->\n\n<!-- coe-ignore timeline-gap -->"
    )
    root = make_repo(tmp_path, {NAME: text})
    _code, output = validate_json(root)
    assert [d["rule"] for d in output["diagnostics"]] == ["suppression", "suppression"]
    assert output["suppressed"] == 0


def test_unknown_rule_is_reported_with_a_suggestion(tmp_path: Path) -> None:
    text = suppressed(NO_METRICS, "<!-- coe-ignore metrics-evidense, timeline-gap: see RB-12 -->")
    root = make_repo(tmp_path, {NAME: text})
    _code, output = validate_json(root)
    messages = [d["message"] for d in output["diagnostics"] if d["rule"] == "suppression"]
    assert messages == [
        "`coe-ignore` names no rule 'metrics-evidense' (did you mean metrics-evidence?)"
    ]
    assert any(d["rule"] == "metrics-evidence" for d in output["diagnostics"])


def test_suppression_level_is_configurable(tmp_path: Path) -> None:
    mkdocs = MKDOCS_YML.replace("  - coe\n", "  - coe:\n      rules:\n        suppression: error\n")
    text = suppressed(VALID_COE, "<!-- coe-ignore timeline-gap -->")
    root = make_repo(tmp_path, {NAME: text}, mkdocs)
    code, output = validate_json(root)
    assert code == 1
    assert [(d["rule"], d["severity"]) for d in output["diagnostics"]] == [("suppression", "error")]


# --- the API the site uses ------------------------------------------------------------


def test_parse_suppressions_api() -> None:
    body = (
        "Intro `<!-- coe-ignore timeline-gap: an example in code -->`.\n"
        "\n"
        "```\n<!-- coe-ignore timeline-gap: an example in a fence -->\n```\n"
        "<!-- an ordinary comment -->\n"
        "<!-- coe-ignore Timeline-Gap, metrics-evidence: the logs for\n"
        "     14:00-15:00 were lost with the node -->\n"
        "   <!-- COE-IGNORE whys-count -->\n"
        "<!-- coe-ignore schema, nope: reason -->\n"
    )
    found = parse_suppressions(body, 40, SILENCEABLE)
    assert [(s.line, s.column) for s in found] == [(46, 1), (48, 4), (49, 1)]
    first, second, third = found
    assert first.rules == ("timeline-gap", "metrics-evidence")
    assert first.reason == "the logs for 14:00-15:00 were lost with the node"
    assert first.silences == first.rules
    assert first.problems == ()
    assert (second.rules, second.reason, second.silences) == (("whys-count",), "", ())
    assert len(second.problems) == 1 and "no reason" in second.problems[0]
    assert third.silences == ()
    assert len(third.problems) == 2


def test_suppressions_of_a_document(tmp_path: Path) -> None:
    from coe.core.document import load_document

    text = suppressed(NO_METRICS, f"<!-- coe-ignore metrics-evidence: {REASON} -->")
    path = tmp_path / "COE-2026-101.md"
    path.write_text(text, encoding="utf-8")
    doc = load_document(path, path.name, tmp_path, 1 << 20)
    line = text.split("\n").index(f"<!-- coe-ignore metrics-evidence: {REASON} -->") + 1
    (only,) = suppressions(doc, SILENCEABLE)
    assert (only.line, only.rules, only.reason) == (line, ("metrics-evidence",), REASON)
    assert silenced_rules(doc, SILENCEABLE) == {"metrics-evidence": only}


def test_every_rule_id_is_a_valid_suppression_target_or_refused() -> None:
    for rule in RULES:
        (parsed,) = parse_suppressions(f"<!-- coe-ignore {rule.id}: reason -->", 1, SILENCEABLE)
        refused = rule.id == "suppression" or (rule.category == "format" and rule.level == "error")
        assert parsed.silences == (() if refused else (rule.id,)), rule.id
