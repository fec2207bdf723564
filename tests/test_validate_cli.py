"""Acceptance tests of `coe validate`, run as a user runs it: the installed command in a
subprocess, against temporary repositories.

The defect corpus lives in ``tests/fixtures/defects/``: one file a case, each a copy of
``VALID_COE`` with exactly one defect, and ``expected.json`` saying which finding each case
must produce. A key with a ``/`` names a folder of files that are checked together (for
rules across COEs) and the file in it that carries the finding. Optional manifest fields:

* ``pointer``: the expected JSON Pointer; ``message``: substrings the message contains;
* ``target``: the file name to copy the case to (default ``COE-2026-101-<case>.md``, so the
  file name begins with the id);
* ``patch``: ``{"find", "replace", "encoding"}``, applied to the file's bytes at run time,
  so that odd bytes (Latin-1, NUL) are not committed;
* ``config``: options of the coe plugin in the case's ``mkdocs.yml``;
* ``link``: ``"outside"`` to put the file outside the repository and link to it;
* ``allow``: other rules that may also report errors (where one defect breaks two rules).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from coe.core.rules import RULES
from tests.helpers import MKDOCS_YML, ROOT, TODAY, VALID_COE, make_repo, run_coe, validate_json

DEFECTS = Path(__file__).resolve().parent / "fixtures" / "defects"
MANIFEST: dict[str, dict[str, Any]] = json.loads(
    (DEFECTS / "expected.json").read_text(encoding="utf-8")
)
SUMMARY = re.compile(r"^(\d+) files? checked: (\d+) errors?, (\d+) warnings?(?:, \d+ suppressed)?$")


def mkdocs_yml(options: dict[str, Any] | None = None) -> str:
    """An mkdocs.yml whose coe plugin has ``options`` (JSON is YAML)."""
    if not options:
        return MKDOCS_YML
    return MKDOCS_YML.replace("  - coe\n", f"  - coe: {json.dumps(options)}\n")


def materialise(case: str, expected: dict[str, Any], tmp_path: Path) -> tuple[Path, str]:
    """A repository holding the case; returns it and the path the finding must name."""
    repo = tmp_path / "repo"
    files: dict[str, str | bytes] = {}
    if "/" in case:
        folder, carrier = case.split("/", 1)
        for path in sorted((DEFECTS / folder).iterdir()):
            files[f"coes/{path.name}"] = path.read_bytes()
        make_repo(repo, files, mkdocs_yml(expected.get("config")))
        return repo, f"coes/{carrier}"
    data = (DEFECTS / case).read_bytes()
    patch = expected.get("patch")
    if patch:
        find = patch["find"].encode("utf-8")
        assert data.count(find) == 1, f"{case}: the patch must match exactly once"
        data = data.replace(find, patch["replace"].encode(patch["encoding"]))
    target = f"coes/{expected.get('target', 'COE-2026-101-' + case)}"
    if expected.get("link") == "outside":
        outside = tmp_path / "outside" / "COE-2026-101.md"
        outside.parent.mkdir(parents=True)
        outside.write_bytes(data)
        make_repo(repo, {}, mkdocs_yml(expected.get("config")))
        os.symlink(outside, repo / target)
    else:
        make_repo(repo, {target: data}, mkdocs_yml(expected.get("config")))
    return repo, target


def describe(diagnostics: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{d['path']}:{d['line']}:{d['column']}: {d['severity']} [{d['rule']}] {d['message']}"
        for d in diagnostics
    )


# --- the defect corpus ---------------------------------------------------------------


def test_defect_corpus_covers_every_format_rule() -> None:
    format_rules = {rule.id for rule in RULES if rule.category == "format"}
    covered = {expected["rule"] for expected in MANIFEST.values()}
    assert format_rules - covered == set()
    assert covered - {rule.id for rule in RULES} == set(), "the manifest names no rule"
    assert len(MANIFEST) >= 30


def test_every_defect_fixture_is_in_the_manifest_and_back() -> None:
    on_disk = {p.name for p in DEFECTS.glob("*.md")}
    folders = {p.name for p in DEFECTS.iterdir() if p.is_dir()}
    single = {case for case in MANIFEST if "/" not in case}
    assert on_disk == single
    assert folders == {case.split("/", 1)[0] for case in MANIFEST if "/" in case}
    for case in MANIFEST:
        if "/" in case:
            assert (DEFECTS / case).is_file(), case


@pytest.mark.parametrize("case", sorted(MANIFEST))
def test_defect_is_reported_at_its_line(case: str, tmp_path: Path) -> None:
    expected = MANIFEST[case]
    repo, target = materialise(case, expected, tmp_path)
    code, output = validate_json(repo)
    diagnostics = output["diagnostics"]
    shown = describe(diagnostics)

    matches = [
        d
        for d in diagnostics
        if d["rule"] == expected["rule"]
        and d["path"] == target
        and d["line"] == expected["line"]
        and (expected["column"] is None or d["column"] == expected["column"])
    ]
    assert matches, f"expected [{expected['rule']}] at {target}:{expected['line']}:\n{shown}"
    found = matches[0]
    assert found["severity"] == expected["severity"], shown
    if "pointer" in expected:
        assert found["pointer"] == expected["pointer"], shown
    for part in expected.get("message", []):
        assert part in found["message"], shown

    # One defect a case: no error from any rule the case is not about.
    allowed = {expected["rule"], *expected.get("allow", [])}
    stray = [d for d in diagnostics if d["severity"] == "error" and d["rule"] not in allowed]
    assert stray == [], shown

    if expected["severity"] == "error":
        assert code == 1, shown
    else:
        assert code == 0, shown
        strict = run_coe("validate", "--strict", cwd=repo)
        assert strict.returncode == 1, strict.stdout
        assert "Traceback" not in strict.stderr


# --- a clean repository and accepted variants -------------------------------------------


def test_project_coes_pass() -> None:
    result = run_coe("validate", cwd=ROOT)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    match = SUMMARY.match(result.stdout.splitlines()[-1])
    assert match is not None and int(match[1]) >= 1 and match[2] == "0"


VARIANTS = {
    "quoted-dates-and-times": VALID_COE.replace("date: 2026-03-03", 'date: "2026-03-03"').replace(
        "  started: 2026-03-02T14:00:00Z", "  started: '2026-03-02T14:00:00Z'"
    ),
    "offset-times": VALID_COE.replace(
        "  detected: 2026-03-02T14:10:00Z", "  detected: 2026-03-02T16:10:00+02:00"
    ),
    "yaml-1.1-words-stay-text": VALID_COE.replace(
        "  - label-service\n", "  - label-service\n  - no\n"
    ),
    "crlf-line-endings": VALID_COE.replace("\n", "\r\n"),
    "utf-8-bom": "\ufeff" + VALID_COE,
    "timeline-in-all-three-forms": VALID_COE.replace(
        "- 2026-03-02 14:10 UTC - The 5xx", "- **2026-03-02T14:10Z** — The 5xx"
    ).replace("- 2026-03-02 14:30 UTC - Rollback", "- `2026-03-02 14:30+00:00`: Rollback"),
    "headings-in-other-case": VALID_COE.replace("## Five whys", "## FIVE WHYS").replace(
        "### Detection", "### detection"
    ),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_contract_variants_pass(variant: str, tmp_path: Path) -> None:
    content = VARIANTS[variant]
    assert content != VALID_COE
    repo = make_repo(tmp_path, {"coes/COE-2026-101-x.md": content.encode("utf-8")})
    code, output = validate_json(repo)
    assert output["diagnostics"] == [], describe(output["diagnostics"])
    assert code == 0
    assert output["files"] == 1


# --- exit codes and usage errors ----------------------------------------------------


def test_nonexistent_path_exits_2(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"coes/COE-2026-101-x.md": VALID_COE})
    result = run_coe("validate", "coes/COE-2099-999-missing.md", cwd=repo)
    assert result.returncode == 2
    assert "COE-2099-999-missing.md" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("today", ["2026-02-30", "tomorrow", "27/11/2026"])
def test_bad_today_option_exits_2(today: str, tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"coes/COE-2026-101-x.md": VALID_COE})
    result = run_coe("validate", "--today", today, cwd=repo)
    assert result.returncode == 2
    assert "--today" in result.stderr and today in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_coe_today_environment_exits_2(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"coes/COE-2026-101-x.md": VALID_COE})
    result = run_coe("validate", cwd=repo, env={"COE_TODAY": "2026-13-01"})
    assert result.returncode == 2
    assert "COE_TODAY" in result.stderr
    assert "Traceback" not in result.stderr


def test_today_option_is_accepted_and_wins_over_the_environment(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"coes/COE-2026-101-x.md": VALID_COE})
    from_env = run_coe("validate", cwd=repo, env={"COE_TODAY": TODAY})
    assert from_env.returncode == 0, from_env.stderr
    from_option = run_coe("validate", "--today", TODAY, cwd=repo, env={"COE_TODAY": "not-a-date"})
    assert from_option.returncode == 0, from_option.stderr


def test_validate_help_mentions_formats_and_exit_codes(tmp_path: Path) -> None:
    result = run_coe("validate", "--help", cwd=tmp_path)
    assert result.returncode == 0
    for word in ("text", "json", "github", "sarif", "--strict", "--today", "0", "1", "2"):
        assert word in result.stdout
    assert re.search(r"exit", result.stdout, re.IGNORECASE)


def test_top_level_help_mentions_formats_and_exit_codes(tmp_path: Path) -> None:
    result = run_coe("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "validate" in result.stdout
    assert re.search(r"exit", result.stdout, re.IGNORECASE)
    for word in ("json", "sarif", "github"):
        assert word in result.stdout


# --- output order and summary ---------------------------------------------------------


def _two_broken_files(root: Path) -> Path:
    broken_b = VALID_COE.replace("id: COE-2026-101", "id: COE-2026-102").replace(
        "severity: SEV2", "severity: SEV9"
    )
    broken_b = broken_b.replace("## Metrics\n", "## Measurements\n").replace(
        "  - id: AI-2\n", "  - id: AI-1\n"
    )
    broken_a = VALID_COE.replace("status: published", "status: final").replace(
        "- 2026-03-02 14:30 UTC - Rollback", "- 2026-03-02 14:05 UTC - Rollback"
    )
    return make_repo(
        root,
        {
            # Written in reverse order, so that the file system's order is not the answer.
            "coes/2026/COE-2026-102-b.md": broken_b,
            "coes/2026/COE-2026-101-a.md": broken_a,
            "coes/2025/label-outage.md": VALID_COE.replace("COE-2026-101", "COE-2025-001"),
        },
    )


def test_findings_are_sorted_by_path_then_line(tmp_path: Path) -> None:
    repo = _two_broken_files(tmp_path)
    code, output = validate_json(repo)
    assert code == 1
    keys = [(d["path"], d["line"], d["column"]) for d in output["diagnostics"]]
    assert len({path for path, _, _ in keys}) == 3, keys
    assert len(keys) >= 5
    assert keys == sorted(keys)

    text = run_coe("validate", cwd=repo).stdout.splitlines()[:-1]
    located = [re.match(r"^(.+?):(\d+):(\d+): ", line) for line in text]
    assert all(located), text
    text_keys = [(m[1], int(m[2]), int(m[3])) for m in located if m]
    assert text_keys == keys


def test_text_output_ends_with_summary_matching_the_counts(tmp_path: Path) -> None:
    repo = _two_broken_files(tmp_path)
    _, output = validate_json(repo)
    result = run_coe("validate", cwd=repo)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    match = SUMMARY.match(lines[-1])
    assert match is not None, lines[-1]
    assert (int(match[1]), int(match[2]), int(match[3])) == (
        3,
        output["errors"],
        output["warnings"],
    )
    assert output["errors"] >= 4 and output["warnings"] >= 1
    assert len(lines) == len(output["diagnostics"]) + 1


def test_summary_counts_one_file_in_the_singular(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"coes/COE-2026-101-x.md": VALID_COE})
    result = run_coe("validate", cwd=repo)
    assert result.stdout == "1 file checked: 0 errors, 0 warnings\n"


# --- one path among many ------------------------------------------------------------


def test_one_path_still_sees_the_rest_of_the_folder_for_relations(tmp_path: Path) -> None:
    relating = VALID_COE.replace(
        "related:\n", "related:\n  - coe: COE-2026-102\n    relation: caused-by\n"
    )
    other = VALID_COE.replace("id: COE-2026-101", "id: COE-2026-102").replace(
        "severity: SEV2", "severity: SEV0"
    )
    dangling = VALID_COE.replace("id: COE-2026-101", "id: COE-2026-103").replace(
        "related:\n", "related:\n  - COE-2019-999\n"
    )
    repo = make_repo(
        tmp_path,
        {
            "coes/COE-2026-101-a.md": relating,
            "coes/COE-2026-102-b.md": other,
            "coes/COE-2026-103-c.md": dangling,
        },
    )
    code, output = validate_json(repo, "coes/COE-2026-101-a.md")
    assert output["diagnostics"] == [], describe(output["diagnostics"])
    assert output["files"] == 1
    assert code == 0  # COE-2026-102's own error is not reported: it was not asked for

    code, output = validate_json(repo, "coes/COE-2026-103-c.md")
    assert [(d["rule"], d["line"]) for d in output["diagnostics"]] == [("related-unknown", 27)]
    assert code == 1


def test_one_path_still_sees_a_duplicate_id_elsewhere(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        {"coes/COE-2026-101-a.md": VALID_COE, "coes/COE-2026-101-b.md": VALID_COE},
    )
    code, output = validate_json(repo, "coes/COE-2026-101-b.md")
    assert [(d["path"], d["rule"]) for d in output["diagnostics"]] == [
        ("coes/COE-2026-101-b.md", "duplicate-id")
    ]
    assert "coes/COE-2026-101-a.md:2" in output["diagnostics"][0]["message"]
    assert code == 1


def test_path_through_parent_folder_is_not_a_duplicate_of_itself(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"coes/COE-2026-101-x.md": VALID_COE})
    result = run_coe("validate", "--format", "json", "../coes/COE-2026-101-x.md", cwd=repo / "docs")
    output = json.loads(result.stdout)
    assert output["diagnostics"] == [], describe(output["diagnostics"])
    assert output["files"] == 1
    assert result.returncode == 0


# --- rule levels from mkdocs.yml ---------------------------------------------------------

MISNAMED = {"coes/label-outage.md": VALID_COE}


@pytest.mark.parametrize("spelling", ["off", "'off'"])
def test_rule_set_off_in_mkdocs_yml_is_silenced(spelling: str, tmp_path: Path) -> None:
    config = MKDOCS_YML.replace(
        "  - coe\n", f"  - coe:\n      rules:\n        filename: {spelling}\n"
    )
    repo = make_repo(tmp_path, MISNAMED, config)
    result = run_coe("validate", "--strict", "--format", "json", cwd=repo)
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["diagnostics"] == []
    assert result.returncode == 0


def test_filename_is_a_warning_by_default(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, MISNAMED)
    code, output = validate_json(repo)
    assert [(d["rule"], d["severity"]) for d in output["diagnostics"]] == [("filename", "warning")]
    assert code == 0


def test_rule_raised_to_error_in_mkdocs_yml_fails_the_run(tmp_path: Path) -> None:
    config = mkdocs_yml({"rules": {"filename": "error"}})
    repo = make_repo(tmp_path, MISNAMED, config)
    code, output = validate_json(repo)
    assert [(d["rule"], d["severity"]) for d in output["diagnostics"]] == [("filename", "error")]
    assert output["errors"] == 1
    assert code == 1


def test_unknown_rule_in_mkdocs_yml_exits_2(tmp_path: Path) -> None:
    config = mkdocs_yml({"rules": {"no-such-rule": "error"}})
    repo = make_repo(tmp_path, {"coes/COE-2026-101-x.md": VALID_COE}, config)
    result = run_coe("validate", cwd=repo)
    assert result.returncode == 2
    assert "no-such-rule" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
