"""Acceptance tests of `coe new`: run as a user runs it (the installed command in a
subprocess, at a pseudo-terminal for the questions), plus the allocation and atomic-write
guarantees: concurrent runs never share an id, a file is never overwritten, and a process
killed half-way leaves no half-written COE."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from coe.core import atomic, scaffold
from coe.core.body import INCIDENT_QUESTIONS, REQUIRED_SECTIONS
from coe.core.document import load_document
from coe.core.scaffold import NewCoe, render, slugify
from tests.helpers import COE_BIN, TODAY, VALID_COE, make_repo, run_coe, validate_json

FLAGS = (
    "--title",
    "Checkout returned HTTP 500 for 38 minutes",
    "--severity",
    "sev2",
    "--team",
    "payments",
    "--service",
    "checkout-api",
    "--service",
    "no",
    "--started",
    "2026-11-20T16:05:30+02:00",
    "--author",
    "Dana Whitfield",
)


def front_matter(path: Path) -> dict[str, Any]:
    doc = load_document(path, path.name, path.parent, 1024 * 1024)
    assert doc.data is not None, doc.hits
    assert doc.hits == [], doc.hits
    return doc.data


def coe_files(repo: Path) -> list[Path]:
    return sorted((repo / "coes").rglob("*.md"))


def new(repo: Path, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result = run_coe("new", *args, cwd=repo, input="", **kwargs)
    assert "Traceback" not in result.stderr, result.stderr
    return result


# --- without a terminal ------------------------------------------------------------------


def test_new_with_flags_writes_a_complete_skeleton(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {})
    result = new(repo, *FLAGS)
    assert result.returncode == 0, result.stderr
    shown = "coes/2026/COE-2026-001-checkout-returned-http-500-for-38-minutes.md"
    assert result.stdout == shown + "\n"
    path = repo / shown
    assert coe_files(repo) == [path]

    data = front_matter(path)
    assert data["id"] == "COE-2026-001"
    assert data["title"] == "Checkout returned HTTP 500 for 38 minutes"
    assert data["status"] == "draft"
    assert data["severity"] == "SEV2"
    assert data["date"] == TODAY
    assert data["authors"] == ["Dana Whitfield"]
    assert data["team"] == "payments"
    assert data["services"] == ["checkout-api", "no"]  # `no` stays a string
    assert data["incident"]["started"] == "2026-11-20T16:05:30+02:00"
    assert data["action_items"][0]["id"] == "AI-1"
    assert data["action_items"][0]["status"] == "open"
    required = {
        "id",
        "title",
        "status",
        "severity",
        "date",
        "authors",
        "team",
        "services",
        "incident",
        "impact",
        "action_items",
    }
    assert required <= set(data)
    assert {"started", "detected", "mitigated", "detection"} <= set(data["incident"])
    assert {"summary", "customers_affected", "nfrs"} <= set(data["impact"])

    doc = load_document(path, path.name, path.parent, 1024 * 1024)
    assert doc.body is not None
    level2 = [s.key for s in doc.body.sections if s.level == 2]
    assert level2 == list(REQUIRED_SECTIONS)
    level3 = [s.key for s in doc.body.sections if s.level == 3]
    assert level3 == list(INCIDENT_QUESTIONS)
    text = path.read_text(encoding="utf-8")
    assert text.count("<!--") >= len(REQUIRED_SECTIONS) + len(INCIDENT_QUESTIONS)
    # The first timeline entry is the start, in UTC.
    assert "- 2026-11-20 14:05:30 UTC - TODO: the trigger" in text


def test_skeleton_fails_validation_naming_what_to_fill_in(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {})
    assert new(repo, *FLAGS).returncode == 0
    code, output = validate_json(repo)
    assert code == 1
    placeholders = {
        d["pointer"]: d["message"] for d in output["diagnostics"] if d["rule"] == "placeholder"
    }
    assert placeholders["/incident/detected"] == (
        "fill in when the owners learned of the customer impact"
    )
    assert placeholders["/action_items/0/due"] == "fill in the due date, YYYY-MM-DD"
    # What the flags gave is not a placeholder.
    for given in ("/title", "/severity", "/team", "/services/0", "/authors/0", "/incident/started"):
        assert given not in placeholders
    body = [d for d in output["diagnostics"] if d["rule"] == "placeholder" and d["pointer"] is None]
    messages = [d["message"] for d in body]
    assert "fill in a summary that makes sense on its own" in messages
    assert "fill in why it happened: the immediate cause" in messages
    text = (repo / output["diagnostics"][0]["path"]).read_text(encoding="utf-8").split("\n")
    for finding in body:  # each points at its marker
        line = text[finding["line"] - 1]
        assert line[finding["column"] - 1 :].startswith("TODO:"), finding


def test_without_flags_every_value_is_a_placeholder(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {})
    result = new(repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "coes/2026/COE-2026-001-untitled.md\n"
    # Nothing is asked when stdin is not a terminal; the one line says git was not read.
    assert result.stderr.startswith("coe new: not in a git repository: "), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    code, output = validate_json(repo)
    assert code == 1
    pointers = {d["pointer"] for d in output["diagnostics"] if d["rule"] == "placeholder"}
    assert {"/title", "/severity", "/team", "/services/0", "/authors/0"} <= pointers
    assert {"/incident/started", "/impact/summary", "/impact/customers_affected"} <= pointers
    # Values of other types fail the schema as well, with what the schema wants.
    schema = {d["pointer"]: d["message"] for d in output["diagnostics"] if d["rule"] == "schema"}
    assert "is not one of SEV1, SEV2, SEV3, SEV4, SEV5" in schema["/severity"]
    assert "is not a date-time" in schema["/incident/started"]


def fill_in(text: str) -> str:
    """Replace every marker of the skeleton with a real value, as an author would."""
    replacements = {
        '"TODO: when the owners learned of the customer impact"': "2026-11-20T14:15:00Z",
        '"TODO: when the customer impact ended"': "2026-11-20T14:43:00Z",
        '"TODO: how it was detected: monitoring, customer-report, internal-report or other"': (
            "monitoring"
        ),
        '"TODO: the impact in numbers, in one or two sentences"': (
            "2,100 merchants saw HTTP 500 on checkout for 38 minutes."
        ),
        '"TODO: the number of customers affected (accounts, users or hosts)"': "2100",
        '"TODO: the qualities hit: reliability, security, performance, cost or operations"': (
            "reliability"
        ),
        '"TODO: a specific, achievable action"': "Add a canary stage to checkout deploys",
        '"TODO: the kind: prevent, detect, diagnose, mitigate or process"': "prevent",
        '"TODO: the priority, P0 (highest) to P3"': "P1",
        '"TODO: the team or person who owns the action"': "payments",
        '"TODO: the due date, YYYY-MM-DD"': "2026-12-04",
        "TODO: the trigger: what changed or failed first": "Deploy 881 ships a bad config.",
        "- TODO: when and how the team learned of the impact": (
            "- 2026-11-20 14:15 UTC - The 5xx alarm pages the on-call engineer."
        ),
        "- TODO: when the customer impact ended": (
            "- 2026-11-20 14:43 UTC - The rollback completes; errors end."
        ),
    }
    for old, new_text in replacements.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new_text)
    return re.sub(r"TODO: ", "", text)


def test_a_filled_in_skeleton_passes(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {})
    assert new(repo, *FLAGS).returncode == 0
    (path,) = coe_files(repo)
    path.write_text(fill_in(path.read_text(encoding="utf-8")), encoding="utf-8")
    code, output = validate_json(repo)
    errors = [d for d in output["diagnostics"] if d["severity"] == "error"]
    assert errors == []
    assert code == 0


def test_next_id_counts_file_names_and_front_matter_ids(tmp_path: Path) -> None:
    copied = VALID_COE.replace("id: COE-2026-101", "id: COE-2026-012")
    repo = make_repo(
        tmp_path,
        {
            "coes/2026/COE-2026-009-first.md": VALID_COE.replace("COE-2026-101", "COE-2026-009"),
            "coes/archive/renamed-later.md": copied,  # only its front-matter has the id
            "coes/2025/COE-2025-044-older.md": VALID_COE.replace("COE-2026-101", "COE-2025-044"),
            "coes/.drafts/COE-2026-500-hidden.md": VALID_COE,  # hidden folders are skipped
        },
    )
    result = new(repo, "--title", "Label service timeouts")
    assert result.stdout == "coes/2026/COE-2026-013-label-service-timeouts.md\n"
    result = new(repo, "--title", "Label service timeouts", "--year", "2025")
    assert result.stdout == "coes/2025/COE-2025-045-label-service-timeouts.md\n"
    result = new(repo, "--title", "First of its year", "--year", "2024")
    assert result.stdout == "coes/2024/COE-2024-001-first-of-its-year.md\n"


def test_numbers_grow_past_three_digits(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path, {"coes/2026/COE-2026-999-x.md": VALID_COE.replace("COE-2026-101", "COE-2026-999")}
    )
    assert new(repo, "--title", "x").stdout == "coes/2026/COE-2026-1000-x.md\n"


def test_year_defaults_to_today_and_honours_today_option(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {})
    result = new(repo, "--today", "2027-01-02", "--title", "New year")
    assert result.stdout == "coes/2027/COE-2027-001-new-year.md\n"
    assert front_matter(repo / result.stdout.strip())["date"] == "2027-01-02"


def test_configured_coes_dir_is_used(tmp_path: Path) -> None:
    mkdocs = (
        "site_name: T\ntheme:\n  name: material\nplugins:\n  - coe:\n      coes_dir: analyses\n"
    )
    repo = make_repo(tmp_path, {}, mkdocs)
    (repo / "docs" / "sub").mkdir()
    result = run_coe("new", "--title", "Elsewhere", cwd=repo / "docs" / "sub", input="")
    assert result.returncode == 0, result.stderr
    assert (repo / "analyses" / "2026" / "COE-2026-001-elsewhere.md").is_file()
    assert result.stdout.strip().endswith("analyses/2026/COE-2026-001-elsewhere.md")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--severity", "SEV9"), "--severity"),
        (("--started", "2026-11-20T14:05:00"), "is not a date-time with a zone"),
        (("--started", "yesterday"), "--started"),
        (("--title", "x" * 141), "141 characters"),
        (("--title", "   "), "the title is empty"),
        (("--team", "TODO: later"), "cannot start with TODO:"),
        (("--year", "26"), "four-digit year"),
    ],
)
def test_bad_values_exit_2_without_creating_anything(
    args: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path, {})
    result = new(repo, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert coe_files(repo) == []


@pytest.mark.parametrize(
    "title",
    [
        "Checkout: 500s for 38 minutes",
        'Quotes "inside" and a # hash',
        "yes",
        "123",
        "- starts with a dash",
        "Café crème: ünïcode ✓",
        "ends with a colon:",
        "back\\slash and 'single' quotes",
        "null",
    ],
)
def test_titles_read_back_unchanged(title: str, tmp_path: Path) -> None:
    path = tmp_path / "COE-2026-001-x.md"
    path.write_text(
        render("COE-2026-001", NewCoe(date=date(2026, 11, 27), title=title)),
        encoding="utf-8",
    )
    assert front_matter(path)["title"] == title


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("2026-03-02T14:05:00Z", "2026-03-02T14:05:00Z"),
        ("2026-03-02T14:05Z", "2026-03-02T14:05:00Z"),
        ("2026-03-02 14:05 UTC", "2026-03-02T14:05:00Z"),
        ("2026-03-02t14:05:00z", "2026-03-02T14:05:00Z"),
        ("2026-03-02T16:05:00+02:00", "2026-03-02T16:05:00+02:00"),
        ("2026-03-02T14:05:00.250+00:00", "2026-03-02T14:05:00Z"),
    ],
)
def test_started_forms(text: str, written: str) -> None:
    assert scaffold.format_time(scaffold.parse_started(text)) == written


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Checkout returned HTTP 500", "checkout-returned-http-500"),
        ("Café crème: ünïcode ✓", "cafe-creme-unicode"),
        ("!!!", "untitled"),
        ("a" * 80, "a" * 60),
        ("word " * 20, "word-word-word-word-word-word-word-word-word-word-word-word"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


# --- at a terminal -------------------------------------------------------------------------


class Terminal:
    """`coe new` with a pseudo-terminal as standard input and standard error (where the
    questions go); standard output, where the path goes, is a pipe."""

    def __init__(self, repo: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.master, slave = os.openpty()
        self.proc = subprocess.Popen(
            [str(COE_BIN), "new", *args],
            cwd=repo,
            env={**os.environ, "COE_TODAY": TODAY, **(env or {})},
            stdin=slave,
            stderr=slave,
            stdout=subprocess.PIPE,
            text=True,
        )
        os.close(slave)
        self.screen = ""  # what has not been matched yet
        self.transcript = ""  # everything shown

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 4096)
        except OSError:  # the program closed the terminal
            chunk = b""
        text = chunk.decode("utf-8", "replace")
        self.screen += text
        self.transcript += text
        return bool(chunk)

    def expect(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.screen:
            left = deadline - time.monotonic()
            assert left > 0, f"timed out waiting for {text!r}; screen:\n{self.transcript}"
            alive = self._read(left)
            assert alive, f"the program ended before {text!r}; screen:\n{self.transcript}"

    def answer(self, prompt: str, reply: str) -> None:
        self.expect(prompt)
        self.screen = self.screen[self.screen.index(prompt) + len(prompt) :]
        os.write(self.master, reply.encode("utf-8") + b"\n")

    def finish(self) -> tuple[int, str]:
        """Wait for the end; returns the exit status and standard output."""
        stdout, _ = self.proc.communicate(timeout=60)
        while select.select([self.master], [], [], 0.2)[0]:  # what is left on the terminal
            if not self._read(0):
                break
        os.close(self.master)
        return self.proc.returncode, stdout


def no_git_user(tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "gitconfig"
    config.write_text("", encoding="utf-8")
    return {"GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}


def test_interactive_asks_for_what_is_missing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {})
    term = Terminal(repo, "--team", "fulfilment", env=no_git_user(tmp_path))
    term.answer("Title (what customers experienced, one line)", "Label printing failed for 2 hours")
    term.answer("Severity (SEV1 worst .. SEV5)", "SEV9")
    term.answer("is not a severity", "sev3")
    term.answer("Services (comma-separated)", "label-service, carrier-gateway")
    term.answer("Started at", "2026-11-20 09:15Z")
    term.answer("Authors (comma-separated): ", "Ann Lee, Bo Chan")
    code, stdout = term.finish()
    assert code == 0
    assert "Owning team" not in term.transcript  # given as an option, so not asked
    assert stdout == "coes/2026/COE-2026-001-label-printing-failed-for-2-hours.md\n"
    data = front_matter(repo / stdout.strip())
    assert data["title"] == "Label printing failed for 2 hours"
    assert data["severity"] == "SEV3"
    assert data["team"] == "fulfilment"
    assert data["services"] == ["label-service", "carrier-gateway"]
    assert data["incident"]["started"] == "2026-11-20T09:15:00Z"
    assert data["authors"] == ["Ann Lee", "Bo Chan"]


def test_interactive_empty_answers_leave_markers_and_git_user_is_offered(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {})
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Git User\n", encoding="utf-8")
    env = {"GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}
    term = Terminal(repo, env=env)
    for prompt in ("Title", "Severity", "Owning team", "Services", "Started at"):
        term.answer(prompt, "")
    term.answer("Authors (comma-separated) [Git User]: ", "")
    code, stdout = term.finish()
    assert code == 0
    data = front_matter(repo / stdout.strip())
    assert data["authors"] == ["Git User"]
    assert data["title"].startswith("TODO: ")
    assert data["severity"].startswith("TODO: ")


def test_interactive_end_of_input_stops_asking(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {})
    term = Terminal(repo, env=no_git_user(tmp_path))
    term.answer("Title", "Stopped early")
    term.expect("Severity")
    os.write(term.master, b"\x04")  # Ctrl-D: end of input
    code, stdout = term.finish()
    assert code == 0
    assert "Owning team" not in term.transcript
    data = front_matter(repo / stdout.strip())
    assert data["title"] == "Stopped early"
    assert data["team"].startswith("TODO: ")


def test_no_input_never_asks_even_at_a_terminal(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {})
    term = Terminal(repo, "--no-input", env=no_git_user(tmp_path))
    code, stdout = term.finish()
    assert code == 0
    assert stdout == "coes/2026/COE-2026-001-untitled.md\n"


# --- concurrency, overwriting and crashes ----------------------------------------------------


def test_concurrent_runs_never_share_an_id(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {})
    rounds, at_once = 6, 3
    env = {**os.environ, "COE_TODAY": TODAY}
    created: list[str] = []
    for round_number in range(rounds):
        procs = [
            subprocess.Popen(
                [str(COE_BIN), "new", "--title", f"Race {round_number} runner {runner}"],
                cwd=repo,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for runner in range(at_once)
        ]
        for proc in procs:
            stdout, stderr = proc.communicate(timeout=120)
            assert proc.returncode == 0, stderr
            created.append(stdout.strip())
    ids = [Path(path).name[: len("COE-2026-001")] for path in created]
    assert len(set(ids)) == len(ids), sorted(ids)
    assert sorted(ids) == [f"COE-2026-{n:03d}" for n in range(1, rounds * at_once + 1)]
    files = coe_files(repo)
    assert len(files) == rounds * at_once
    for path in files:  # each one complete, and its id matches its name
        assert front_matter(path)["id"] == path.name[: len("COE-2026-001")]


def test_write_new_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "COE-2026-001-x.md"
    target.write_text("the author's work\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        atomic.write_new(target, "a skeleton\n")
    assert target.read_text(encoding="utf-8") == "the author's work\n"
    dangling = tmp_path / "COE-2026-002-x.md"
    dangling.symlink_to(tmp_path / "nowhere.md")
    with pytest.raises(FileExistsError):
        atomic.write_new(dangling, "a skeleton\n")
    assert not (tmp_path / "nowhere.md").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["COE-2026-001-x.md", "COE-2026-002-x.md"]


def test_write_new_without_anonymous_files_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "_link_anonymous", lambda path, data: False)
    target = tmp_path / "new.md"
    atomic.write_new(target, "text\n")
    assert target.read_text(encoding="utf-8") == "text\n"
    with pytest.raises(FileExistsError):
        atomic.write_new(target, "other\n")
    assert [p.name for p in tmp_path.iterdir()] == ["new.md"]


def test_write_replace_swaps_content_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    atomic.write_replace(target, "one\n")
    target.chmod(0o640)
    atomic.write_replace(target, "two\n")
    assert target.read_text(encoding="utf-8") == "two\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["export.json"]


def test_create_skips_a_taken_name_and_tries_the_next_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    coes = tmp_path / "coes"
    (coes / "2026").mkdir(parents=True)
    taken = coes / "2026" / "COE-2026-001-same.md"
    taken.write_text("someone else's\n", encoding="utf-8")
    monkeypatch.setattr(scaffold, "next_number", lambda folder, year: 1)  # a stale scan
    coe_id, path = scaffold.create(coes, 2026, NewCoe(date=date(2026, 1, 5), title="Same"))
    assert coe_id == "COE-2026-002"
    assert path == coes / "2026" / "COE-2026-002-same.md"
    assert taken.read_text(encoding="utf-8") == "someone else's\n"


KILLER = """
import os, signal, sys
from coe.core import atomic

real_write = os.write

def write_half_then_die(fd, data):
    real_write(fd, bytes(data[: len(data) // 2]))
    os.kill(os.getpid(), signal.SIGKILL)

os.write = write_half_then_die
if sys.argv[1] == "named":
    atomic._link_anonymous = lambda path, data: False
from coe.cli.main import main
main(["new", "--title", "Killed half-way"])
"""


@pytest.mark.parametrize("mode", ["anonymous", "named"])
def test_a_killed_run_leaves_no_half_file(mode: str, tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {})
    result = subprocess.run(
        [sys.executable, "-c", KILLER, mode],
        cwd=repo,
        env={**os.environ, "COE_TODAY": TODAY},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert coe_files(repo) == []
    left = sorted(p.name for p in (repo / "coes" / "2026").iterdir())
    if mode == "anonymous":
        assert left == []  # nothing at all: the half-written file had no name
    else:
        assert all(name.startswith(".") and name.endswith(".tmp") for name in left), left
    # The next run takes the id as if nothing had happened, and validation ignores the rest.
    assert new(repo, "--title", "After the crash").stdout == (
        "coes/2026/COE-2026-001-after-the-crash.md\n"
    )
    _, output = validate_json(repo)
    assert output["files"] == 1
