"""coe.core.pipeline: a pool of workers gives what one process gives, and checked
documents keep what pages, similarity and the cross-COE rules read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from coe.core.checker import make_context
from coe.core.config import load_config
from coe.core.document import CoeDocument, load_document
from coe.core.pipeline import Checked, load_and_check
from tests.helpers import ROOT, TODAY, make_repo

PRACTICE = ROOT / "tests" / "fixtures" / "practice"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example COEs and every practice fixture: findings of most rules, suppressions."""
    files = {
        f"coes/{path.relative_to(ROOT / 'coes').as_posix()}": path.read_text(encoding="utf-8")
        for path in ROOT.joinpath("coes").rglob("*.md")
    }
    files.update(
        {f"coes/practice/{p.name}": p.read_text(encoding="utf-8") for p in PRACTICE.glob("*.md")}
    )
    return make_repo(tmp_path_factory.mktemp("pipeline"), files)


def check(root: Path, jobs: int, keep_prose: bool) -> Checked:
    context = make_context(load_config(None, root), date.fromisoformat(TODAY))
    return load_and_check(context, cwd=root, jobs=jobs, keep_prose=keep_prose)


@pytest.mark.parametrize("keep_prose", [False, True])
def test_two_workers_give_the_same_documents_and_findings_as_one_process(
    repo: Path, keep_prose: bool
) -> None:
    alone, pooled = check(repo, 1, keep_prose), check(repo, 2, keep_prose)
    assert pooled.findings == alone.findings
    assert pooled.suppressed == alone.suppressed
    assert pooled.corpus.documents == alone.corpus.documents
    assert len(alone.findings) > 40 and alone.suppressed


def test_documents_kept_for_the_site_have_their_prose_and_placed_sections(repo: Path) -> None:
    docs = {doc.display: doc for doc in check(repo, 1, keep_prose=True).corpus.documents}
    doc = docs["coes/2026/COE-2026-003-label-printing-timeouts.md"]
    assert doc.body is not None and doc.split is not None and doc.split.body == ""
    summary, impact = doc.body.section("incident summary"), doc.body.section("impact")
    assert summary is not None and summary.text.strip() and impact is not None
    items = doc.body.section("action items")
    assert items is not None and items.text == "" and items.end_line > items.line
    assert doc.body.section("timeline") is None and doc.body.timeline == []
    assert doc.body.whys and doc.body.whys_problem
    assert doc.text is None and doc.data is not None


def _body_and_validity(doc: CoeDocument) -> tuple[str, bool]:
    """What a page would take from a document: its whole body, seen before trimming."""
    return (doc.split.body if doc.split else "", doc.schema_valid)


@pytest.mark.parametrize("jobs", [1, 2])
def test_prepare_sees_each_whole_document_once_checked(repo: Path, jobs: int) -> None:
    config = load_config(None, repo)
    context = make_context(config, date.fromisoformat(TODAY))
    checked = load_and_check(context, cwd=repo, jobs=jobs, prepare=_body_and_validity)
    assert set(checked.prepared) == {doc.display for doc in checked.corpus.documents}
    for doc in checked.corpus.documents:
        full = load_document(doc.path, doc.display, repo, config.max_file_bytes)
        body = full.split.body if full.split else ""
        assert checked.prepared[doc.display] == (body, doc.schema_valid)
    assert any(body for body, _ in checked.prepared.values())
    assert not check(repo, jobs, keep_prose=True).prepared


def test_front_matter_documents_keep_the_positions_of_id_and_relations_only(repo: Path) -> None:
    docs = {doc.display: doc for doc in check(repo, 1, keep_prose=False).corpus.documents}
    doc = docs["coes/2026/COE-2026-004-webhook-backlog-poison-message.md"]
    assert doc.body is None and doc.split is not None and doc.split.body == ""
    assert doc.yaml is not None
    assert ("id",) in doc.yaml.keys and ("related", 0) in doc.yaml.values
    assert ("title",) not in doc.yaml.keys and ("action_items", 0) not in doc.yaml.values


def test_a_coe_with_coe_ignore_comments_keeps_its_text(repo: Path) -> None:
    documents = check(repo, 1, keep_prose=False).corpus.documents
    ignoring = [doc for doc in documents if doc.text is not None]
    assert ignoring
    assert all("coe-ignore" in doc.text.lower() for doc in ignoring if doc.text)
