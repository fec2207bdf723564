"""Sections are read exactly as CommonMark reads them: on every example of the CommonMark
spec, in three frames, the headings the checker finds are markdown-it's top-level
headings (same levels, titles and lines), and so are the Timeline and Five whys outlines.

The spec comes from the npm package `commonmark-spec` (see ``tests/reference_data.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coe.core import blocks
from coe.core.body import _scan_headings, parse_body
from tests.helpers import ROOT, VALID_COE, make_repo, validate_json
from tests.helpers import markdown_it_headings as headings
from tests.reference_data import SpecExample, commonmark_examples, load, require

EXAMPLES, MISSING = load(commonmark_examples)

# Each frame puts an example where a COE body would have it.
FRAMES = {
    "alone": "{example}",
    "in-a-section": "## Section\n\n{example}\n\n## Next\n",
    "before-a-heading": "## Section\n\n{example}## Next\n",
}


def sections(text: str) -> list[tuple[int, str, int, int]]:
    """(level, title, line, end line) of each level-2 and level-3 section, as the checker's
    Section would hold them if markdown-it had found them (the body starts on line 1)."""
    found = headings(text)
    total = len(text.split("\n"))
    spans = []
    for position, (start, level, _, title) in enumerate(found):
        end = next((h[0] for h in found[position + 1 :] if h[1] <= level), total)
        if level in (2, 3):
            spans.append((level, title, start + 1, end + 1))
    return spans


def framed(example: SpecExample, frame: str) -> str:
    return FRAMES[frame].format(example=example.markdown)


CASES = [
    pytest.param(example, frame, id=f"example-{example.number}-{frame}")
    for example in EXAMPLES
    for frame in FRAMES
] or [pytest.param(None, "alone", id="commonmark-spec")]


@pytest.mark.parametrize(("example", "frame"), CASES)
def test_sections_are_the_headings_markdown_it_finds(
    example: SpecExample | None, frame: str
) -> None:
    if example is None:
        require(MISSING or "no examples")
        return
    text = framed(example, frame)
    body = parse_body(text, 1)
    found = [(s.level, s.title, s.line, s.end_line) for s in body.sections]
    assert found == sections(text)


@pytest.mark.parametrize(("example", "frame"), CASES)
def test_the_line_scan_agrees_with_markdown_it_wherever_it_answers(
    example: SpecExample | None, frame: str
) -> None:
    if example is None:
        require(MISSING or "no examples")
        return
    text = framed(example, frame)
    scanned = _scan_headings(text.split("\n"))
    if scanned is not None and "\t" not in text:
        assert scanned == headings(text)


@pytest.mark.parametrize(("example", "frame"), CASES)
def test_the_outline_scan_agrees_with_markdown_it(example: SpecExample | None, frame: str) -> None:
    if example is None:
        require(MISSING or "no examples")
        return
    text = framed(example, frame)
    assert blocks.outline(text) == blocks.reference(text)


def test_the_line_scan_answers_for_most_plain_examples() -> None:
    """The fast path is kept: the scan itself reads a good share of the spec's examples
    (the rest hold block quotes, HTML, tabs... and go to markdown-it)."""
    if not EXAMPLES:
        require(MISSING or "no examples")
    answered = [e for e in EXAMPLES if _scan_headings(e.markdown.split("\n")) is not None]
    assert len(answered) > len(EXAMPLES) // 3


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("### ###\n", [(3, "", 1)]),
        ("## Impact ##\n", [(2, "Impact", 1)]),
        ("## C#\n", [(2, "C#", 1)]),
        ("## Timeline #\\#\n", [(2, "Timeline #\\#", 1)]),
    ],
)
def test_closing_hashes_are_cut_as_commonmark_cuts_them(
    body: str, expected: list[tuple[int, str, int]]
) -> None:
    assert [(s.level, s.title, s.line) for s in parse_body(body, 1).sections] == expected


# --- what authors met: a fence in a numbered step --------------------------------------

SUMMARY = "about 18,000 requests failed with HTTP 503. Rolling back the change restored service.\n"


def with_steps(steps: str) -> str:
    """The valid COE with ``steps`` after its Incident summary's paragraph."""
    return VALID_COE.replace(SUMMARY, SUMMARY + "\n" + steps, 1)


@pytest.mark.parametrize(
    "steps",
    [
        # the closing fence indented under the item
        "1. ```sh\n   kubectl rollout undo deploy/x\n   ```\n2. Watch the error rate.\n",
        # never closed: the fence ends with its item
        "1. ```sh\n   kubectl rollout undo deploy/label-service\n",
        # tildes, a bullet item, and a fence on a continuation line
        "- Roll back:\n  ~~~\n  kubectl rollout undo\n  ~~~\n- ~~~\n  kubectl get pods\n  ~~~\n",
    ],
    ids=["closed-under-the-item", "unclosed", "tildes-and-continuation"],
)
def test_a_fence_in_a_list_item_gives_no_false_missing_sections(tmp_path: Path, steps: str) -> None:
    repo = make_repo(tmp_path, {"coes/COE-2026-101-x.md": with_steps(steps)})
    code, report = validate_json(repo)
    assert [f["message"] for f in report["diagnostics"]] == []
    assert code == 0


def test_a_fence_opened_in_an_item_and_closed_at_column_0_swallows_what_follows(
    tmp_path: Path,
) -> None:
    """CommonMark ends the item's fence at the less indented line, which opens a new fence
    that runs to the end: the sections after it are code, and reported missing."""
    steps = "1. ```sh\n   kubectl rollout undo\n```\n"
    repo = make_repo(tmp_path, {"coes/COE-2026-101-x.md": with_steps(steps)})
    code, report = validate_json(repo)
    missing = [f["message"] for f in report["diagnostics"] if f["rule"] == "sections"]
    assert "missing section `## Impact`" in missing
    assert code == 1


def test_the_example_coe_with_a_fenced_step_is_valid() -> None:
    example = next(ROOT.joinpath("coes").rglob("COE-2026-001-*.md"))
    text = example.read_text(encoding="utf-8")
    assert "\n1. ```sh\n" in text and "\n2. ```sh\n" in text  # the steps are still there
    code, report = validate_json(ROOT, str(example.relative_to(ROOT)))
    assert report["diagnostics"] == []
    assert code == 0
