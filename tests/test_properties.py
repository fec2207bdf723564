"""Property tests: whatever the bytes of a COE, the core reports located findings and
never raises.

Three kinds of input: arbitrary text and bytes, YAML-ish documents built from keys,
tricky scalars, nesting, anchors, tags and quotes, and mutations of the valid COE (lines
deleted, duplicated or swapped, characters inserted). Each is written to a file, read with
``load_document`` and checked with ``validate`` (every rule, as the CLI runs them).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coe.core.config import Config
from coe.core.document import load_document
from coe.core.pipeline import validate
from tests.helpers import VALID_COE

TODAY = date(2026, 11, 27)
NAME = "COE-2026-101-property.md"
EXAMPLES = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FRONT_MATTER, BODY = VALID_COE[4:].split("\n---\n", 1)


@dataclass(frozen=True)
class Repo:
    root: Path
    config: Config

    @property
    def path(self) -> Path:
        return self.root / "coes" / NAME


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    root = tmp_path_factory.mktemp("properties")
    (root / "coes").mkdir()
    return Repo(root, Config.from_options({}, root))


def file_lines(data: bytes) -> int:
    """Lines as the tool counts them: CR LF, LF and a lone CR each end one."""
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1


def check(repo: Repo, data: bytes) -> None:
    """Reading and checking ``data`` raises nothing, and every finding is in the file."""
    repo.path.write_bytes(data)
    last = file_lines(data)
    doc = load_document(repo.path, f"coes/{NAME}", repo.root, repo.config.max_file_bytes)
    for rule, hit in doc.hits:
        assert 1 <= hit.line <= last and hit.column >= 1, (rule, hit)
    result = validate(repo.config, TODAY, cwd=repo.root)
    assert result.files == 1
    for finding in result.findings:
        assert finding.path == f"coes/{NAME}"
        assert 1 <= finding.line <= last and finding.column >= 1, finding


# --- arbitrary text ----------------------------------------------------------------------

# Text with more line breaks, YAML indicators and fences than uniform characters give.
PIECES = st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(["\n", "\r\n", "\r", "\x85", "\u2028", "\ufeff", "\x00", "\t", "  "]),
    st.sampled_from([*"-.:#[]{}&*!|>'\"%@`", "---", "...", "## ", "- ", "1. "]),
)
TEXT = st.lists(PIECES, max_size=200).map("".join)


@EXAMPLES
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(repo: Repo, data: bytes) -> None:
    check(repo, data)


@EXAMPLES
@given(TEXT, TEXT, st.sampled_from(["---\n", "\ufeff---\n", "---\r\n", "\n---\n", ""]))
def test_arbitrary_text_inside_fences(repo: Repo, head: str, tail: str, opener: str) -> None:
    check(repo, (opener + head + "\n---\n" + tail).encode("utf-8"))


# --- YAML-ish documents ------------------------------------------------------------------

FIELDS = [
    "id",
    "title",
    "status",
    "severity",
    "date",
    "authors",
    "team",
    "services",
    "tags",
    "incident",
    "started",
    "detected",
    "impact",
    "customers_affected",
    "related",
    "coe",
    "relation",
    "url",
    "action_items",
    "due",
    "done",
    "addresses",
]
TRICKY_KEYS = [
    "1",
    "~",
    "null",
    "true",
    "2026-01-01",
    "1.5",
    "''",
    '""',
    "'id'",
    '"id"',
    '"\\0duplicate"',
    "? id",
    "!!str id",
    "!!int 1",
    "&k id",
    "*k",
    "<<",
    "content",
    "handler",
    "template",
    "hide",
    "search",
    "a b",
    "-",
]
TRICKY_SCALARS = [
    "no",
    "NO",
    "on",
    "yes",
    "12:30",
    "0123",
    "1.10",
    "0x1F",
    "1_000",
    ".nan",
    ".inf",
    "-.inf",
    "1e999",
    "1" + "0" * 5000,
    "~",
    "null",
    "",
    "2024-13-45",
    "2026-03-02",
    "2026-03-02T14:00:00Z",
    "2026-03-02T14:00:00",
    "COE-2026-101",
    "COE-2019-999",
    "COE-２０２６-101",
    "AI-1",
    "done",
    "SEV2",
    "!!str 1",
    "!custom x",
    "!!python/object/apply:os.system ['true']",
    "!!binary aGk=",
    "&a x",
    "*a",
    "|",
    "|-",
    ">",
    "'",
    '"',
    "'it''s'",
    '"\\0"',
    '"\\x07"',
    '"\\ud800"',
    '"\\u2028"',
    "[",
    "]",
    "{",
    "}",
    "#",
    ": ",
    "- ",
    "? ",
    "%",
    "@",
    "`",
    "javascript:alert(1)",
    "data:text/html,x",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "a | b",
    "\t",
    "\u2028",
    "\x85",
]
KEYS = st.one_of(
    st.sampled_from(FIELDS),
    st.sampled_from(TRICKY_KEYS),
    st.text(string.ascii_letters + "_-", min_size=1, max_size=8),
)
SCALARS = st.one_of(
    st.sampled_from(TRICKY_SCALARS),
    st.integers().map(str),
    st.floats().map(str),
    st.text(max_size=12),
)
PREFIXES = st.sampled_from(["", "", "", "&a ", "!!seq ", "!!map ", "!x ", "!!str "])

# A node is ("s", text) | ("l", prefix, flow, [node]) | ("m", prefix, flow, [(key, node)]).
Node = tuple[Any, ...]
NODES: st.SearchStrategy[Node] = st.recursive(
    SCALARS.map(lambda text: ("s", text)),
    lambda children: st.one_of(
        st.tuples(st.just("l"), PREFIXES, st.booleans(), st.lists(children, max_size=4)),
        st.tuples(
            st.just("m"),
            PREFIXES,
            st.booleans(),
            st.lists(st.tuples(KEYS, children), max_size=4),
        ),
    ),
    max_leaves=24,
)


def inline(node: Node) -> str:
    if node[0] == "s":
        return str(node[1])
    kind, prefix, _, items = node
    if kind == "l":
        return f"{prefix}[{', '.join(inline(item) for item in items)}]"
    return f"{prefix}{{{', '.join(f'{key}: {inline(value)}' for key, value in items)}}}"


def block(node: Node, indent: int) -> list[str]:
    """``node`` as YAML lines at ``indent``; scalars and flow nodes stay on one line."""
    pad = " " * indent
    if node[0] == "s" or node[2] or not node[3]:
        return [pad + inline(node)]
    kind, prefix, _, items = node
    lines = [pad + prefix.strip()] if prefix else []
    for item in items:
        key, value = (None, item) if kind == "l" else item
        lead = f"{pad}- " if kind == "l" else f"{pad}{key}:"
        if value[0] == "s" or value[2] or not value[3]:
            lines.append(f"{lead} {inline(value)}")
        else:
            lines.append(lead)
            lines.extend(block(value, indent + 2))
    return lines


@EXAMPLES
@given(NODES, st.booleans())
def test_yamlish_front_matter(repo: Repo, node: Node, with_body: bool) -> None:
    yaml_text = "\n".join(block(node, 0))
    check(repo, ("---\n" + yaml_text + "\n---\n" + (BODY if with_body else "")).encode())


@EXAMPLES
@given(st.lists(st.tuples(KEYS, NODES), min_size=1, max_size=4), st.data())
def test_yamlish_fields_in_the_valid_coe(repo: Repo, fields: list[Node], data: Any) -> None:
    lines = FRONT_MATTER.split("\n")
    for key, value in fields:
        at = data.draw(st.integers(0, len(lines)))
        lines[at:at] = block(("m", "", False, [(key, value)]), 0)
    check(repo, ("---\n" + "\n".join(lines) + "\n---\n" + BODY).encode())


FIELD_LINE = re.compile(r"^(\s*(?:- )?)([a-z_]+):")
FIELD_LINES = [i for i, line in enumerate(FRONT_MATTER.split("\n")) if FIELD_LINE.match(line)]


def with_field(at: int, value: Node) -> bytes:
    """The valid COE with the field on front-matter line ``at`` (and everything nested
    under it) replaced by ``value``."""
    lines = FRONT_MATTER.split("\n")
    match = FIELD_LINE.match(lines[at])
    assert match is not None
    lead, key = match.groups()
    end = at + 1  # the field's own block: the lines indented deeper than its key
    while end < len(lines) and len(lines[end]) - len(lines[end].lstrip()) > len(lead):
        end += 1
    if value[0] == "s" or value[2] or not value[3]:
        lines[at:end] = [f"{lead}{key}: {inline(value)}"]
    else:
        lines[at:end] = [f"{lead}{key}:", *block(value, len(lead) + 2)]
    return ("---\n" + "\n".join(lines) + "\n---\n" + BODY).encode()


@EXAMPLES
@given(st.sampled_from(FIELD_LINES), NODES)
def test_any_field_of_the_valid_coe_with_any_value(repo: Repo, at: int, value: Node) -> None:
    """Every field, at every level, holding a value of any type or shape."""
    check(repo, with_field(at, value))


# One value of each type and shape the reader produces, and two that are near misses.
WRONG_TYPES: list[Node] = [
    ("s", "~"),
    ("s", "true"),
    ("s", "7"),
    ("s", "1.5"),
    ("s", "text"),
    ("s", "''"),
    ("l", "", True, []),
    ("l", "", False, [("s", "7"), ("l", "", True, [("s", "x")])]),
    ("m", "", True, []),
    ("m", "", False, [("title", ("s", "7")), ("id", ("m", "", True, []))]),
]


@pytest.mark.parametrize("value", WRONG_TYPES, ids=lambda value: inline(value))
def test_every_field_of_the_valid_coe_with_every_type(repo: Repo, value: Node) -> None:
    """The same, exhaustively for a few values: rules that run once the front-matter is a
    mapping must not assume a field's type before the schema has passed it."""
    lines = FRONT_MATTER.split("\n")
    for at in FIELD_LINES:
        try:
            check(repo, with_field(at, value))
        except Exception as exc:
            where = f"line {at + 2} `{lines[at].strip()}` set to `{inline(value)}`"
            raise AssertionError(f"{where}: {type(exc).__name__}: {exc}") from exc


# --- mutations of the valid COE ----------------------------------------------------------

INSERTS = st.one_of(
    st.text(min_size=1, max_size=4),
    st.sampled_from(
        [
            "---",
            "...",
            "\n---\n",
            "\n",
            "\r",
            "\t",
            "  ",
            "- ",
            ": ",
            "#",
            "&a ",
            "*a",
            "!x ",
            "'",
            '"',
            "[",
            "{",
            "|",
            "\x00",
            "\ufeff",
            "\u2028",
            "## Timeline\n",
            "1. ",
        ]
    ),
)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    lines = VALID_COE.split("\n")
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(INSERTS) + lines[i][at:]
    return "\n".join(lines).encode("utf-8")


@EXAMPLES
@given(mutated())
def test_mutations_of_the_valid_coe(repo: Repo, data: bytes) -> None:
    check(repo, data)


def test_the_valid_coe_itself_has_no_finding(repo: Repo) -> None:
    repo.path.write_text(VALID_COE, encoding="utf-8")
    assert validate(repo.config, TODAY, cwd=repo.root).findings == []
