"""Acceptance tests of `coe actions` on the project's example COEs (with today fixed at
2026-11-27) and on small temporary repositories."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from coe.core.export import CSV_COLUMNS
from tests.helpers import COE_BIN, MKDOCS_YML, ROOT, TODAY, VALID_COE, make_repo, run_coe

SCHEMAS = Path(__file__).resolve().parent / "schemas"
EPOCH = "1790000000"
OVERDUE = [
    "COE-2025-011/AI-4",
    "COE-2025-014/AI-5",
    "COE-2026-002/AI-4",
    "COE-2026-004/AI-2",
    "COE-2026-006/AI-3",
    "COE-2026-006/AI-4",
]
OPEN = [
    "COE-2025-011/AI-4",
    "COE-2025-014/AI-5",
    "COE-2026-002/AI-4",
    "COE-2026-004/AI-2",
    "COE-2026-005/AI-2",
    "COE-2026-005/AI-3",
    "COE-2026-005/AI-4",
    "COE-2026-006/AI-3",
    "COE-2026-006/AI-4",
]


def actions(*args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    result = run_coe("actions", *args, cwd=cwd, env={"SOURCE_DATE_EPOCH": EPOCH, **env})
    assert "Traceback" not in result.stderr, result.stderr
    return result


def item_ids(*args: str) -> list[str]:
    result = actions("--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return [f"{item['coe']}/{item['id']}" for item in json.loads(result.stdout)["items"]]


# --- JSON and CSV: the contract's exports ----------------------------------------------


def test_overdue_json_is_the_contract_document() -> None:
    result = actions("--overdue", "--format", "json")
    assert result.returncode == 0
    assert result.stderr == ""
    document = json.loads(result.stdout)
    schema = json.loads((SCHEMAS / "action-items-export.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
    assert document["today"] == TODAY
    assert document["generated"] == "2026-09-21T14:13:20Z"  # SOURCE_DATE_EPOCH
    assert [f"{i['coe']}/{i['id']}" for i in document["items"]] == OVERDUE
    assert [i["days_overdue"] for i in document["items"]] == [452, 386, 284, 99, 7, 3]
    assert all(i["open"] and i["overdue"] for i in document["items"])
    first = document["items"][0]
    assert first["url"] == (
        "coes/2025/COE-2025-011-nordpost-client-certificate-expiry/#action-AI-4"
    )
    assert first["title"] == (
        "Automate NordPost CSR submission through the partner certificate API 30 days before expiry"
    )


def build_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "-d", str(site)],
        cwd=ROOT,
        env={
            **os.environ,
            "COE_TODAY": TODAY,
            "SOURCE_DATE_EPOCH": EPOCH,
            "NO_MKDOCS_2_WARNING": "1",
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return site


def test_json_and_csv_are_the_sites_exports_byte_for_byte(tmp_path: Path) -> None:
    site = build_site(tmp_path)
    as_json = actions("--format", "json")
    assert as_json.stdout == (site / "api" / "action-items.json").read_text(encoding="utf-8")
    as_csv = actions("--format", "csv")
    assert as_csv.stdout == (site / "api" / "action-items.csv").read_text(encoding="utf-8")


def test_csv_header_and_rows() -> None:
    result = actions("--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == list(CSV_COLUMNS)
    assert rows[0][:3] == ["coe", "id", "title"]
    assert len(rows) == 1 + 44
    open_rows = list(csv.reader(io.StringIO(actions("--open", "--format", "csv").stdout)))
    assert len(open_rows) == 1 + 9
    assert [f"{r[0]}/{r[1]}" for r in open_rows[1:]] == OPEN
    assert {r[CSV_COLUMNS.index("open")] for r in open_rows[1:]} == {"true"}


# --- filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), 44),
        (("--open",), OPEN),
        (("--overdue",), OVERDUE),
        (
            ("--open", "--owner", "PLATFORM"),
            [
                "COE-2025-014/AI-5",
                "COE-2026-004/AI-2",
                "COE-2026-005/AI-3",
                "COE-2026-005/AI-4",
                "COE-2026-006/AI-3",
                "COE-2026-006/AI-4",
            ],
        ),
        (("--owner", "platform"), 17),
        (("--team", "fulfilment"), 15),
        (
            ("--team", "Fulfilment", "--open"),
            [
                "COE-2025-011/AI-4",
                "COE-2026-005/AI-2",
                "COE-2026-005/AI-3",
                "COE-2026-005/AI-4",
            ],
        ),
        (("--team", "fulfilment", "--owner", "platform", "--overdue"), []),
        (("--due-within", "0"), OVERDUE),
        (("--due-within", "3"), [*OVERDUE[:4], "COE-2026-005/AI-2", *OVERDUE[4:]]),
        (
            ("--due-within", "4"),
            [*OVERDUE[:4], "COE-2026-005/AI-2", "COE-2026-005/AI-3", *OVERDUE[4:]],
        ),
        (("--owner", "nobody"), []),
    ],
)
def test_filters(args: tuple[str, ...], expected: list[str] | int) -> None:
    ids = item_ids(*args)
    if isinstance(expected, int):
        assert len(ids) == expected
    else:
        assert ids == expected


def test_today_option_moves_what_is_overdue() -> None:
    assert item_ids("--overdue", "--today", "2026-12-02") == [
        *OVERDUE[:4],
        "COE-2026-005/AI-2",
        "COE-2026-005/AI-3",
        *OVERDUE[4:],
    ]
    assert item_ids("--overdue", "--today", "2025-09-01") == []  # due that day: not overdue


# --- the table -----------------------------------------------------------------------------


def test_table_overdue_first_then_by_due_date() -> None:
    result = actions("--due-within", "4", COLUMNS="120")
    assert result.returncode == 0
    assert result.stdout == (
        "ITEM               TITLE                                     PRIORITY  OWNER       DUE         STATUS       DAYS OVERDUE\n"  # noqa: E501
        "COE-2025-011/AI-4  Automate NordPost CSR submission thro...  P2        fulfilment  2025-09-01  in-progress  452\n"  # noqa: E501
        "COE-2025-014/AI-5  Add a pw-queue park command that move...  P2        platform    2025-11-06  open         386\n"  # noqa: E501
        "COE-2026-002/AI-4  Add an end-to-end contract test again...  P1        payments    2026-02-16  in-progress  284\n"  # noqa: E501
        "COE-2026-004/AI-2  Make pw-queue fail consumer start-up...   P0        platform    2026-08-20  in-progress  99\n"  # noqa: E501
        "COE-2026-006/AI-3  Scan CI job logs and outgoing support...  P1        platform    2026-11-20  in-progress  7\n"  # noqa: E501
        "COE-2026-006/AI-4  Install the pw-queue admin CLI on the...  P2        platform    2026-11-24  open         3\n"  # noqa: E501
        "COE-2026-005/AI-2  Give reopt-worker max_attempts 3 and...   P1        fulfilment  2026-11-30  in-progress\n"  # noqa: E501
        "COE-2026-005/AI-3  Page the owning team when a workload'...  P1        platform    2026-12-01  open\n"  # noqa: E501
        "\n"
        "8 action items, 6 overdue\n"
    )
    for line in result.stdout.splitlines():
        assert len(line) <= 120


def test_table_sorts_overdue_items_first_then_by_due_date() -> None:
    lines = actions(COLUMNS="200").stdout.splitlines()
    assert lines[-1] == "44 action items, 6 overdue"
    rows = [re.split(r"\s{2,}", line) for line in lines[1:-2]]
    assert len(rows) == 44
    assert [row[0] for row in rows[:6]] == OVERDUE
    dues = [row[4] for row in rows]
    assert dues[:6] == sorted(dues[:6])
    assert dues[6:] == sorted(dues[6:])


def test_piped_table_is_plain_and_keeps_whole_titles() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")}
    result = subprocess.run(  # stdout is a pipe, COLUMNS is not set
        [str(COE_BIN), "actions", "--overdue"],
        cwd=ROOT,
        env={**env, "COE_TODAY": TODAY, "TERM": "xterm"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout
    assert (
        "Automate NordPost CSR submission through the partner certificate API 30 days before expiry"
        in result.stdout
    )


def at_terminal(*args: str, **env: str) -> str:
    """`coe actions` with standard output on a pseudo-terminal; what it printed."""
    master, slave = os.openpty()
    full_env = {**os.environ, "COE_TODAY": TODAY, **env}
    full_env.pop("COLUMNS", None)
    full_env.pop("NO_COLOR", None)
    full_env.update(env)
    proc = subprocess.Popen(
        [str(COE_BIN), "actions", *args],
        cwd=ROOT,
        env=full_env,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=subprocess.PIPE,
    )
    os.close(slave)
    output = b""
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        assert ready, "no output"
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    proc.wait(timeout=30)
    os.close(master)
    assert proc.returncode == 0
    return output.decode("utf-8").replace("\r\n", "\n")


def test_colour_only_for_overdue_rows_at_a_terminal() -> None:
    shown = at_terminal("--open", TERM="xterm")
    coloured = [line for line in shown.splitlines() if line.startswith("\x1b[31m")]
    assert [line.removeprefix("\x1b[31m").split()[0] for line in coloured] == OVERDUE
    assert all(line.endswith("\x1b[0m") for line in coloured)
    plain = [line for line in shown.splitlines() if line.startswith("COE-")]
    assert [line.split()[0] for line in plain] == [
        "COE-2026-005/AI-2",
        "COE-2026-005/AI-3",
        "COE-2026-005/AI-4",
    ]


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_no_colour_when_asked(env: dict[str, str]) -> None:
    shown = at_terminal("--open", **{"TERM": "xterm", **env})
    assert "\x1b[" not in shown
    assert "COE-2026-004/AI-2" in shown


# --- failing on overdue items -------------------------------------------------------------


def test_fail_on_overdue_without_priorities() -> None:
    result = actions("--fail-on-overdue")
    assert result.returncode == 1
    assert result.stderr.startswith("coe: 6 overdue action items of priority P0 or P1 or P2 or P3")


def test_fail_on_overdue_of_listed_priorities() -> None:
    result = actions("--overdue", "--fail-on-overdue", "P0,P1")
    assert result.returncode == 1
    assert result.stderr == (
        "coe: 3 overdue action items of priority P0 or P1: "
        "COE-2026-002/AI-4, COE-2026-004/AI-2, COE-2026-006/AI-3\n"
    )
    assert "6 action items, 6 overdue" in result.stdout  # the table is still printed
    only_p0 = actions("--fail-on-overdue", " p0 ", "--format", "csv")
    assert only_p0.returncode == 1
    assert only_p0.stderr == "coe: 1 overdue action item of priority P0: COE-2026-004/AI-2\n"


@pytest.mark.parametrize(
    "args",
    [
        ("--fail-on-overdue", "P3"),
        ("--fail-on-overdue", "p3"),
        ("--team", "identity", "--fail-on-overdue"),  # only the listed items count
        ("--today", "2025-01-01", "--fail-on-overdue"),
    ],
)
def test_fail_on_overdue_passes_when_nothing_matches(args: tuple[str, ...]) -> None:
    result = actions(*args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--fail-on-overdue", "P5"), "P5 is not a priority"),
        (("--fail-on-overdue", ","), "is not a priority"),
        (("--due-within", "-1"), "--due-within"),
        (("--format", "xml"), "invalid choice"),
        (("--today", "2026-02-30"), "--today"),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...], message: str) -> None:
    result = actions(*args)
    assert result.returncode == 2
    assert message in result.stderr


# --- which COEs are used -------------------------------------------------------------------


def test_coes_failing_the_schema_are_skipped_with_one_warning(tmp_path: Path) -> None:
    broken = VALID_COE.replace("COE-2026-101", "COE-2026-102").replace("SEV2", "SEV9")
    unreadable = "no front-matter here\n"
    repo = make_repo(
        tmp_path,
        {
            "coes/COE-2026-101-good.md": VALID_COE,
            "coes/COE-2026-102-broken.md": broken,
            "coes/COE-2026-103-unreadable.md": unreadable,
        },
    )
    result = actions("--format", "json", cwd=repo)
    assert result.returncode == 0
    assert result.stderr == (
        "coe: warning: skipped 2 COEs whose front-matter does not pass the schema "
        "(see `coe validate`): coes/COE-2026-102-broken.md, coes/COE-2026-103-unreadable.md\n"
    )
    items = json.loads(result.stdout)["items"]
    assert [(i["coe"], i["id"]) for i in items] == [
        ("COE-2026-101", "AI-1"),
        ("COE-2026-101", "AI-2"),
    ]
    # The warning does not change the exit status of --fail-on-overdue either way.
    assert actions("--fail-on-overdue", cwd=repo).returncode == 1  # AI-2 was due 2026-03-14
    assert actions("--fail-on-overdue", "P0", cwd=repo).returncode == 0


def test_urls_follow_use_directory_urls(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        {"coes/2026/COE-2026-101-x.md": VALID_COE},
        mkdocs_yml=MKDOCS_YML + "use_directory_urls: false\n",
    )
    items = json.loads(actions("--format", "json", cwd=repo).stdout)["items"]
    assert items[0]["url"] == "coes/2026/COE-2026-101-x.html#action-AI-1"
    default = make_repo(tmp_path / "default", {"coes/2026/COE-2026-101-x.md": VALID_COE})
    items = json.loads(actions("--format", "json", cwd=default).stdout)["items"]
    assert items[0]["url"] == "coes/2026/COE-2026-101-x/#action-AI-1"


def test_no_coes_gives_an_empty_document(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {})
    document: dict[str, Any] = json.loads(actions("--format", "json", cwd=repo).stdout)
    assert document == {"generated": "2026-09-21T14:13:20Z", "today": TODAY, "items": []}
    assert actions(cwd=repo).stdout.splitlines()[-1] == "0 action items, 0 overdue"
