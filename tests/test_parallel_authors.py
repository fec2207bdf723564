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
from tests.helpers import COE_BIN, VALID_COE, make_repo, run_coe, validate_json

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


def coe(cwd: Path, *args: str, env_path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = git_env(cwd.parent)
    if env_path is not None:  # where no git is found
        env["PATH"] = env_path
    result = run_coe(*args, cwd=cwd, env=env, input="")
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
    seed = make_repo(
        tmp_path / "seed", {"coes/2026/COE-2026-001-first.md": valid_coe("COE-2026-001")}
    )
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
    assert "ids on other branches are not seen" not in result.stderr
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
    assert result.stderr == (
        "coe new: not in a git repository: the id is the next free one in coes alone; "
        "ids on other branches are not seen\n"
    )


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


# --- a collision, repaired -----------------------------------------------------------------


def test_a_collision_is_reported_with_the_command_that_repairs_it(origin: Path) -> None:
    alice, bob = clone(origin, "alice"), clone(origin, "bob")
    # Neither has fetched the other's work: both take COE-2026-002.
    git(alice, "switch", "-q", "-c", "alice")
    git(bob, "switch", "-q", "-c", "bob")
    for repo, title in ((alice, "Alice outage"), (bob, "Bob outage")):
        path = new_coe(repo, title)
        assert path.name.startswith("COE-2026-002-")
        path.write_text(valid_coe("COE-2026-002", title), encoding="utf-8")  # written up
        commit_all(repo, f"{title} COE")
    git(alice, "push", "-q", "origin", "alice:main")  # merged first

    git(bob, "fetch", "-q")
    git(bob, "merge", "-q", "--no-edit", "origin/main")
    code, output = validate_json(bob)
    assert code == 1
    [finding] = [d for d in output["diagnostics"] if d["rule"] == "duplicate-id"]
    assert finding["path"] == "coes/2026/COE-2026-002-bob-outage.md"
    assert "coes/2026/COE-2026-002-alice-outage.md:2" in finding["message"]
    command = re.search(r"coe renumber .*$", finding["message"])
    assert command is not None
    assert command[0] == (
        "coe renumber COE-2026-002 COE-2026-003 --file coes/2026/COE-2026-002-bob-outage.md"
    )

    ambiguous = coe(bob, "renumber", "COE-2026-002", "COE-2026-003")
    assert ambiguous.returncode == 2
    assert "name the one to renumber with --file" in ambiguous.stderr

    repaired = coe(bob, *command[0].split()[1:])
    assert repaired.returncode == 0, repaired.stderr
    assert validate_json(bob) == (0, validate_json(bob)[1])
    alice_file = bob / "coes/2026/COE-2026-002-alice-outage.md"
    bob_file = bob / "coes/2026/COE-2026-003-bob-outage.md"
    assert alice_file.read_text(encoding="utf-8") == valid_coe("COE-2026-002", "Alice outage")
    assert bob_file.read_text(encoding="utf-8") == valid_coe("COE-2026-003", "Bob outage")
    assert not (bob / "coes/2026/COE-2026-002-bob-outage.md").exists()


# --- renumber: exactly the spans -----------------------------------------------------------

# @R@ is where the old id must be rewritten, @K@ where it must be kept.
OWNER = valid_coe("@R@", "Connection pool shrank to five").replace(
    "1,200 merchants saw HTTP 503 errors on label printing between 14:00 and 14:40 UTC.",
    "1,200 merchants saw HTTP 503 errors on label printing between 14:00 and 14:40 UTC.\n"
    "This COE, @R@, is quoted in the runbook.",
)
RELATING = (
    valid_coe("COE-2026-005", "Pool shrank again, as in @K@")
    .replace(
        "related:\n",
        "related:\n  - @R@   # the first time (@K@)\n  # - COE-2026-001\n",
    )
    .replace(
        "1,200 merchants saw HTTP 503 errors on label printing between 14:00 and 14:40 UTC.",
        "The same setting as in @R@ failed again; the alarm read `@K@ pool`.\n"
        "<!-- @K@ is linked from the runbook -->\n"
        "See [the first COE](https://wiki.example.com/@K@) and [@K@](https://example.com).\n"
        "Not the same id: COE-2026-0041, XCOE-2026-004 and @K@-b; this one is: @R@.\n"
        "\n"
        "```text\n"
        "@K@ alarm fired\n"
        "```\n"
        "\n"
        '<span title="@K@">the old page</span> and <b>@R@</b>',
    )
    .replace("\n", "\r\n")  # written on Windows: the line ends stay as they are
)
MAPPING = valid_coe("COE-2025-010", "An older outage").replace(
    "related:\n",
    "related:\n  - {coe: '@R@', relation: caused}\n  - coe: \"@R@\"\n    relation: see-also\n",
)


def renumber_repo(root: Path) -> Path:
    files = {
        "coes/2026/COE-2026-004-pool.md": OWNER,
        "coes/2026/COE-2026-005-again.md": RELATING,
        "coes/2025/COE-2025-010-older.md": MAPPING,
    }
    return make_repo(
        root,
        {
            path: text.replace("@R@", OLD).replace("@K@", OLD).encode("utf-8")
            for path, text in files.items()
        },
    )


def snapshot(repo: Path) -> dict[str, bytes]:
    return {
        p.relative_to(repo).as_posix(): p.read_bytes()
        for p in sorted(repo.rglob("*"))
        if p.is_file()
    }


def test_renumber_rewrites_the_id_relations_and_mentions_and_nothing_else(
    tmp_path: Path,
) -> None:
    repo = renumber_repo(tmp_path / "repo")
    assert validate_json(repo)[0] == 0
    before = snapshot(repo)

    result = coe(repo, "renumber", OLD, NEW)
    assert result.returncode == 0, result.stderr

    after = snapshot(repo)
    expected = {
        "coes/2026/COE-2026-009-pool.md": OWNER,
        "coes/2026/COE-2026-005-again.md": RELATING,
        "coes/2025/COE-2025-010-older.md": MAPPING,
    }
    for path, text in expected.items():
        assert after.pop(path) == text.replace("@R@", NEW).replace("@K@", OLD).encode(), path
    del before["coes/2026/COE-2026-004-pool.md"]
    for path in expected:
        before.pop(path, None)
    assert after == before  # nothing else written, nothing left behind
    # The kept occurrences are listed, each with its line (but for `@K@-b`, another word).
    listed = re.findall(r"COE-2026-005-again.md:(\d+): left as it is", result.stderr)
    kept = RELATING.replace("@K@-b", "").split("\r\n")
    assert [int(n) for n in listed] == [i + 1 for i, line in enumerate(kept) if "@K@" in line]
    assert validate_json(repo)[0] == 0


def test_dry_run_prints_a_diff_that_git_applies_and_writes_nothing(tmp_path: Path) -> None:
    repo = renumber_repo(tmp_path / "repo")
    before = snapshot(repo)
    # Bytes, not text: the diff keeps the files' CR LF line ends.
    result = subprocess.run(
        [str(COE_BIN), "renumber", OLD, NEW, "--dry-run"],
        cwd=repo,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert snapshot(repo) == before
    assert b"rename from coes/2026/COE-2026-004-pool.md\n" in result.stdout
    assert b"rename to coes/2026/COE-2026-009-pool.md\n" in result.stdout
    assert f"-id: {OLD}\n+id: {NEW}\n".encode() in result.stdout
    assert f"-  - {OLD}   # the first time ({OLD})\r\n".encode() in result.stdout

    applied = tmp_path / "applied"
    shutil.copytree(repo, applied)
    patch = tmp_path / "change.diff"
    patch.write_bytes(result.stdout)
    git(applied, "apply", "--whitespace=nowarn", str(patch))
    renumbered = coe(repo, "renumber", OLD, NEW)
    assert renumbered.returncode == 0, renumbered.stderr
    assert snapshot(applied) == snapshot(repo)


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (OLD, "COE-2026-005", "COE-2026-005 is already used by coes/2026/COE-2026-005-again.md"),
        (OLD, "COE-2025-10", "'COE-2025-10' is not a COE id"),
        (OLD, "coe-2026-009", "'coe-2026-009' is not a COE id"),
        ("COE-2026-077", NEW, "no COE in coes has the id COE-2026-077"),
        (OLD, "COE-2026-0004", "the same number"),
        ("COE-2026-005-again", NEW, "is not a COE id"),
    ],
)
def test_renumber_refuses(tmp_path: Path, old: str, new: str, says: str) -> None:
    repo = renumber_repo(tmp_path / "repo")
    before = snapshot(repo)
    result = coe(repo, "renumber", old, new)
    assert result.returncode == 2
    assert says in result.stderr, result.stderr
    assert snapshot(repo) == before


def test_renumber_refuses_an_id_used_on_another_branch(origin: Path) -> None:
    alice, bob = clone(origin, "alice"), clone(origin, "bob")
    git(alice, "switch", "-q", "-c", "a")
    for _ in range(2):
        new_coe(alice, "Alice")
    commit_all(alice, "Alice's COEs")
    git(alice, "push", "-q", "origin", "a")
    git(bob, "fetch", "-q")
    result = coe(bob, "renumber", "COE-2026-001", "COE-2026-003")
    assert result.returncode == 2
    assert "COE-2026-003 is already used by origin/a: coes/2026/COE-2026-003-alice.md" in (
        result.stderr
    )


def test_a_failure_half_way_leaves_every_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coe.cli.main import main

    repo = renumber_repo(tmp_path / "repo")
    before = snapshot(repo)
    real_replace = os.replace
    calls: list[str] = []

    def replace_failing_on_the_last_file(src: str, dst: str | Path) -> None:
        calls.append(str(dst))
        if str(dst).endswith("COE-2026-005-again.md") and len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    # Files are replaced in path order: 2025's is done and 2026-004 renamed before 2026-005.
    monkeypatch.setattr(renumber.os, "replace", replace_failing_on_the_last_file)
    monkeypatch.chdir(repo)
    assert main(["renumber", OLD, NEW]) == 1
    assert snapshot(repo) == before
    assert len(calls) > 2  # the rollback ran
    monkeypatch.undo()
    monkeypatch.chdir(repo)
    assert main(["renumber", OLD, NEW]) == 0


def test_mentions_follow_the_site(tmp_path: Path) -> None:
    """Ids in headings, code and link texts are not linked by the site, so not rewritten;
    ids in lists, tables, emphasis and admonitions are."""
    body = (
        "\n## Incident summary\n\n### Follow-up of @K@\n\n"
        "- item on @R@\n\n| a | b |\n|---|---|\n| @R@ | *@R@* |\n\n"
        "    @K@ in an indented code block\n\n"
        "!!! note\n    Admonition naming @R@.\n\n"
        "Inline `@K@` and <code>@K@</code> and <!-- @K@\n-->@R@\n"
    )
    files = {"coes/COE-2026-004-x.md": f"---\nid: @R@\ntitle: x\n---\n{body}"}
    repo = make_repo(
        tmp_path / "repo",
        {p: t.replace("@R@", OLD).replace("@K@", OLD) for p, t in files.items()},
        mkdocs_yml="site_name: t\nmarkdown_extensions:\n  - admonition\nplugins:\n  - coe\n",
    )
    result = coe(repo, "renumber", OLD, NEW)
    assert result.returncode == 0, result.stderr
    written = (repo / "coes" / f"{NEW}-x.md").read_text(encoding="utf-8")
    expected = files["coes/COE-2026-004-x.md"].replace("@R@", NEW).replace("@K@", OLD)
    assert written == expected


def test_file_option_on_an_id_that_is_not_shared_renumbers_everywhere(tmp_path: Path) -> None:
    repo = renumber_repo(tmp_path / "repo")
    result = coe(repo, "renumber", OLD, NEW, "--file", "coes/2026/COE-2026-004-pool.md")
    assert result.returncode == 0, result.stderr
    older = (repo / "coes/2025/COE-2025-010-older.md").read_text(encoding="utf-8")
    assert older == MAPPING.replace("@R@", NEW)
    other = coe(repo, "renumber", NEW, "COE-2026-010", "--file", "coes/2025/COE-2025-010-older.md")
    assert other.returncode == 2
    assert "coes/2025/COE-2025-010-older.md is not a COE with the id COE-2026-009" in other.stderr


def test_without_git_new_reads_the_working_tree_and_says_so(origin: Path, tmp_path: Path) -> None:
    repo = clone(origin, "no-git")
    git(repo, "switch", "-q", "-c", "other")
    new_coe(repo, "On a branch")
    commit_all(repo, "A COE on a branch")
    git(repo, "switch", "-q", "main")
    empty = tmp_path / "empty-path"
    empty.mkdir()
    result = coe(repo, "new", "--no-input", "--title", "Next", env_path=str(empty))
    assert result.returncode == 0, result.stderr
    # The branch's COE-2026-002 is not seen without git: the working tree has only 001.
    assert result.stdout.startswith("coes/2026/COE-2026-002-next")
    assert result.stderr.startswith("coe new: git is not installed: ")
