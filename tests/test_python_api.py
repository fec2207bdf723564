"""The Python API: `coe.load`, `coe.loads` and `coe.StrictYAMLHandler` read a COE as the
checker does, through python-frontmatter's API, and refuse what the checker refuses with
the line of the problem."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import frontmatter
import pytest

import coe
from coe.core.document import load_document

from .helpers import ROOT, VALID_COE

EXAMPLES = sorted((ROOT / "coes").rglob("*.md"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_load_gives_what_the_checker_reads(path: Path) -> None:
    post = coe.load(path)
    checked = load_document(path, path.name, ROOT, 1 << 20)
    assert post.metadata == checked.data
    assert checked.split is not None and post.content == checked.split.body
    through_library = frontmatter.load(path, handler=coe.StrictYAMLHandler())
    assert through_library.metadata == post.metadata
    assert through_library.content == post.content.strip()


def test_duplicate_key_is_refused_through_python_frontmatter(tmp_path: Path) -> None:
    path = tmp_path / "COE-2026-101.md"
    path.write_text(VALID_COE.replace("status: published\n", "status: published\nstatus: draft\n"))
    # python-frontmatter's own YAML handler keeps the last value without a word.
    assert frontmatter.load(path)["status"] == "draft"
    with pytest.raises(coe.FrontMatterError) as raised:
        frontmatter.load(path, handler=coe.StrictYAMLHandler())
    assert raised.value.rule == "yaml-duplicate-key"
    assert raised.value.line == 5
    assert "line 5" in str(raised.value) and "duplicate key 'status'" in str(raised.value)
    with pytest.raises(coe.FrontMatterError, match="line 5"):
        coe.load(path)


@pytest.mark.parametrize(
    ("text", "rule", "line"),
    [
        ("---\nid: &a x\ntitle: *a\n---\n", "yaml-alias", 2),
        ("---\nid: !!python/name:os.system x\n---\n", "yaml-tag", 2),
        ("---\nid: x\n...\nbody\n", "front-matter", 3),
        ("---\n- a list\n---\n", "front-matter", 1),
        ("id: x\n", "front-matter", 1),
        ("---\nid: x\ntitle: [unclosed\n---\n", "yaml-syntax", 4),
    ],
)
def test_what_the_checker_refuses_is_an_error_naming_the_line(
    text: str, rule: str, line: int
) -> None:
    with pytest.raises(coe.FrontMatterError) as raised:
        coe.loads(text)
    assert (raised.value.rule, raised.value.line) == (rule, line)
    assert f"line {line}," in str(raised.value)


def test_values_are_read_as_yaml_1_2_without_surprises() -> None:
    text = "---\nid: x\ntags: [no, on, 0123, 12:30]\n---\n"
    assert coe.loads(text)["tags"] == ["no", "on", "0123", "12:30"]
    # PyYAML's loader, python-frontmatter's default, reads YAML 1.1 values.
    assert frontmatter.loads(text)["tags"] == [False, True, 83, 750]


def test_a_byte_order_mark_and_crlf_are_read_as_the_checker_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "COE-2026-101.md"
    path.write_bytes(b"\xef\xbb\xbf" + VALID_COE.replace("\n", "\r\n").encode("utf-8"))
    assert coe.load(path)["id"] == "COE-2026-101"
    # python-frontmatter's own handler sees no front-matter after a byte-order mark.
    assert frontmatter.load(path).metadata == {}
    assert frontmatter.load(path, handler=coe.StrictYAMLHandler())["id"] == "COE-2026-101"


def test_a_file_that_is_not_utf8_names_its_rule(tmp_path: Path) -> None:
    path = tmp_path / "COE-2026-101.md"
    path.write_bytes(VALID_COE.replace("Priya", "Pr\xeeya").encode("latin-1"))
    with pytest.raises(coe.FrontMatterError) as raised:
        coe.load(path)
    assert (raised.value.rule, raised.value.line) == ("encoding", 8)


def test_missing_file() -> None:
    with pytest.raises(FileNotFoundError):
        coe.load("no-such-coe.md")


def test_dumps_reads_back() -> None:
    post = coe.loads(VALID_COE)
    text = frontmatter.dumps(post, handler=coe.StrictYAMLHandler())
    assert coe.loads(text).metadata == post.metadata


def test_a_script_reads_a_coe(tmp_path: Path) -> None:
    """The documented use, as a script runs it."""
    path = tmp_path / "COE-2026-101.md"
    path.write_text(VALID_COE, encoding="utf-8")
    script = (
        "import sys, coe\n"
        "post = coe.load(sys.argv[1])\n"
        "print(post['id'], post['severity'], len(post['action_items']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["COE-2026-101", "SEV2", "2"]
