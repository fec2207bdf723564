"""The pre-commit hook that other repositories use, run through the real pre-commit.

`pre-commit try-repo` installs the hook from a git repository. It would take this one's
HEAD plus changes to tracked files, but not new files, so the test commits a snapshot of
the work tree (tracked and untracked files, less what .gitignore excludes) to a scratch
repository and tries that: the hook is tested as the tree stands, committed or not.
Installing the hook builds a virtual environment and installs the package from the
registry, which takes about half a minute each time.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT, TODAY, VALID_COE, make_repo

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
BAD_COE = "coes/COE-2026-101-bad.md"


def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        COE_TODAY=TODAY,
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.com",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.com",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
    )
    return env


def git(*args: str, cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def snapshot(dest: Path, env: dict[str, str]) -> Path:
    """A one-commit repository holding this work tree's files."""
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT, env=env)
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git("init", "-q", "-b", "main", cwd=dest, env=env)
    git("add", "-A", cwd=dest, env=env)
    git("commit", "-q", "-m", "snapshot", cwd=dest, env=env)
    return dest


def try_repo(tool: Path, repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(tool), "coe-validate", "--all-files", "--color=never"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.mark.slow
def test_hook_fails_on_a_bad_coe_and_passes_once_fixed(tmp_path: Path) -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout of the project")
    env = environment(tmp_path)
    tool = snapshot(tmp_path / "tool", env)
    repo = make_repo(
        tmp_path / "repo", {BAD_COE: VALID_COE.replace("severity: SEV2", "severity: SEV9")}
    )
    git("init", "-q", "-b", "main", cwd=repo, env=env)
    git("add", "-A", cwd=repo, env=env)
    git("commit", "-q", "-m", "a COE", cwd=repo, env=env)

    failed = try_repo(tool, repo, env)
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert re.search(r"^coe validate\.+Failed$", failed.stdout, re.MULTILINE), output
    assert (
        f"{BAD_COE}:5:1: error [schema] /severity: 'SEV9' is not one of "
        "SEV1, SEV2, SEV3, SEV4, SEV5"
    ) in failed.stdout

    (repo / BAD_COE).write_text(VALID_COE, encoding="utf-8")
    git("commit", "-q", "-am", "fix the severity", cwd=repo, env=env)
    passed = try_repo(tool, repo, env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"^coe validate\.+Passed$", passed.stdout, re.MULTILINE), passed.stdout


def test_manifest_and_config_are_valid(tmp_path: Path) -> None:
    env = environment(tmp_path)
    for command, name in (
        ("validate-manifest", ".pre-commit-hooks.yaml"),
        ("validate-config", ".pre-commit-config.yaml"),
    ):
        result = subprocess.run(
            [str(PRE_COMMIT), command, str(ROOT / name)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_hook_checks_the_whole_folder_on_coe_schema_and_config_changes() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "coe-validate"
    assert hook["entry"] == "coe validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    for path in (
        "coes/2026/COE-2026-001-x.md",
        "coes/x.md",
        "schema/coe.schema.json",
        "mkdocs.yml",
    ):
        assert files.search(path), path
    for path in ("docs/index.md", "README.md", "plugins/coe/cli/main.py", "sub/mkdocs.yml"):
        assert not files.search(path), path
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    ids = [h["id"] for repo in config["repos"] for h in repo["hooks"]]
    assert ids == ["ruff-check", "ruff-format", "coe-validate"]
