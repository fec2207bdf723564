"""Rule levels by status and severity, and suppressions, as a real `mkdocs build` sees
them: the same configuration drives the site build and `coe validate`."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bs4 import BeautifulSoup

from tests.helpers import MKDOCS_YML, VALID_COE, make_repo, run_mkdocs

NAME = "coes/COE-2026-101-label.md"
METRICS = """\
| time (UTC) | 5xx rate |
|---|---|
| 14:05 | 61% |
| 14:45 | 0.1% |

Dashboard: https://grafana.parcelwise.example/d/labels
"""
# The same COE with a Metrics section that holds no evidence: a practice warning.
NO_METRICS = VALID_COE.replace(METRICS, "The error rate peaked at 61%.\n")
SUPPRESSED = NO_METRICS.replace(
    "The error rate peaked at 61%.\n",
    "The error rate peaked at 61%.\n\n"
    "<!-- coe-ignore metrics-evidence: the dashboards were lost with the old cluster -->\n",
)


def build(root: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return run_mkdocs("build", *flags, "-d", str(root / "site"), cwd=root, timeout=120)


def repo(tmp_path: Path, text: str, options: str = "") -> Path:
    mkdocs = MKDOCS_YML.replace("  - coe\n", f"  - coe:\n{options}") if options else MKDOCS_YML
    return make_repo(tmp_path, {NAME: text}, mkdocs)


def test_the_fixture_differs_from_the_valid_coe_only_in_its_metrics() -> None:
    assert NO_METRICS != VALID_COE and METRICS not in NO_METRICS


def test_a_practice_warning_passes_a_plain_build_and_fails_a_strict_one(tmp_path: Path) -> None:
    root = repo(tmp_path, NO_METRICS)
    assert build(root).returncode == 0
    strict = build(root, "--strict")
    assert strict.returncode == 1
    assert f"{NAME}:" in strict.stderr and "[metrics-evidence]" in strict.stderr


def test_a_status_level_makes_the_warning_an_error_for_published_coes(tmp_path: Path) -> None:
    options = "      status_rules:\n        published: {metrics-evidence: error}\n"
    root = repo(tmp_path, NO_METRICS, options)
    result = build(root)
    assert result.returncode == 1
    assert "[metrics-evidence]" in result.stderr and "Traceback" not in result.stderr
    draft = repo(
        tmp_path / "draft", NO_METRICS.replace("status: published", "status: draft"), options
    )
    assert build(draft).returncode == 0


def test_a_severity_level_turns_the_rule_off(tmp_path: Path) -> None:
    root = repo(
        tmp_path, NO_METRICS, "      severity_rules:\n        SEV2: {metrics-evidence: off}\n"
    )
    result = build(root, "--strict")
    assert result.returncode == 0, result.stderr
    other = repo(
        tmp_path / "sev3",
        NO_METRICS.replace("severity: SEV2", "severity: SEV3"),
        "      severity_rules:\n        SEV2: {metrics-evidence: off}\n",
    )
    assert build(other, "--strict").returncode == 1


def test_a_suppression_passes_a_strict_build_and_shows_its_reason(tmp_path: Path) -> None:
    root = repo(tmp_path, SUPPRESSED)
    result = build(root, "--strict")
    assert result.returncode == 0, result.stderr
    page = root / "site" / "coes" / "COE-2026-101-label" / "index.html"
    table = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one(
        "table.coe-suppressions"
    )
    assert table is not None
    row = [cell.get_text(strip=True) for cell in table.select("tbody td")]
    assert row == ["metrics-evidence", "the dashboards were lost with the old cluster", "1"]


def test_a_suppression_without_a_reason_fails_a_strict_build(tmp_path: Path) -> None:
    text = SUPPRESSED.replace(": the dashboards were lost with the old cluster", "")
    result = build(repo(tmp_path, text), "--strict")
    assert result.returncode == 1
    assert "[suppression]" in result.stderr and "[metrics-evidence]" in result.stderr
