"""coe.core.yamlreader.read_yaml: strict, safe YAML with file positions for every value."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coe.core import yamlreader
from coe.core.frontmatter import Split, split_front_matter
from coe.core.yamlreader import MAX_DEPTH, YamlDocument, read_yaml
from tests.helpers import VALID_COE, make_repo, run_coe


def value_of(text: str) -> Any:
    doc = read_yaml(text, 2)
    assert doc.hits == [] and doc.readable, doc.hits
    return doc.value


def only_hit(doc: YamlDocument) -> tuple[str, str, int, int]:
    assert len(doc.hits) == 1, doc.hits
    rule, hit = doc.hits[0]
    return rule, hit.message, hit.line, hit.column


@pytest.fixture(scope="module")
def valid() -> YamlDocument:
    split = split_front_matter(VALID_COE)
    assert isinstance(split, Split) and split.yaml_line == 2
    return read_yaml(split.yaml_text, split.yaml_line)


# --- YAML 1.1 surprises do not change meaning --------------------------------------------


@pytest.mark.parametrize("word", ["no", "No", "NO", "yes", "on", "off", "Off", "y", "n"])
def test_yaml_1_1_booleans_stay_text(word: str) -> None:
    assert value_of(f"services: [{word}]\nflag: {word}\n") == {"services": [word], "flag": word}


@pytest.mark.parametrize(("text", "value"), [("true", True), ("false", False), ("True", True)])
def test_true_and_false_are_booleans(text: str, value: bool) -> None:
    assert value_of(f"sla_breached: {text}\n")["sla_breached"] is value


@pytest.mark.parametrize("clock", ["12:30", "1:20:30", "14:05:00"])
def test_clock_times_are_not_sexagesimal_numbers(clock: str) -> None:
    assert value_of(f"at: {clock}\n") == {"at": clock}


@pytest.mark.parametrize("number", ["0123", "0o17", "0x1F", "1_000", "+0123"])
def test_leading_zero_octal_and_hex_forms_stay_text(number: str) -> None:
    assert value_of(f"n: {number}\n") == {"n": number}


def test_decimal_with_trailing_zero_is_a_number_that_remembers_its_source_text() -> None:
    doc = read_yaml("services:\n  - 1.10\n", 5)
    assert doc.value == {"services": [1.1]}
    assert doc.plain_text[("services", 0)] == "1.10"


@pytest.mark.parametrize(("text", "value"), [("1200", 1200), ("-3", -3), ("0", 0), ("1e3", 1000.0)])
def test_plain_numbers_are_numbers(text: str, value: Any) -> None:
    result = value_of(f"n: {text}\n")["n"]
    assert result == value and type(result) is type(value)


@pytest.mark.parametrize("text", ["~", "null", ""])
def test_null_forms_are_none(text: str) -> None:
    assert value_of(f"n: {text}\n") == {"n": None}


@pytest.mark.parametrize("text", [".nan", ".inf", "-.inf"])
def test_nan_and_infinity_stay_text(text: str) -> None:
    assert value_of(f"n: {text}\n") == {"n": text}


def test_unquoted_and_quoted_dates_are_the_same_string() -> None:
    plain = value_of("date: 2026-03-04\n")
    single = value_of("date: '2026-03-04'\n")
    double = value_of('date: "2026-03-04"\n')
    assert plain == single == double == {"date": "2026-03-04"}
    assert isinstance(plain["date"], str)


@pytest.mark.parametrize(
    "text", ["2026-03-02T14:05:00Z", "2026-03-02T16:05:00+02:00", "2026-03-02 14:05:00"]
)
def test_unquoted_date_times_stay_text_exactly_as_written(text: str) -> None:
    assert value_of(f"started: {text}\n") == {"started": text}


@pytest.mark.parametrize("text", ["'0123'", '"1.10"', "!!str 1.10", "! 12"])
def test_quoted_or_str_tagged_scalars_are_text(text: str) -> None:
    value = value_of(f"n: {text}\n")["n"]
    assert isinstance(value, str) and value.strip("'\"") == value


def test_valid_coe_reads_as_the_contract_says(valid: YamlDocument) -> None:
    data = valid.value
    assert valid.hits == []
    assert data["date"] == "2026-03-03"
    assert data["incident"]["started"] == "2026-03-02T14:00:00Z"
    assert data["impact"]["customers_affected"] == 1200
    assert data["impact"]["sla_breached"] is False
    assert data["action_items"][0]["addresses"] == [1, 2, 3]


# --- duplicate keys -----------------------------------------------------------------------

STYLES = {"plain": "team", "single": "'team'", "double": '"team"'}


@pytest.mark.parametrize("second", sorted(STYLES))
@pytest.mark.parametrize("first", sorted(STYLES))
def test_duplicate_key_in_any_quoting_style_names_both_lines(first: str, second: str) -> None:
    text = f"{STYLES[first]}: fulfilment\nid: COE-2026-101\n{STYLES[second]}: platform\n"
    doc = read_yaml(text, 2)
    rule, message, line, column = only_hit(doc)
    assert rule == "yaml-duplicate-key"
    assert (line, column) == (4, 1)
    assert "'team'" in message and "line 2" in message
    assert doc.value["team"] == "fulfilment"  # never last-wins


def test_nested_duplicate_key_names_both_file_lines() -> None:
    text = VALID_COE.split("---\n")[1].replace(
        "    due: 2026-03-14\n", "    due: 2026-03-14\n    due: 2026-04-01\n"
    )
    doc = read_yaml(text, 2)
    rule, message, line, column = only_hit(doc)
    assert rule == "yaml-duplicate-key"
    assert (line, column) == (46, 5)
    assert "'due'" in message and "(first on line 45)" in message
    assert doc.value["action_items"][1]["due"] == "2026-03-14"


def test_duplicate_mapping_key_keeps_reading_the_rest() -> None:
    doc = read_yaml("incident:\n  a: 1\nincident:\n  b: 2\nteam: x\n", 10)
    assert [rule for rule, _ in doc.hits] == ["yaml-duplicate-key"]
    assert doc.value == {"incident": {"a": 1}, "team": "x"}
    assert doc.hits[0][1].line == 12


# --- anchors, aliases and tags ---------------------------------------------------------

BILLION_LAUGHS = "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n" + "".join(
    f"{chr(ord('a') + n)}: &{chr(ord('a') + n)} [{','.join(['*' + chr(ord('a') + n - 1)] * 9)}]\n"
    for n in range(1, 9)
)


def test_alias_bomb_is_refused_at_the_first_anchor_before_any_expansion() -> None:
    started = time.perf_counter()
    doc = read_yaml(BILLION_LAUGHS, 7)
    assert time.perf_counter() - started < 1
    rule, message, line, column = only_hit(doc)
    assert (rule, line, column) == ("yaml-alias", 7, 4)
    assert "&a" in message
    assert doc.value is None and not doc.readable


def test_alias_without_an_anchor_is_refused_where_it_stands() -> None:
    doc = read_yaml("owner: fulfilment\nteam: *owner\n", 3)
    assert only_hit(doc)[:1] == ("yaml-alias",)
    assert only_hit(doc)[2:] == (4, 7)
    assert doc.value is None


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/object:os.system {}",
        '!!python/object/apply:os.system ["echo pwned"]',
        "!!python/name:os.system ''",
        "!custom value",
        "!!int '3'",
        "!!binary aGk=",
        "!!set {x}",
        "!!omap [a: 1]",
        "!!timestamp 2026-03-04",
    ],
)
def test_explicit_tags_are_refused(tagged: str) -> None:
    doc = read_yaml(f"id: COE-2026-101\nteam: {tagged}\n", 2)
    rule, message, line, column = only_hit(doc)
    assert (rule, line, column) == ("yaml-tag", 3, 7)
    assert "tag" in message
    assert doc.value is None and not doc.readable


# --- keys, depth, documents and syntax ---------------------------------------------------


@pytest.mark.parametrize(
    ("key", "shown"), [("1", "1"), ("~", "null"), ("true", "true"), ("1.5", "1.5")]
)
def test_non_text_key_is_refused(key: str, shown: str) -> None:
    doc = read_yaml(f"team: x\n{key}: y\n", 2)
    rule, message, line, column = only_hit(doc)
    assert (rule, line, column) == ("yaml-key", 3, 1)
    assert f"key {shown} " in message


def test_collection_as_key_is_refused() -> None:
    assert only_hit(read_yaml("? [a]\n: b\n", 2))[0] == "yaml-key"


def test_quoted_number_key_is_text() -> None:
    assert value_of("'1': y\n") == {"1": "y"}


def test_nesting_up_to_the_limit_is_read_and_one_more_level_is_refused() -> None:
    deepest = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert read_yaml(deepest + "\n", 2).hits == []
    doc = read_yaml("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n", 2)
    rule, _, line, column = only_hit(doc)
    assert (rule, line, column) == ("yaml-depth", 2, MAX_DEPTH + 1)


def test_deep_nesting_bomb_is_refused_quickly() -> None:
    started = time.perf_counter()
    doc = read_yaml("a: " + "[" * 50_000 + "]" * 50_000 + "\n", 2)
    assert time.perf_counter() - started < 2
    # libyaml stops at its own limit of 1000 flow levels before our depth check sees them.
    assert [rule for rule, _ in doc.hits] in (["yaml-depth"], ["yaml-syntax"])
    assert doc.value is None and not doc.readable


def test_second_document_is_a_front_matter_finding() -> None:
    doc = read_yaml("a: 1\n...\n---\nb: 2\n", 2)
    rule, _, line, _ = only_hit(doc)
    assert (rule, line) == ("front-matter", 4)


def test_syntax_error_is_located_in_file_lines() -> None:
    doc = read_yaml("id: COE-2026-101\ntitle: Label service: returned 503\n", 2)
    rule, message, line, column = only_hit(doc)
    assert (rule, line, column) == ("yaml-syntax", 3, 21)
    assert message.startswith("YAML syntax error")


def test_control_character_is_a_syntax_finding_at_its_position() -> None:
    doc = read_yaml("a: 1\nb: x\x07y\n", 10)
    rule, _, line, column = only_hit(doc)
    assert (rule, line, column) == ("yaml-syntax", 11, 5)


# --- positions ---------------------------------------------------------------------------


def test_nested_keys_are_at_file_lines_with_the_front_matter_offset(valid: YamlDocument) -> None:
    assert valid.keys[("id",)] == (2, 1)
    assert valid.keys[("incident",)] == (14, 1)
    assert valid.keys[("incident", "detected")] == (16, 3)
    assert valid.keys[("impact", "customers_affected")] == (22, 3)
    assert valid.keys[("action_items", 0, "due")] == (35, 5)
    assert valid.keys[("action_items", 1, "owner")] == (44, 5)


def test_values_and_list_items_have_positions(valid: YamlDocument) -> None:
    assert valid.values[("incident",)] == (15, 3)  # a block mapping starts at its first key
    assert valid.values[("services", 0)] == (11, 5)
    assert valid.values[("action_items", 1)] == (40, 5)
    assert valid.values[("action_items", 0, "addresses", 2)] == (39, 23)
    assert valid.values[("incident", "started")] == (15, 12)


def test_position_falls_back_to_the_nearest_enclosing_node(valid: YamlDocument) -> None:
    assert valid.position(("action_items", 1, "done")) == (40, 5)
    assert valid.position(("incident", "nope")) == (14, 1)
    assert valid.position(("services", 0)) == (11, 5)
    assert valid.position(("nope",)) == (2, 1)  # the mapping itself
    assert YamlDocument().position(("nope",)) == (1, 1)


def test_the_same_text_at_another_offset_moves_every_position() -> None:
    text = "incident:\n  started: 2026-03-02T14:00:00Z\n"
    assert read_yaml(text, 2).keys[("incident", "started")] == (3, 3)
    assert read_yaml(text, 40).keys[("incident", "started")] == (41, 3)


# --- tabs YAML 1.2 allows, and what libyaml lets through that YAML 1.2 forbids -----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("team: fulfilment\n\t\nstatus: draft\n", {"team": "fulfilment", "status": "draft"}),
        ("team: fulfilment\n \t \nstatus: draft\n", {"team": "fulfilment", "status": "draft"}),
        ("note: |\n  first\n  \t\n  second\n", {"note": "first\n\t\nsecond\n"}),
        ("note: |\n \t\nteam: x\n", {"note": "\t\n", "team": "x"}),
        ("note: |\n \tindented by a tab\n", {"note": "\tindented by a tab\n"}),
        ("team:\tfulfilment\n", {"team": "fulfilment"}),
        ("services:\n-\tauth-api\n- \tcheckout-api\n", {"services": ["auth-api", "checkout-api"]}),
        ("team:\n \tfulfilment\n", {"team": "fulfilment"}),
    ],
    ids=[
        "tab-line-between-fields",
        "spaces-and-tab-line",
        "tab-line-in-a-literal-block",
        "tab-line-opening-a-literal-block",
        "tab-after-a-block-indentation",
        "tab-after-key",
        "tab-after-dash",
        "tab-after-indentation",
    ],
)
def test_tabs_that_yaml_1_2_allows_are_read(text: str, expected: Any) -> None:
    assert value_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "team:\n\tfulfilment\n",  # a tab as indentation
        "services:\n-\t- auth-api\n",  # a tab before a nested list
        "incident:\n  started: x\n  \tdetected: y\n",  # a tab before a key
        "note: |\n\t\nteam: x\n",  # a tab where the block's indentation is
        "note: |\n  first\n\t\n  second\n",  # the same, after the first line
    ],
)
def test_tabs_that_yaml_1_2_forbids_stay_errors(text: str) -> None:
    doc = read_yaml(text, 2)
    assert not doc.readable
    assert [rule for rule, _ in doc.hits] == ["yaml-syntax"]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('team: "fulfilment"# the owning team\n', 2, "space before its `#`"),
        ("services: [auth-api]# comment\n", 2, "space before its `#`"),
        ("note: ># comment\n  text\n", 2, "space before its `#`"),
        ('id: x\ntitle: "Label printing\nfailed"\n', 4, "indented more than column 1"),
        ("impact:\n  summary: 'For 40\n  minutes'\n", 4, "indented more than column 3"),
        ("services: [auth-api,\ncheckout-api]\n", 3, "indented more than column 1"),
        ("services: [-]\n", 2, "`-` alone"),
        ("tags: {?foo: bar}\n", 2, "`?foo`"),
    ],
    ids=[
        "comment-glued-to-a-quote",
        "comment-glued-to-a-bracket",
        "comment-glued-to-a-block-header",
        "quoted-continuation-at-column-0",
        "quoted-continuation-not-indented-past-its-mapping",
        "flow-list-continued-at-column-0",
        "dash-alone-in-a-flow-list",
        "question-mark-glued-to-a-flow-key",
    ],
)
def test_what_libyaml_accepts_but_yaml_1_2_forbids_is_an_error_at_its_line(
    text: str, line: int, words: str
) -> None:
    doc = read_yaml(text, 2)
    rule, message, found_line, _ = only_hit(doc)
    assert (rule, found_line) == ("yaml-syntax", line)
    assert words in message


@pytest.mark.parametrize(
    "text",
    [
        'title: "Label # 5 failed"\nteam: x # owner\n',
        "title: C# service\n",
        "note: |\n  # not a comment\n",
        'title: "Label printing\n  failed"\n',
        "services: [auth-api,\n  checkout-api]\n",
        "tags: {? foo: bar}\n",
    ],
)
def test_the_yaml_1_2_spelling_of_the_same_values_is_fine(text: str) -> None:
    assert read_yaml(text, 2).hits == []


def test_both_parsers_read_a_coe_alike(valid: YamlDocument) -> None:
    split = split_front_matter(VALID_COE)
    assert isinstance(split, Split)
    pure = read_yaml(split.yaml_text, split.yaml_line, pure_python=True)
    assert (pure.value, pure.keys, pure.values, pure.hits) == (
        valid.value,
        valid.keys,
        valid.values,
        valid.hits,
    )


def test_the_invisible_line_break_hint_survives_a_quoted_value_before_it(
    tmp_path: Path,
) -> None:
    """`coe validate` names the U+2028 that breaks a line, even when a quoted value comes
    first (the hint once read the last quoted value instead of the front-matter)."""
    title = "title: Label service returned HTTP 503 for 40 minutes after a connection-pool change"
    assert title in VALID_COE
    text = VALID_COE.replace(title, 'title: "Label service returned HTTP 503"').replace(
        "team: fulfilment\n", "team: fulfilment\u2028  extra: 1\n"
    )
    repo = make_repo(tmp_path, {"coes/COE-2026-101-x.md": text})
    result = run_coe("validate", cwd=repo)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    line = next(line for line in result.stdout.splitlines() if "[yaml-syntax]" in line)
    assert "invisible U+2028 character" in line
    assert "delete it" in line


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("team: fulfilment\n", "team:\tfulfilment\n\t\n", None),
        ("team: fulfilment\n", 'team: "fulfilment"# owner\n', 9),
    ],
    ids=["tabs-yaml-allows", "comment-glued-to-a-quote"],
)
def test_validate_reads_front_matter_as_yaml_1_2(
    tmp_path: Path, old: str, new: str, expected: int | None
) -> None:
    assert VALID_COE.split("\n")[8] == old.rstrip("\n")  # line 9 of the file
    repo = make_repo(tmp_path, {"coes/COE-2026-101-x.md": VALID_COE.replace(old, new, 1)})
    result = run_coe("validate", cwd=repo)
    assert "Traceback" not in result.stderr
    if expected is None:
        assert result.returncode == 0, result.stdout
    else:
        assert result.returncode == 1
        assert f"COE-2026-101-x.md:{expected}:" in result.stdout
        assert "[yaml-syntax]" in result.stdout and "space before its `#`" in result.stdout


# --- the fast path for plain block scalars reads what the general path reads ---------------

YAML_LINES = st.sampled_from(
    [
        *("id: COE-2026-001", "title: 'It''s down'", 'title: "a\\tb"', "date: 2026-03-02"),
        *("n: 12", "f: 1.50", "z: 0123", "b: true", "o: no", "e: ~", "e:", "big: 1e999"),
        *("authors:", "- Dana", "-  'x'", "- 3", "  - nested", "  k: v", "    deep: 1", "-"),
        *("impact:", "  summary: |", "    text", "  note: >-", "  q: 'two", "  lines'", "  x: y"),
        *("id: again", "1: one", "null: x", "true: t", "'1': quoted", "? complex", ": value"),
        *("tags: [a, b]", "m: {a: 1, b: [c]}", "a: &anchor v", "b: *anchor", "s: !!str 5"),
        *("i: !!int 5", "bad: [", "key: value: more", "\ttab: x", "  ", "", "- - x", "k: 'a'"),
    ]
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(YAML_LINES, max_size=12).map("\n".join), st.booleans())
def test_the_fast_path_reads_as_the_general_path(text: str, pure_python: bool) -> None:
    def read() -> tuple[Any, ...]:
        doc = read_yaml(text, 5, pure_python=pure_python)
        return (doc.value, doc.keys, doc.values, doc.plain_text, doc.hits, doc.readable)

    fast = read()
    # A text with a line break only YAML sees takes the general path for every scalar.
    with patch.object(yamlreader, "_has_yaml_only_breaks", lambda source: True):
        general = read()
    assert repr(fast) == repr(general)
