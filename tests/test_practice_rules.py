"""The practice rules, end to end through `coe validate --format json`.

Each fixture in tests/fixtures/practice/ is a complete COE (VALID_COE with one thing
changed) and tests/fixtures/practice/manifest.yaml lists exactly the findings it must
produce. Configuration by option, severity and status is tested with small repositories.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from coe.core.rules import RULES
from coe.core.rules.action_item_duplicate import title_key
from coe.core.rules.action_item_title import _VAGUE, _WORD, vague

from .helpers import MKDOCS_YML, ROOT, VALID_COE, make_repo, run_coe, validate_json

FIXTURES = Path(__file__).parent / "fixtures" / "practice"
MANIFEST: dict[str, dict[str, Any]] = yaml.safe_load(
    (FIXTURES / "manifest.yaml").read_text(encoding="utf-8")
)
OUTPUT_SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "validate-output.schema.json").read_text(encoding="utf-8")
)
PRACTICE_RULES = sorted(rule.id for rule in RULES if rule.category == "practice")
NAME = "coes/COE-2026-101-label-service.md"


def expected(name: str) -> list[tuple[Any, ...]]:
    return sorted(
        (e["rule"], e["line"], e["column"]) if "column" in e else (e["rule"], e["line"])
        for e in MANIFEST[name]["expect"]
    )


def found(diagnostics: list[dict[str, Any]], name: str) -> list[tuple[Any, ...]]:
    columns = {e["rule"]: "column" in e for e in MANIFEST[name]["expect"]}
    return sorted(
        (d["rule"], d["line"], d["column"]) if columns.get(d["rule"]) else (d["rule"], d["line"])
        for d in diagnostics
        if Path(d["path"]).name == name
    )


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One `coe validate` over every practice fixture at once."""
    root = tmp_path_factory.mktemp("practice")
    make_repo(root, {})
    for path in FIXTURES.glob("*.md"):
        shutil.copy(path, root / "coes" / path.name)
    code, output = validate_json(root)
    output["exit"] = code
    return output


def test_manifest_and_fixtures_match() -> None:
    assert sorted(MANIFEST) == sorted(p.name for p in FIXTURES.glob("*.md"))


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_fixture_findings(fixture_run: dict[str, Any], name: str) -> None:
    assert found(fixture_run["diagnostics"], name) == expected(name), MANIFEST[name]["about"]


def test_fixture_output_follows_the_schema(fixture_run: dict[str, Any]) -> None:
    output = {k: v for k, v in fixture_run.items() if k != "exit"}
    jsonschema.validate(output, OUTPUT_SCHEMA)
    assert output["files"] == len(MANIFEST)
    assert output["suppressed"] == sum(spec.get("suppressed", 0) for spec in MANIFEST.values())
    # Practice findings are warnings; the one error is the unsuppressible format case.
    errors = [d for d in output["diagnostics"] if d["severity"] == "error"]
    assert [(Path(d["path"]).name[13:], d["rule"]) for d in errors] == [
        ("suppression-format-rule.md", "timeline-timestamp")
    ]


@pytest.mark.parametrize("rule_id", PRACTICE_RULES)
def test_every_practice_rule_has_firing_and_quiet_fixtures(rule_id: str) -> None:
    fires = [n for n, spec in MANIFEST.items() if any(e["rule"] == rule_id for e in spec["expect"])]
    quiet = [
        n
        for n, spec in MANIFEST.items()
        if n.split("-", 3)[3].startswith(rule_id)
        and not any(e["rule"] == rule_id for e in spec["expect"])
    ]
    assert fires, f"no fixture fires {rule_id}"
    assert quiet, f"no fixture shows {rule_id} staying quiet"


@pytest.mark.parametrize("rule_id", PRACTICE_RULES)
def test_practice_rules_are_documented_warnings(rule_id: str) -> None:
    rule = next(r for r in RULES if r.id == rule_id)
    assert rule.level == "warning"
    assert rule.summary and rule.rationale and rule.bad_example and rule.good_example


def test_valid_coe_has_no_finding(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {NAME: VALID_COE})
    result = run_coe("validate", "--strict", cwd=root)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "1 file checked: 0 errors, 0 warnings"


def test_example_coes_have_no_finding() -> None:
    result = run_coe("validate", "--strict", cwd=ROOT)
    assert result.returncode == 0, result.stdout
    assert " 0 errors, 0 warnings" in result.stdout


# --- options ---------------------------------------------------------------------------


def with_options(options: str) -> str:
    return MKDOCS_YML.replace("  - coe\n", "  - coe:\n" + options)


def rules_found(root: Path) -> list[tuple[str, str, int]]:
    _code, output = validate_json(root)
    jsonschema.validate(output, OUTPUT_SCHEMA)
    return [(d["rule"], d["severity"], d["line"]) for d in output["diagnostics"]]


def test_timeline_gap_threshold_option(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {NAME: VALID_COE}, with_options("      timeline_gap_minutes: 5\n"))
    # Entries every 10 minutes from 14:00 to 14:40 (lines 62-66); 16:00 has its Gap: note.
    assert rules_found(root) == [("timeline-gap", "warning", line) for line in (63, 64, 65, 66)]


def test_min_whys_option(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {NAME: VALID_COE}, with_options("      min_whys: 6\n"))
    assert rules_found(root) == [("whys-count", "warning", 97)]


def test_sla_option(tmp_path: Path) -> None:
    options = "      action_item_sla_days:\n        default: 7\n        SEV1: 3\n"
    root = make_repo(tmp_path, {NAME: VALID_COE}, with_options(options))
    # date 2026-03-03: AI-1 is due on day 7 (fine), AI-2 on day 11.
    assert rules_found(root) == [("action-item-sla", "warning", 45)]
    sev1 = VALID_COE.replace("severity: SEV2", "severity: SEV1")
    (root / NAME).write_text(sev1, encoding="utf-8")
    assert rules_found(root) == [
        ("action-item-sla", "warning", 35),
        ("action-item-sla", "warning", 45),
    ]


def test_blame_phrases_option(tmp_path: Path) -> None:
    text = VALID_COE.replace(
        "The on-call engineer finds requests waiting on the pool.",
        "A careless change is found: human error, requests wait on the pool.",
    )
    root = make_repo(tmp_path, {NAME: text}, with_options("      blame_phrases: [human error]\n"))
    _code, output = validate_json(root)
    assert [(d["rule"], d["line"], d["column"]) for d in output["diagnostics"]] == [
        ("blame-words", 64, 54)
    ]
    assert "'human error'" in output["diagnostics"][0]["message"]


def test_rule_turned_off_globally(tmp_path: Path) -> None:
    text = VALID_COE.replace(
        "    - Gap: the fix waited for the next scheduled deploy window.\n", ""
    )
    root = make_repo(
        tmp_path, {NAME: text}, with_options("      rules:\n        timeline-gap: off\n")
    )
    assert rules_found(root) == []


# --- rigor by severity and status --------------------------------------------------------

NO_METRICS = VALID_COE.replace(
    "Dashboard: https://grafana.parcelwise.example/d/labels", "The dashboard showed the rise."
).replace("| time (UTC) | 5xx rate |\n|---|---|\n| 14:05 | 61% |\n| 14:45 | 0.1% |\n", "")

RIGOR = """\
      rules:
        whys-count: warning
      severity_rules:
        SEV1:
          metrics-evidence: error
          whys-count: error
      status_rules:
        draft:
          metrics-evidence: "off"
          whys-count: "off"
        in-review:
          metrics-evidence: warning
"""


def variant(coe_id: str, severity: str, status: str) -> str:
    return (
        NO_METRICS.replace("id: COE-2026-101", f"id: {coe_id}")
        .replace("severity: SEV2", f"severity: {severity}")
        .replace("status: published", f"status: {status}")
        .replace(
            "5. Why does staging not show it? No load test runs against configuration changes.\n",
            "",
        )
        .replace("addresses: [4, 5]", "addresses: [4]")
    )


def test_rigor_scales_with_severity_and_status(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "coes/COE-2026-301-sev1-published.md": variant("COE-2026-301", "SEV1", "published"),
        "coes/COE-2026-302-sev2-published.md": variant("COE-2026-302", "SEV2", "published"),
        "coes/COE-2026-303-sev1-draft.md": variant("COE-2026-303", "SEV1", "draft"),
        "coes/COE-2026-304-sev1-in-review.md": variant("COE-2026-304", "SEV1", "in-review"),
    }
    root = make_repo(tmp_path, files, with_options(RIGOR))
    code, output = validate_json(root)
    jsonschema.validate(output, OUTPUT_SCHEMA)
    by_file: dict[str, list[tuple[str, str]]] = {}
    for d in output["diagnostics"]:
        by_file.setdefault(Path(d["path"]).name[:12], []).append((d["rule"], d["severity"]))
    assert by_file == {
        # SEV1 raises both rules to errors.
        "COE-2026-301": [("metrics-evidence", "error"), ("whys-count", "error")],
        # SEV2 keeps the global and default levels.
        "COE-2026-302": [("metrics-evidence", "warning"), ("whys-count", "warning")],
        # status wins over severity: a draft is not held to either rule yet...
        # ...and an in-review SEV1 gets a warning for metrics but still an error for whys.
        "COE-2026-304": [("metrics-evidence", "warning"), ("whys-count", "error")],
    }
    assert code == 1
    assert (output["errors"], output["warnings"]) == (3, 3)


def test_strict_fails_on_practice_warnings(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {NAME: NO_METRICS})
    assert run_coe("validate", cwd=root).returncode == 0
    strict = run_coe("validate", "--strict", cwd=root)
    assert strict.returncode == 1
    assert "warning [metrics-evidence]" in strict.stdout


# --- quick paths that must answer as the patterns do -------------------------------------

SPACING = st.sampled_from([" ", "  ", "\t", "\n", "\xa0", "\u2028", "\u3000", "\x1c", "\x85", "."])
TITLE_TEXT = st.lists(st.one_of(SPACING, st.text(max_size=3), st.just("Fix issue")), max_size=8)


@settings(max_examples=3000, deadline=None)
@given(TITLE_TEXT.map("".join))
def test_titles_are_compared_with_spacing_folded_as_the_pattern_folds_it(title: str) -> None:
    expected = re.sub(r"\s+", " ", title).strip().rstrip(".").casefold()
    assert title_key(title) == expected


@settings(max_examples=3000, deadline=None)
@given(TITLE_TEXT.map("".join))
def test_a_title_is_vague_as_the_word_count_and_pattern_say(title: str) -> None:
    text = title.strip().rstrip(".!").strip()
    expected = len(_WORD.findall(text)) <= 1 or _VAGUE.fullmatch(text) is not None
    assert vague(title) == expected
