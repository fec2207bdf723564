"""The COE JSON Schema (schema/coe.schema.json) and the project's checker built on it."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from jsonschema import Draft202012Validator

from coe.core.errors import ConfigError
from coe.core.frontmatter import Split, split_front_matter
from coe.core.schema import SchemaChecker, ensure_format_checks
from coe.core.yamlreader import read_yaml
from tests.helpers import ROOT, VALID_COE

SCHEMA_PATH = ROOT / "schema" / "coe.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def valid_data() -> dict[str, Any]:
    split = split_front_matter(VALID_COE)
    assert isinstance(split, Split)
    value = read_yaml(split.yaml_text, split.yaml_line).value
    assert isinstance(value, dict)
    return value


@pytest.fixture(scope="module")
def checker() -> SchemaChecker:
    return SchemaChecker(SCHEMA_PATH)


def with_value(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(valid_data())
    node: Any = data
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return data


def problems(checker: SchemaChecker, data: Any) -> list[tuple[tuple[str | int, ...], str]]:
    return [(path, message) for path, message, _ in checker.problems(data, {})]


# --- the schema document ----------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


def _properties(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every member of every ``properties`` at every level, with where it is."""
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            yield f"{where}/properties/{name}", sub
        for key, sub in node.items():
            if key not in ("examples", "enum", "const", "default"):
                yield from _properties(sub, f"{where}/{key}")
    elif isinstance(node, list):
        for index, sub in enumerate(node):
            yield from _properties(sub, f"{where}/{index}")


def test_every_property_at_every_level_has_a_title_and_a_description() -> None:
    found = list(_properties(SCHEMA, "#"))
    assert len(found) >= 40  # top level, incident, impact, monetary_loss, action items, ...
    lacking = [
        where
        for where, prop in found
        if not str(prop.get("title", "")).strip() or not str(prop.get("description", "")).strip()
    ]
    assert lacking == []


def test_every_definition_and_inline_item_schema_has_a_title_and_a_description() -> None:
    nodes: list[tuple[str, Any]] = [(f"#/$defs/{k}", v) for k, v in SCHEMA["$defs"].items()]
    for where, prop in _properties(SCHEMA, "#"):
        items = prop.get("items")
        if isinstance(items, dict) and "$ref" not in items:
            nodes.append((f"{where}/items", items))
    assert len(nodes) >= 10
    lacking = [w for w, n in nodes if not n.get("title") or not n.get("description")]
    assert lacking == []


def test_schema_accepts_its_own_examples_and_the_valid_coe(checker: SchemaChecker) -> None:
    for example in SCHEMA["examples"]:
        assert checker.is_valid(example)
    assert checker.is_valid(valid_data())


# --- formats and patterns, through the project's checker ---------------------------------


@pytest.mark.parametrize(
    "bad", ["2026-13-40", "2026-02-30", "2026-3-4", "20260304", "2026-03-04T00:00:00Z"]
)
@pytest.mark.parametrize(
    "path", [("date",), ("action_items", 0, "due"), ("action_items", 0, "done")]
)
def test_wrong_date_is_rejected(
    checker: SchemaChecker, path: tuple[str | int, ...], bad: str
) -> None:
    found = problems(checker, with_value(path, bad))
    assert [p for p, _ in found] == [path]
    assert "is not a date" in found[0][1]


@pytest.mark.parametrize(
    "bad",
    [
        "2026-03-02T14:05:00",  # no zone
        "2026-03-02 14:05:00",  # no zone, space
        "2026-03-02T14:05Z",  # no seconds
        "2026-03-02T25:05:00Z",
        "2026-03-02",
        "2026-03-02T14:05:00Z\n",
    ],
)
def test_zone_less_or_malformed_date_time_is_rejected(checker: SchemaChecker, bad: str) -> None:
    found = problems(checker, with_value(("incident", "started"), bad))
    assert [p for p, _ in found] == [("incident", "started")]


@pytest.mark.parametrize(
    "good", ["2026-03-02T14:00:00Z", "2026-03-02T16:00:00+02:00", "2026-03-02T14:00:00.5Z"]
)
def test_date_time_with_a_zone_is_accepted(checker: SchemaChecker, good: str) -> None:
    assert checker.is_valid(with_value(("incident", "started"), good))


def test_zone_less_date_time_gets_one_message_naming_the_zone(checker: SchemaChecker) -> None:
    found = problems(checker, with_value(("incident", "started"), "2026-03-02T14:05:00"))
    assert len(found) == 1
    assert "zone" in found[0][1]


@pytest.mark.parametrize(
    "bad",
    [
        "COE-2026-001\n",
        "COE-２０２６-001",  # full-width digits
        "COE-2026-٠٠١",  # Arabic-Indic digits
        "COE-2026-01",
        "coe-2026-001",
        " COE-2026-001",
    ],
)
def test_malformed_coe_id_is_rejected(checker: SchemaChecker, bad: str) -> None:
    assert problems(checker, with_value(("id",), bad)) and not checker.is_valid(
        with_value(("id",), bad)
    )


@pytest.mark.parametrize("good", ["COE-2026-001", "COE-2025-1024"])
def test_well_formed_coe_id_is_accepted(checker: SchemaChecker, good: str) -> None:
    assert checker.is_valid(with_value(("id",), good))


@pytest.mark.parametrize("bad", ["AI-1\n", "AI-１", "AI-", "ai-1"])
def test_malformed_action_item_id_is_rejected(checker: SchemaChecker, bad: str) -> None:
    assert not checker.is_valid(with_value(("action_items", 0, "id"), bad))


@pytest.mark.parametrize(
    "bad",
    [
        "javascript:alert(1)",
        "ftp://tracker.example.com/x",
        "mailto:sre@example.com",
        "https://tracker.example.com/a b",
        "https://",
        "https://tracker.example.com/x\n",
    ],
)
def test_non_http_link_is_rejected(checker: SchemaChecker, bad: str) -> None:
    assert not checker.is_valid(with_value(("action_items", 0, "link"), bad))
    assert not checker.is_valid(with_value(("related", 0, "url"), bad))


@pytest.mark.parametrize("bad", ["Two\nlines", "", "   ", "Line\u2028separator"])
def test_title_must_be_one_non_blank_line(checker: SchemaChecker, bad: str) -> None:
    assert not checker.is_valid(with_value(("title",), bad))


def test_title_over_140_characters_is_rejected(checker: SchemaChecker) -> None:
    assert checker.is_valid(with_value(("title",), "x" * 140))
    found = problems(checker, with_value(("title",), "x" * 141))
    assert found == [(("title",), "is 141 characters long, over the limit of 140")]


@pytest.mark.parametrize("bad", ["0123", -1, 1.5, True, None])
def test_customers_affected_must_be_a_whole_number_of_at_least_zero(
    checker: SchemaChecker, bad: Any
) -> None:
    assert not checker.is_valid(with_value(("impact", "customers_affected"), bad))


def test_unknown_field_is_rejected_at_every_level(checker: SchemaChecker) -> None:
    for path in [("severty",), ("incident", "detected_at"), ("action_items", 1, "ower")]:
        found = problems(checker, with_value(path, "x"))
        assert (path, found[0][1]) in found and "unknown field" in found[0][1], found


def test_related_forms_are_told_apart(checker: SchemaChecker) -> None:
    data = with_value(
        ("related",),
        [
            "COE-2025-011",
            {"coe": "COE-2025-014", "relation": "recurrence-of"},
            {"url": "https://status.example.com/1", "title": "Status page"},
        ],
    )
    assert checker.is_valid(data)
    bad = with_value(("related",), [{"coe": "COE-2025-014", "relation": "blamed-on"}])
    assert [p for p, _ in problems(checker, bad)] == [("related", 0, "relation")]


# --- format checks must be installed -----------------------------------------------------


def test_format_checks_are_installed() -> None:
    ensure_format_checks()  # raises ConfigError when they are not


def test_missing_format_checks_raise_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Draft202012Validator, "FORMAT_CHECKER", jsonschema.FormatChecker([]))
    with pytest.raises(ConfigError, match="date-time"):
        ensure_format_checks()
    with pytest.raises(ConfigError):
        SchemaChecker(SCHEMA_PATH)


def test_missing_date_time_check_alone_raises_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    known = [name for name in ("date", "uri") if name in jsonschema.FormatChecker.checkers]
    monkeypatch.setattr(Draft202012Validator, "FORMAT_CHECKER", jsonschema.FormatChecker(known))
    with pytest.raises(ConfigError) as raised:
        ensure_format_checks()
    assert "date-time" in str(raised.value)
    assert "date," not in str(raised.value)


def test_unreadable_or_invalid_schema_is_a_config_error(tmp_path: Path) -> None:
    not_json = tmp_path / "broken.json"
    not_json.write_text("{", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid JSON"):
        SchemaChecker(not_json)
    not_a_schema = tmp_path / "bad-schema.json"
    not_a_schema.write_text('{"type": "no-such-type"}', encoding="utf-8")
    with pytest.raises(ConfigError, match="not a valid JSON Schema"):
        SchemaChecker(not_a_schema)
    with pytest.raises(ConfigError):
        SchemaChecker(tmp_path / "missing.json")
