"""Several authors at once: `coe new` sees the ids of other branches, and `coe renumber`
repairs a collision. Real git: a bare repository as origin and two clones, the `coe`
command run as a subprocess as an author runs it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from coe.core import ids, renumber
from tests.helpers import MKDOCS_YML, VALID_COE, make_repo, run_coe, validate_json

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

OLD, NEW = "COE-2026-004", "COE-2026-009"


def git_env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
        "GIT_AUTHOR_NAME": "Test Author",
        "GIT_AUTHOR_EMAIL": "author@example.com",
        "GIT_COMMITTER_NAME": "Test Author",
        "GIT_COMMITTER_EMAIL": "author@example.com",
    }


def git(cwd: Path, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=git_env(cwd.parent),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def coe(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = run_coe(*args, cwd=cwd, env=git_env(cwd.parent), input="")
    assert "Traceback" not in result.stderr, result.stderr
    return result


def valid_coe(coe_id: str, title: str = "Label service failed") -> str:
    return VALID_COE.replace("id: COE-2026-101", f"id: {coe_id}").replace(
        "title: Label service returned HTTP 503 for 40 minutes after a connection-pool change",
        f"title: {title}",
    )


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A bare origin whose main holds one COE, COE-2026-001."""
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    seed = make_repo(tmp_path / "seed", {"coes/2026/COE-2026-001-first.md": valid_coe("COE-2026-001")})
    git(seed, "init", "-q", "-b", "main")
    commit_all(seed, "First COE")
    git(seed, "push", "-q", str(bare), "main")
    return bare


def clone(origin: Path, name: str) -> Path:
    git(origin.parent, "clone", "-q", str(origin), name)
    return origin.parent / name


def new_coe(repo: Path, title: str) -> Path:
    result = coe(repo, "new", "--no-input", "--title", title)
    assert result.returncode == 0, result.stderr
    assert "git not read" not in result.stderr
    return repo / result.stdout.strip()


# --- coe new across branches --------------------------------------------------------------


def test_new_takes_the_next_id_after_a_fetched_branch(origin: Path) -> None:
    alice, bob = clone(origin, "alice"), clone(origin, "bob")

    git(alice, "switch", "-q", "-c", "label-outage")
    first = new_coe(alice, "Labels failed")
    assert first.name.startswith("COE-2026-002-")
    commit_all(alice, "COE for the label outage")
    git(alice, "push", "-q", "origin", "label-outage")

    git(bob, "switch", "-q", "-c", "checkout-outage")
    git(bob, "fetch", "-q")
    second = new_coe(bob, "Checkout failed")
    # Bob's working tree has only COE-2026-001; the fetched branch holds COE-2026-002.
    assert second.name.startswith("COE-2026-003-"), second


def test_new_sees_staged_files_local_branches_and_ids_inside_files(origin: Path) -> None:
    repo = clone(origin, "work")
    git(repo, "switch", "-q", "-c", "local-only")
    # A file named without its id: the id comes from its front-matter.
    (repo / "coes" / "2026" / "draft.md").write_text(valid_coe("COE-2026-007"), encoding="utf-8")
    commit_all(repo, "An unnamed draft")
    git(repo, "switch", "-q", "main")
    staged = repo / "coes" / "2026" / "COE-2026-012-staged.md"
    staged.write_text(valid_coe("COE-2026-012"), encoding="utf-8")
    git(repo, "add", str(staged))
    staged.unlink()  # gone from the tree, still in the index
    assert new_coe(repo, "Next").name.startswith("COE-2026-013-")
    git(repo, "rm", "-q", "--cached", str(staged.relative_to(repo)))
    assert new_coe(repo, "After").name.startswith("COE-2026-014-")


def test_outside_git_new_reads_the_working_tree_and_says_so(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "plain", {"coes/2026/COE-2026-005-x.md": valid_coe("COE-2026-005")})
    result = coe(repo, "new", "--no-input", "--title", "Next")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("coes/2026/COE-2026-006-")
    assert "not in a git repository" in result.stderr
    assert "the working tree" in result.stderr or "coes only" in result.stderr


def test_new_with_a_chosen_id(origin: Path) -> None:
    alice, bob = clone(origin, "alice"), clone(origin, "bob")
    git(alice, "switch", "-q", "-c", "a")
    new_coe(alice, "Alice")
    commit_all(alice, "Alice's COE")
    git(alice, "push", "-q", "origin", "a")
    git(bob, "fetch", "-q")

    taken = coe(bob, "new", "--no-input", "--id", "COE-2026-002", "--title", "Bob")
    assert taken.returncode == 2
    assert "COE-2026-002 is already used by origin/a: coes/2026/COE-2026-002-alice.md" in (
        taken.stderr
    )
    assert "the next free id is COE-2026-003" in taken.stderr
    assert not list((bob / "coes" / "2026").glob("COE-2026-002*"))

    chosen = coe(bob, "new", "--no-input", "--id", "COE-2027-040", "--title", "Bob")
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout.strip() == "coes/2027/COE-2027-040-bob.md"

    for bad in ("COE-26-1", "COE-2026-000", "label-outage"):
        refused = coe(bob, "new", "--no-input", "--id", bad)
        assert refused.returncode == 2 and "--id" in refused.stderr, bad
    clash = coe(bob, "new", "--no-input", "--id", "COE-2026-050", "--year", "2025")
    assert clash.returncode == 2 and "--year" in clash.stderr


def test_id_scan_of_hundreds_of_branches_is_quick(origin: Path) -> None:
    repo = clone(origin, "many")
    # 300 remote branches, each adding one COE, written straight into git's objects.
    blob = git(repo, "hash-object", "-w", "--stdin", stdin=valid_coe("COE-2026-999")).strip()
    year_listing = git(repo, "ls-tree", "HEAD:coes/2026")
    root_listing = git(repo, "ls-tree", "HEAD")
    refs = []
    for number in range(2, 302):
        name = f"COE-2026-{number:03d}-branch.md"
        year = git(repo, "mktree", stdin=f"{year_listing}100644 blob {blob}\t{name}\n").strip()
        coes = git(repo, "mktree", stdin=f"040000 tree {year}\t2026\n").strip()
        root = git(
            repo, "mktree", stdin=re.sub(r"tree \w+\tcoes", f"tree {coes}\tcoes", root_listing)
        ).strip()
        commit = git(repo, "commit-tree", root, "-p", "HEAD", "-m", f"COE {number}").strip()
        refs.append(f"create refs/remotes/origin/pr-{number} {commit}\n")
    git(repo, "update-ref", "--stdin", stdin="".join(refs))
    started = time.perf_counter()
    found = ids.scan(repo / "coes", repo)
    elapsed = time.perf_counter() - started
    assert found.git_note is None
    assert found.next_number(2026) == 302
    assert found.places[(2026, 301)] == "origin/pr-301: coes/2026/COE-2026-301-branch.md"
    print(f"scan of 301 branches: {elapsed:.3f} s")
    assert elapsed < 5, elapsed
