"""The compiled validator may only ever agree with jsonschema, the reference: a document
it accepts must be one jsonschema accepts. (When it refuses, jsonschema decides.)"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coe.core.schema import SchemaChecker
from coe.core.yamlreader import read_yaml
from tests.helpers import ROOT, VALID_COE

CHECKER = SchemaChecker(ROOT / "schema" / "coe.schema.json")
VALID = read_yaml(VALID_COE.split("---\n")[1], 2).value

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "",
            " ",
            "x\n",
            "COE-2026-001\n",
            "COE-２０２６-001",
            "2026-13-40",
            "2026-03-02T14:05:00",
            "2026-03-02T14:05Z",
            "javascript:alert(1)",
            "http://",
            "https://example.org/x",
            "SEV6",
            "P4",
            "AI-x",
            "a" * 141,
            "a\tb",
            "eur",
        ]
    ),
    st.text(max_size=30),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


PATHS = [p for p in _paths(VALID) if p]


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent: Any = data
        try:
            for step in path[:-1]:
                parent = parent[step]
            action = draw(st.sampled_from(["set", "delete", "list", "extra"]))
            if action == "set":
                parent[path[-1]] = draw(SCALARS)
            elif action == "delete" and isinstance(parent, dict):
                del parent[path[-1]]
            elif action == "list":
                parent[path[-1]] = [draw(SCALARS), draw(SCALARS)]
            elif action == "extra" and isinstance(parent, dict):
                parent[draw(st.sampled_from(["severty", "x", "notes"]))] = draw(SCALARS)
        except (KeyError, IndexError, TypeError):
            continue
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_the_compiled_validator_never_accepts_what_jsonschema_refuses(data: dict[str, Any]) -> None:
    assert CHECKER.fast is not None
    assert CHECKER.is_valid(data) == CHECKER.validator.is_valid(data)


def test_the_compiled_validator_is_in_use_and_accepts_a_valid_coe() -> None:
    assert CHECKER.fast is not None
    CHECKER.fast(VALID)  # raises when it refuses


def test_a_long_title_next_to_a_ref_is_refused_as_2020_12_says() -> None:
    # fastjsonschema ignores keywords beside $ref (draft 7); the schema is rewritten for it.
    data = {**copy.deepcopy(VALID), "title": "x" * 141}
    assert not CHECKER.is_valid(data)
    assert not CHECKER.validator.is_valid(data)


TREE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {
        "tree": {
            "type": "object",
            "properties": {
                "kids": {"type": "array", "items": {"$ref": "#/$defs/tree"}},
                "name": {"$ref": "#/$defs/name", "maxLength": 3},
            },
        },
        "name": {"type": "string", "minLength": 1, "format": "date"},
    },
    "$ref": "#/$defs/tree",
}


@pytest.mark.parametrize(
    "data",
    [
        {"name": "2026-03-02"},
        {"name": "x"},
        {"kids": [{"name": "2026-03-02"}]},
        {"kids": [{"kids": [{"name": ""}]}]},
        {"kids": [{"kids": [{}, {"kids": []}]}]},
        {"kids": [{"kids": "no"}]},
    ],
)
def test_a_schema_with_shared_and_recursive_definitions_is_compiled_as_it_means(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    # Definitions are inlined into the compiled validator; the recursive one stays a
    # reference, and a reference's neighbouring keywords still apply.
    path = tmp_path / "tree.schema.json"
    path.write_text(json.dumps(TREE_SCHEMA), encoding="utf-8")
    checker = SchemaChecker(path)
    assert checker.fast is not None
    try:
        checker.fast(data)
    except fastjsonschema.JsonSchemaException:
        accepted = False
    else:
        accepted = True
    assert accepted == checker.validator.is_valid(data)
