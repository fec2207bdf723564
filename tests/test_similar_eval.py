"""Similar incidents on real relatives: the evaluation set of public incidents
(``tests/eval``) and the project's example COEs, with the relations their authors wrote
hidden from the model.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coe.core.index import Index
from coe.core.similar import DEFAULT_SETTINGS, Settings
from tests.eval import measure
from tests.helpers import run_coe

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "eval"
RECALL_AT_3, MRR = 0.8, 0.7
# The relations of the project's example COEs (coes/), both ways.
EXAMPLE_PAIRS = {
    ("COE-2026-002", "COE-2026-001"),
    ("COE-2026-003", "COE-2025-011"),
    ("COE-2026-004", "COE-2025-014"),
    ("COE-2026-005", "COE-2026-004"),
    ("COE-2026-005", "COE-2025-014"),
    ("COE-2026-005", "COE-2026-006"),
    ("COE-2026-006", "COE-2025-014"),
}


@pytest.fixture(scope="module")
def eval_index() -> Index:
    return measure.load(EVAL)


def test_eval_set_is_valid_and_every_coe_has_a_relative(eval_index: Index) -> None:
    result = run_coe("validate", "--strict", cwd=EVAL)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^(\d+) files checked: 0 errors, 0 warnings$", result.stdout, re.M)
    assert len(eval_index.entries) >= 30
    assert all(measure.relatives(entry) for entry in eval_index.entries)
    for entry in eval_index.entries:  # ids match file names, as the spec asks
        assert entry.doc.path.name.startswith(entry.id + "-")


def test_recall_at_3_and_mrr_meet_the_targets(eval_index: Index) -> None:
    figures = measure.measure(eval_index)
    assert figures.coes == len(eval_index.entries)
    assert figures.recall_at_3 >= RECALL_AT_3, figures
    assert figures.mrr >= MRR, figures
    assert figures.empty == 0  # never an empty answer when a relative exists


def test_the_failure_modes_carry_the_model(eval_index: Index) -> None:
    """Words alone, as the model was before the vocabulary, miss the target."""
    shipped = measure.measure(eval_index)
    words_only = measure.measure(eval_index, Settings(modes=0.0, labels=0.0))
    assert words_only.recall_at_3 < RECALL_AT_3 <= shipped.recall_at_3
    assert words_only.mrr < shipped.mrr
    assert Settings() == DEFAULT_SETTINGS


def test_stronger_suggestions_are_more_often_right(eval_index: Index) -> None:
    bands = measure.calibration(eval_index)
    shares = [share for _, count, share in bands if count]
    assert len(shares) == 3
    assert shares == sorted(shares, reverse=True)
    assert shares[0] >= 0.8  # "strong" is right at least four times in five


def test_measure_prints_both_figures() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.eval.measure"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    recall = re.search(r"^recall@3: (0\.\d{3})", result.stdout, re.M)
    mrr = re.search(r"^MRR: +(0\.\d{3})", result.stdout, re.M)
    assert recall and float(recall.group(1)) >= RECALL_AT_3
    assert mrr and float(mrr.group(1)) >= MRR


# -- the project's example COEs ---------------------------------------------------------------


def without_relations(text: str) -> str:
    """A COE with its relations to other COEs removed (links to documents stay)."""
    text = re.sub(r"  - coe: COE-\d{4}-\d{3}\n    relation: [a-z-]+\n", "", text)
    text = re.sub(r"  - COE-\d{4}-\d{3}\n", "", text)
    return re.sub(r"^related:\n(?=[a-z_]+:)", "", text, flags=re.M)


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("examples")
    shutil.copy(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    shutil.copytree(ROOT / "schema", repo / "schema")
    for path in sorted((ROOT / "coes").rglob("*.md")):
        target = repo / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(without_relations(path.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_coe("validate", cwd=repo)
    assert result.returncode == 0, result.stdout  # still valid without the relations
    assert "relation:" not in "".join(p.read_text() for p in (repo / "coes").rglob("*.md"))
    return repo


def test_examples_name_the_relatives_their_authors_named(examples: Path) -> None:
    files = sorted(str(p.relative_to(examples)) for p in (examples / "coes").rglob("*.md"))
    result = run_coe("similar", *files, "--format", "json", "--top", "3", cwd=examples)
    assert result.returncode == 0, result.stderr
    found = {
        record["coe"]: [s["coe"] for s in record["suggestions"]]
        for record in json.loads(result.stdout)["files"]
    }
    assert len(found) == len(files)
    missing = [(a, b) for pair in EXAMPLE_PAIRS for a, b in (pair, pair[::-1]) if b not in found[a]]
    assert not missing, f"relative outside the first three: {missing}; got {found}"


def test_examples_without_the_ids_in_their_text(examples: Path, tmp_path: Path) -> None:
    """The text names related ids ("see COE-2025-014"); without them, content alone still
    finds every relative among the first three."""
    repo = tmp_path / "repo"
    shutil.copytree(examples, repo)
    for path in (repo / "coes").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?<!id: )COE-\d{4}-\d{3}", "it", text), encoding="utf-8")
    files = sorted(str(p.relative_to(repo)) for p in (repo / "coes").rglob("*.md"))
    result = run_coe("similar", *files, "--format", "json", "--top", "3", cwd=repo)
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)["files"]
    found = {r["coe"]: [s["coe"] for s in r["suggestions"]] for r in records}
    for a, b in EXAMPLE_PAIRS:
        assert b in found[a] and a in found[b], (a, b, found)
    assert not any(s["mentioned"] for r in records for s in r["suggestions"])


def test_json_shape(examples: Path) -> None:
    result = run_coe(
        "similar",
        "coes/2026/COE-2026-004-webhook-backlog-poison-message.md",
        "--format",
        "json",
        "--site-url",
        "https://coes.example/",
        cwd=examples,
    )
    assert result.returncode == 0, result.stderr
    (record,) = json.loads(result.stdout)["files"]
    assert record["path"] == "coes/2026/COE-2026-004-webhook-backlog-poison-message.md"
    assert record["coe"] == "COE-2026-004"
    first = record["suggestions"][0]
    assert set(first) == {
        "coe",
        "title",
        "url",
        "score",
        "strength",
        "reason",
        "failure_modes",
        "services",
        "tags",
        "terms",
        "mentioned",
    }
    assert first["coe"] == "COE-2025-014"
    assert (
        first["url"]
        == "https://coes.example/coes/2025/COE-2025-014-notification-backlog-poison-message/"
    )
    assert first["strength"] == "strong" and 0 < first["score"] <= 1
    assert "poison messages and queue backlogs" in first["failure_modes"]
    assert "notifications" in first["services"] and "pw-queue" in first["tags"]
    assert first["mentioned"] is True  # its title names COE-2025-014
    assert first["reason"].startswith("named in the text; same failure mode: ")


def test_markdown_for_several_files(examples: Path) -> None:
    result = run_coe(
        "similar",
        "coes/2026/COE-2026-001-auth-gateway-rate-limit-config.md",
        "coes/2026/COE-2026-003-label-printing-timeouts.md",
        cwd=examples,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "### Possibly related COEs"
    headings = [line for line in lines if line.startswith("#### ")]
    assert headings == [
        "#### COE-2026-001 (coes/2026/COE-2026-001-auth-gateway-rate-limit-config.md)",
        "#### COE-2026-003 (coes/2026/COE-2026-003-label-printing-timeouts.md)",
    ]
    after = lines[lines.index(headings[1]) + 2]
    assert re.match(r"- \*\*COE-2025-011\*\*: NordPost label purchases .* \(strong, ", after)


def test_missing_file_among_several(examples: Path) -> None:
    result = run_coe(
        "similar", "coes/2026/COE-2026-003-label-printing-timeouts.md", "nope.md", cwd=examples
    )
    assert result.returncode == 2
    assert "no such file: nope.md" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_new_drafts_never_suggest_each_other(examples: Path, tmp_path: Path) -> None:
    """Two COEs of one pull request, not in the folder yet: each is compared with the
    folder, and neither is offered to the other (it has no page to link to yet)."""
    original = next((examples / "coes").rglob("COE-2026-004-*.md")).read_text(encoding="utf-8")
    drafts = []
    for number in (900, 901):
        draft = tmp_path / f"COE-2026-{number}-draft.md"
        draft.write_text(original.replace("id: COE-2026-004", f"id: COE-2026-{number}"))
        drafts.append(str(draft))
    result = run_coe("similar", *drafts, "--format", "json", cwd=examples)
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)["files"]
    assert [r["coe"] for r in records] == ["COE-2026-900", "COE-2026-901"]
    for record in records:
        suggested = [s["coe"] for s in record["suggestions"]]
        assert suggested[0] == "COE-2026-004"  # the same text, already in the folder
        assert not {"COE-2026-900", "COE-2026-901"} & set(suggested)
