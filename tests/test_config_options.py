"""The plugin's options mean what they say: a value is used as given or refused with the
option's name (exit 2), never replaced by the default; the options are declared once."""

from __future__ import annotations

from pathlib import Path

import pytest

from coe.core.config import OPTIONS
from coe.plugin.config import CoePluginConfig

from .helpers import MKDOCS_YML, ROOT, VALID_COE, make_repo, run_coe, run_mkdocs, validate_json

NAME = "coes/COE-2026-101-label-service.md"


def with_options(options: str) -> str:
    return MKDOCS_YML.replace("  - coe\n", "  - coe:\n" + options)


def found(root: Path) -> list[tuple[str, int]]:
    _code, output = validate_json(root)
    return [(d["rule"], d["line"]) for d in output["diagnostics"]]


# A valid COE but for its four whys.
FOUR_WHYS = VALID_COE.replace(
    "5. Why does staging not show it? No load test runs against configuration changes.\n", ""
).replace("addresses: [4, 5]", "addresses: [4]")


def test_options_are_declared_once() -> None:
    """The plugin's MkDocs options are exactly the core's declared options (and `enabled`)."""
    mkdocs_names = [name for name, _ in CoePluginConfig._schema]
    assert mkdocs_names == ["enabled", *(option.name for option in OPTIONS)]


def test_zero_timeline_gap_is_honoured(tmp_path: Path) -> None:
    """`timeline_gap_minutes: 0` asks for a note under every gap, not for the default 15."""
    root = make_repo(tmp_path, {NAME: VALID_COE}, with_options("      timeline_gap_minutes: 0\n"))
    gaps = [rule for rule, _ in found(root) if rule == "timeline-gap"]
    assert len(gaps) == 4  # 10-minute steps, all now unexplained (the last has its note)
    default = make_repo(tmp_path / "default", {NAME: VALID_COE})
    assert [r for r, _ in found(default) if r == "timeline-gap"] == []


def test_zero_min_whys_is_honoured(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {NAME: FOUR_WHYS}, with_options("      min_whys: 0\n"))
    assert "whys-count" not in {rule for rule, _ in found(root)}
    default = make_repo(tmp_path / "default", {NAME: FOUR_WHYS})
    assert "whys-count" in {rule for rule, _ in found(default)}


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("max_file_bytes: 0", "max_file_bytes: expected a whole number of at least 1, got 0"),
        ('coes_dir: ""', "coes_dir: expected a non-empty string, got ''"),
        ("timeline_gap_minutes: -1", "timeline_gap_minutes: expected a whole number of at least 0"),
        ("min_whys: -2", "min_whys: expected a whole number of at least 0"),
        ("rules: {findings-limit: warning}", "findings-limit: only `off` can be set"),
        ("severity_rules: {SEV2: {nope: off}}", "severity_rules.SEV2: no rule is called 'nope'"),
    ],
)
def test_values_that_cannot_be_honoured_are_refused(
    tmp_path: Path, option: str, message: str
) -> None:
    root = make_repo(tmp_path, {NAME: VALID_COE}, with_options(f"      {option}\n"))
    result = run_coe("validate", cwd=root)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_refused_value_fails_the_site_build_with_the_option_name(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {NAME: VALID_COE}, with_options("      max_file_bytes: 0\n"))
    result = run_mkdocs("build", cwd=root)
    assert result.returncode != 0
    assert "max_file_bytes" in result.stderr
    assert "Traceback" not in result.stderr


def many_findings_coe(count: int) -> str:
    """A COE whose every extra timeline line lacks a timestamp: one finding each."""
    lines = "".join(f"- entry {n} without a time\n" for n in range(count))
    return VALID_COE.replace("## Metrics\n", f"{lines}\n## Metrics\n", 1)


def test_findings_limit_off_lists_every_finding(tmp_path: Path) -> None:
    text = many_findings_coe(230)
    limited = make_repo(tmp_path / "limited", {NAME: text})
    rules = [rule for rule, _ in found(limited)]
    assert rules.count("findings-limit") == 1 and len(rules) == 201
    unlimited = make_repo(
        tmp_path / "unlimited", {NAME: text}, with_options("      rules: {findings-limit: off}\n")
    )
    rules = [rule for rule, _ in found(unlimited)]
    assert "findings-limit" not in rules and len(rules) >= 230


def test_findings_limit_off_by_severity(tmp_path: Path) -> None:
    """Like any rule, the limit can be turned off for some COEs only."""
    text = many_findings_coe(230)
    root = make_repo(
        tmp_path,
        {NAME: text},
        with_options("      severity_rules: {SEV2: {findings-limit: off}}\n"),
    )
    assert "findings-limit" not in {rule for rule, _ in found(root)}


def test_file_read_follows_the_configured_level(tmp_path: Path) -> None:
    """A COE that is a link out of the repository is reported at the level the settings
    give `file-read`, as every other rule is."""
    outside = tmp_path / "outside.md"
    outside.write_text(VALID_COE, encoding="utf-8")
    root = make_repo(tmp_path / "repo", {}, with_options("      rules: {file-read: warning}\n"))
    (root / NAME).symlink_to(outside)
    code, output = validate_json(root)
    assert [(d["rule"], d["severity"]) for d in output["diagnostics"]] == [("file-read", "warning")]
    assert code == 0


def test_zero_min_whys_is_honoured_by_the_site_build(tmp_path: Path) -> None:
    """The plugin reads the same option: with four whys, `--strict` fails on the warning
    by default and passes with `min_whys: 0`."""
    default = make_repo(tmp_path / "default", {NAME: FOUR_WHYS})
    failed = run_mkdocs("build", "--strict", cwd=default)
    assert failed.returncode != 0 and "whys-count" in failed.stderr
    honoured = make_repo(tmp_path / "zero", {NAME: FOUR_WHYS}, with_options("      min_whys: 0\n"))
    built = run_mkdocs("build", "--strict", cwd=honoured)
    assert built.returncode == 0, built.stderr


def test_a_finding_about_an_unread_file_takes_the_configured_level(tmp_path: Path) -> None:
    """What an adapter uses for a file it refuses before the core reads it (a document
    link out of the repository): the level the settings give the rule, or nothing."""
    from datetime import date

    from coe.core.checker import load_finding, make_context
    from coe.core.config import Config
    from coe.core.findings import Hit

    def finding(rules: dict[str, str]) -> tuple[str, str] | None:
        config = Config.from_options({"rules": rules}, ROOT)
        context = make_context(config, date(2026, 11, 27))
        found = load_finding(context, "file-read", "docs/x.md", Hit("is a link"))
        return None if found is None else (found.severity, found.text())

    assert finding({}) == ("error", "docs/x.md:1:1: error [file-read] is a link")
    assert finding({"file-read": "warning"}) == (
        "warning",
        "docs/x.md:1:1: warning [file-read] is a link",
    )
    assert finding({"file-read": "off"}) is None
