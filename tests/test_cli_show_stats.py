"""Acceptance tests of `coe show` and `coe stats` on the project's example COEs (today
fixed at 2026-11-27), and on small temporary repositories for the edge cases."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.helpers import ROOT, VALID_COE, make_repo, run_coe


def coe(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    result = run_coe(*args, cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    return result


SHOW_004 = (
    "COE-2026-004: Merchant webhooks delayed up to 2h14m when a poison message stalled notify-webhooks, a recurrence of COE-2025-014\n"  # noqa: E501
    "  status    published\n"
    "  severity  SEV3\n"
    "  team      web\n"
    "  services  notifications, tracking-web\n"
    "  date      2026-08-06\n"
    "  file      coes/2026/COE-2026-004-webhook-backlog-poison-message.md\n"
    "\n"
    "Incident\n"
    "  started    2026-08-04T08:21:00Z\n"
    "  detected   2026-08-04T08:59:00Z  38 min after the start\n"
    "  mitigated  2026-08-04T10:38:00Z  2 h 17 min after the start\n"
    "  resolved   2026-08-05T15:00:00Z  1 d 6 h 39 min after the start\n"
    "  detection  monitoring\n"
    "\n"
    "Impact\n"
    "  412,000 shipment webhooks to 1,460 merchants were delayed by up to 2 hours 14 minutes;\n"
    "  96 merchants' warehouse systems held pick-ups while waiting for label events.\n"
    "  customers affected  1460\n"
    "  NFRs                reliability, operations\n"
    "  sla breached        no\n"
    "\n"
    "Relations\n"
    "  recurrence-of  COE-2025-014  Delivery notifications delayed up to 5h40m after a poison message stalled every notify-dispatch consumer\n"  # noqa: E501
    "\n"
    "Backlinks (other COEs that name this one)\n"
    "  same-root-cause  COE-2026-005  Runaway route re-optimisation jobs scaled to 400 workers over a weekend and cost USD 38,400\n"  # noqa: E501
    "\n"
    "Open action items (1 of 5, 1 overdue)\n"
    "  AI-2  P0  platform  due 2026-08-20  in-progress, 99 days overdue  Make pw-queue fail consumer start-up when max_attempts or a dead-letter topic is missing\n"  # noqa: E501
)


def test_show_prints_the_key_facts_exactly() -> None:
    result = coe("show", "COE-2026-004")
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout == SHOW_004


def test_show_accepts_any_case() -> None:
    assert coe("show", "coe-2026-004").stdout == SHOW_004


def test_show_backlinks_use_the_inverse_relation() -> None:
    shown = coe("show", "COE-2025-014").stdout
    section = shown[shown.index("Backlinks") :].split("\n\n")[0].splitlines()[1:]
    assert [line.split()[:2] for line in section] == [
        ["recurred-in", "COE-2026-004"],  # COE-2026-004 is a recurrence-of this one
        ["same-root-cause", "COE-2026-005"],
        ["see-also", "COE-2026-006"],
    ]
    assert "Relations\n  none\n" in shown
    assert (
        "Links\n  pw-queue retry and dead-letter configuration  "
        "https://docs.parcelwise.example/pw-queue/retries\n"
    ) in shown
    # caused-by on COE-2026-002 shows as caused on COE-2026-001, and back.
    assert (
        "Relations\n  caused-by  COE-2026-001  Checkout rejected"
        in coe("show", "COE-2026-002").stdout
    )
    first = coe("show", "COE-2026-001").stdout
    assert "Backlinks (other COEs that name this one)\n  caused  COE-2026-002  1,284" in first
    assert first.endswith("Open action items (0 of 6, 0 overdue)\n  none\n")


def test_show_open_items_overdue_first() -> None:
    shown = coe("show", "COE-2026-006").stdout
    items = shown[shown.index("Open action items") :].splitlines()
    assert items[0] == "Open action items (2 of 6, 2 overdue)"
    assert [line.split()[0] for line in items[1:]] == ["AI-3", "AI-4"]
    assert "in-progress, 7 days overdue" in items[1]
    assert "open, 3 days overdue" in items[2]


def test_show_unknown_id_exits_1() -> None:
    result = coe("show", "COE-2026-999")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "coe: no COE has the id 'COE-2026-999'\n"


def test_show_id_whose_front_matter_fails_the_schema(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"coes/COE-2026-101-broken.md": VALID_COE.replace("SEV2", "SEV9")})
    result = coe("show", "COE-2026-101", cwd=repo)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "coe: warning: skipped 1 COE whose front-matter does not pass the schema "
        "(see `coe validate`): coes/COE-2026-101-broken.md",
        "coe: COE-2026-101 (coes/COE-2026-101-broken.md) cannot be shown: its front-matter "
        "does not pass the schema; run `coe validate` to see why",
    ]


STATS = (
    "8 COEs (today is 2026-11-27)\n"
    "\n"
    "By severity\n"
    "  SEV1  1\n"
    "  SEV2  2\n"
    "  SEV3  3\n"
    "  SEV4  1\n"
    "  SEV5  1\n"
    "\n"
    "By quarter of the incident start (UTC)\n"
    "  quarter  COEs  median to detect  median to mitigate\n"
    "  2025-Q3  1     6 h 52 min        9 h 14 min\n"
    "  2025-Q4  1     2 h 13 min        5 h 40 min\n"
    "  2026-Q1  2     1 h 37 min        10 h 15 min\n"
    "  2026-Q2  1     10 min            46 min\n"
    "  2026-Q3  1     38 min            2 h 17 min\n"
    "  2026-Q4  2     3 d 17 h 55 min   3 d 19 h 1 min\n"
    "  all      8     2 h 41 min        7 h 27 min\n"
    "\n"
    "Action items\n"
    "  total    44\n"
    "  open     9\n"
    "  overdue  6\n"
)


def test_stats_exactly() -> None:
    result = coe("stats")
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout == STATS


def test_stats_today_changes_overdue_count() -> None:
    shown = coe("stats", "--today", "2026-12-02").stdout
    assert shown.endswith("  open     9\n  overdue  8\n")


def variant(coe_id: str, started: str, detected: str, mitigated: str, severity: str) -> str:
    return (
        VALID_COE.replace("COE-2026-101", coe_id)
        .replace("severity: SEV2", f"severity: {severity}")
        .replace("started: 2026-03-02T14:00:00Z", f"started: {started}")
        .replace("detected: 2026-03-02T14:10:00Z", f"detected: {detected}")
        .replace("mitigated: 2026-03-02T14:40:00Z", f"mitigated: {mitigated}")
        .replace("  resolved: 2026-03-02T16:00:00Z\n", "")
    )


def test_stats_quarters_in_utc_and_medians_round_half_up(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        {
            # 23:30 at UTC-2 on 31 March is 01:30 UTC on 1 April: the second quarter.
            "coes/COE-2026-101-a.md": variant(
                "COE-2026-101",
                "2026-03-31T23:30:00-02:00",
                "2026-03-31T23:31:00-02:00",
                "2026-03-31T23:40:00-02:00",
                "SEV1",
            ),
            "coes/COE-2026-102-b.md": variant(
                "COE-2026-102",
                "2026-04-02T10:00:00Z",
                "2026-04-02T10:02:00Z",
                "2026-04-02T12:00:00Z",
                "SEV1",
            ),
            "coes/COE-2026-103-c.md": "not a COE\n",
        },
    )
    result = coe("stats", cwd=repo)
    assert result.returncode == 0
    assert "skipped 1 COE" in result.stderr
    assert result.stdout.startswith("2 COEs (today is 2026-11-27)\n\nBy severity\n  SEV1  2\n")
    assert (
        "  quarter  COEs  median to detect  median to mitigate\n"
        "  2026-Q2  2     2 min             1 h 5 min\n"  # 1.5 -> 2; 65 = (10 + 120) / 2
        "  all      2     2 min             1 h 5 min\n"
    ) in result.stdout


def test_stats_without_coes(tmp_path: Path) -> None:
    result = coe("stats", cwd=make_repo(tmp_path, {}))
    assert result.returncode == 0
    assert result.stdout.startswith("0 COEs")
    assert "  all      0     -                 -\n" in result.stdout
    assert result.stdout.endswith("  total    0\n  open     0\n  overdue  0\n")


@pytest.mark.parametrize("command", ["show", "stats", "actions"])
def test_commands_are_listed_in_help(command: str) -> None:
    assert command in coe("--help").stdout
