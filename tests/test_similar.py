"""Similar incidents: quality on a corpus whose right answers are known, exclusions, the
API for a COE being written, the `coe similar` command and the bounds on the work.

The corpus (``tests/fixtures/insights/similar_scenarios.json``) holds twelve failures,
each written twice in different words; the other variant of the same failure is the
known partner of each COE.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

from coe.cli import similar as similar_cli
from coe.core.failure_modes import MODES
from coe.core.index import Index
from coe.core.similar import (
    MODE_INDEX,
    MODERATE,
    STRONG,
    CoeText,
    CountMemo,
    Settings,
    SimilarityModel,
    all_words,
    markdown_escape,
    similar_index,
    similar_to,
    stem,
    strength_of,
    text_of,
    words,
)
from tests.helpers import VALID_COE, run_coe
from tests.insight_helpers import FIXTURES, repo_index

SCENARIOS: list[dict[str, Any]] = json.loads(
    (FIXTURES / "similar_scenarios.json").read_text(encoding="utf-8")
)["scenarios"]


def fill(template: str, slots: dict[str, list[str]], variant: int) -> str:
    return template.format(**{name: choices[variant] for name, choices in slots.items()})


def coe_id(number: int, variant: int) -> str:
    return f"COE-2026-{100 + 2 * number + variant:03d}"


def render(number: int, variant: int, related: str | None = None) -> str:
    """One variant of a scenario as a complete COE; everything outside the scenario's
    own text is the same boilerplate in every COE."""
    scenario = SCENARIOS[number]
    slots = scenario["slots"]

    def text(key: str) -> str:
        return fill(scenario[key], slots, variant)

    def items(values: list[str]) -> str:
        return "".join(f"  - {value}\n" for value in values)

    whys = "".join(
        f"{i}. {fill(why, slots, variant)}\n" for i, why in enumerate(scenario["whys"], start=1)
    )
    relation = f"related:\n  - {related}\n" if related else ""
    return (
        f"---\nid: {coe_id(number, variant)}\ntitle: {json.dumps(text('title'))}\n"
        f"status: published\nseverity: SEV{2 + variant}\ndate: 2026-0{1 + number % 9}-10\n"
        f"authors:\n  - Author {variant}\nteam: team-{variant}\n"
        f"services:\n{items(scenario['services'][variant])}"
        f"tags:\n{items(scenario['tags'][variant])}"
        "incident:\n  started: 2026-01-05T10:00:00Z\n  detected: 2026-01-05T10:20:00Z\n"
        "  mitigated: 2026-01-05T11:00:00Z\n  detection: monitoring\n"
        f"impact:\n  summary: {json.dumps(text('summary'))}\n  customers_affected: 100\n"
        f"  nfrs:\n    - reliability\n{relation}"
        "action_items:\n  - id: AI-1\n    title: Add an alarm for this failure mode\n"
        "    kind: detect\n    priority: P2\n    owner: team-a\n    due: 2026-02-01\n"
        "    status: open\n---\n\n"
        f"## Incident summary\n\n{text('text')}\n\n"
        "## Impact\n\nCustomers contacted support during the incident and the status page "
        "was updated every 30 minutes. The on-call engineer was paged by the alarm.\n\n"
        "## Timeline\n\n- 2026-01-05 10:00 UTC - The failure starts.\n\n"
        "## Metrics\n\nSee the dashboard.\n\n"
        "## Incident questions\n\n### Detection\n\nThe alarm paged.\n\n### Diagnosis\n\n"
        "Logs showed the cause.\n\n### Mitigation\n\nWe rolled back.\n\n### Prevention\n\n"
        "The action items prevent it.\n\n"
        f"## Five whys\n\nThe service failed for customers.\n\n{whys}\n"
        "## Action items\n\n## Related items\n"
    )


def corpus(related: dict[tuple[int, int], str] | None = None) -> dict[str, str]:
    return {
        f"{coe_id(n, v)}.md": render(n, v, (related or {}).get((n, v)))
        for n in range(len(SCENARIOS))
        for v in (0, 1)
    }


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    built = repo_index(tmp_path_factory.mktemp("similar"), corpus())
    assert len(built.entries) == 2 * len(SCENARIOS)  # every fixture COE passes the schema
    return built


def partner(coe: str) -> str:
    number = int(coe[-3:]) - 100
    return f"COE-2026-{100 + (number ^ 1):03d}"


# -- quality -----------------------------------------------------------------------------------


def test_known_partner_is_in_the_top_three(index: Index) -> None:
    found = similar_index(index.entries)
    misses = {
        coe: [s.coe for s in suggestions]
        for coe, suggestions in found.items()
        if partner(coe) not in [s.coe for s in suggestions[:3]]
    }
    hit_rate = 1 - len(misses) / len(found)
    assert len(found) >= 20
    assert hit_rate >= 0.9, f"partner outside the top 3 for {misses}"


def test_known_partner_found_by_wording_alone(tmp_path: Path) -> None:
    """With one service for every COE and no tags, only the text can tell."""
    same = {
        name: re.sub(r"services:\n(  - .*\n)+tags:\n(  - .*\n)+", "services:\n  - platform\n", text)
        for name, text in corpus().items()
    }
    assert all("tags:" not in text for text in same.values())
    found = similar_index(repo_index(tmp_path, same).entries)
    hits = sum(1 for coe, s in found.items() if partner(coe) in [x.coe for x in s[:3]])
    assert hits / len(found) >= 0.9


def test_known_partner_is_usually_first(index: Index) -> None:
    found = similar_index(index.entries)
    first = sum(1 for coe, s in found.items() if s and s[0].coe == partner(coe))
    assert first / len(found) >= 0.8


def test_suggestions_are_sorted_bounded_and_never_the_coe_itself(index: Index) -> None:
    for coe, suggestions in similar_index(index.entries).items():
        assert len(suggestions) <= 5
        assert coe not in [s.coe for s in suggestions]
        scores = [s.score for s in suggestions]
        assert scores == sorted(scores, reverse=True)
        assert all(0 < score <= 1.0001 for score in scores)
        assert len({s.coe for s in suggestions}) == len(suggestions)


def test_reasons_name_shared_services_and_terms(index: Index) -> None:
    found = similar_index(index.entries)
    (pool,) = [s for s in found["COE-2026-102"] if s.coe == "COE-2026-103"]
    assert pool.services == ("label-service",)
    assert "; shared services: label-service; " in pool.reason
    assert "shared terms: " in pool.reason
    terms = pool.reason.split("shared terms: ")[1].split(", ")
    assert list(pool.terms) == terms
    assert 1 <= len(terms) <= 3
    assert "label" not in terms  # already said by the shared service


def test_reasons_name_the_shared_failure_mode(index: Index) -> None:
    """The two retry-storm COEs share few words; the failure mode is what they share."""
    found = similar_index(index.entries)
    for suggestion in found["COE-2026-102"]:
        assert suggestion.reason.startswith(("same failure mode: ", "shared "))
    (pool,) = [s for s in found["COE-2026-102"] if s.coe == "COE-2026-103"]
    assert pool.reason.startswith("same failure mode: ")
    assert pool.modes and pool.reason.startswith("same failure mode: " + ", ".join(pool.modes))


def test_strength_follows_the_score(index: Index) -> None:
    for suggestions in similar_index(index.entries).values():
        for s in suggestions:
            assert s.strength == strength_of(s.score)
    assert strength_of(STRONG) == "strong"
    assert strength_of(MODERATE) == "moderate"
    assert strength_of(MODERATE - 0.01) == "weak"


def test_related_coes_are_excluded_either_way(tmp_path: Path) -> None:
    # Only COE-2026-101 names its partner; neither shows the other.
    index = repo_index(tmp_path, corpus({(0, 1): "COE-2026-100"}))
    found = similar_index(index.entries)
    assert "COE-2026-101" not in [s.coe for s in found["COE-2026-100"]]
    assert "COE-2026-100" not in [s.coe for s in found["COE-2026-101"]]
    assert partner("COE-2026-102") in [s.coe for s in found["COE-2026-102"]]


# -- a COE being written --------------------------------------------------------------------------


def variant_text(number: int, variant: int, coe: str | None = None) -> dict[str, Any]:
    scenario = SCENARIOS[number]
    slots = scenario["slots"]
    return {
        "id": coe,
        "title": fill(scenario["title"], slots, variant),
        "summary": fill(scenario["summary"], slots, variant),
        "text": fill(scenario["text"], slots, variant),
        "whys": [fill(w, slots, variant) for w in scenario["whys"]],
        "services": scenario["services"][variant],
        "tags": scenario["tags"][variant],
    }


def test_similar_to_a_coe_not_yet_in_the_folder(index: Index) -> None:
    others = [e for e in index.entries if e.id != "COE-2026-111"]
    suggestions = similar_to(variant_text(5, 1), others)
    assert suggestions[0].coe == "COE-2026-110"
    assert len(suggestions) <= 5


def test_similar_to_replaces_the_coe_with_its_id(index: Index) -> None:
    suggestions = similar_to(variant_text(5, 1, "COE-2026-111"), index.entries)
    assert "COE-2026-111" not in [s.coe for s in suggestions]
    assert suggestions[0].coe == "COE-2026-110"


def test_similar_to_leaves_out_what_it_names(index: Index) -> None:
    fields = {**variant_text(5, 1), "related": [{"coe": "COE-2026-110", "relation": "see-also"}]}
    assert "COE-2026-110" not in [s.coe for s in similar_to(fields, index.entries, k=3)]


def test_similar_to_accepts_coe_text(index: Index) -> None:
    text = text_of(index.by_id["COE-2026-104"])
    text.id = None
    text.excluded = set()
    found = similar_to(text, index.entries, k=2)
    assert [s.coe for s in found][:1] == ["COE-2026-104"]  # itself, as a new COE would be


# -- the command -----------------------------------------------------------------------------------


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="coe")
    parser.add_argument("--config-file", type=Path)
    commands = parser.add_subparsers(dest="command", required=True)
    similar_cli.register(commands)
    args = parser.parse_args(argv)
    code = args.run(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_for_a_new_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    files = corpus()
    draft = files.pop("COE-2026-107.md")  # the poison-message COE, not yet in the folder
    repo_index(repo, files)
    outside = tmp_path / "draft.md"
    outside.write_text(draft, encoding="utf-8")
    monkeypatch.chdir(repo)
    code, out, err = run_cli(["similar", str(outside)], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "### Possibly related COEs"
    bullets = [line for line in lines if line.startswith("- ")]
    assert 1 <= len(bullets) <= 5
    assert bullets[0].startswith("- **COE-2026-106**: Delivery emails delayed by hours")
    # The strength, the score and the reason, in one parenthesis.
    strength = r" \((strong|moderate|weak), [01]\.[0-9]{2}: "
    assert re.search(strength + ".*shared services: notif", bullets[0])


def test_cli_for_a_file_in_the_folder_with_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    repo_index(repo, corpus())
    monkeypatch.chdir(repo)
    code, out, _ = run_cli(
        ["similar", "coes/COE-2026-107.md", "--top", "2", "--site-url", "https://coes.example/"],
        capsys,
    )
    assert code == 0
    bullets = [line for line in out.splitlines() if line.startswith("- ")]
    assert len(bullets) <= 2
    assert bullets[0].startswith("- [**COE-2026-106**](https://coes.example/coes/COE-2026-106/)")
    assert "COE-2026-107" not in out


def test_cli_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo_index(tmp_path, {})
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(["similar", "nope.md"], capsys)
    assert code == 2 and "no such file" in err
    (tmp_path / "x.md").write_text(VALID_COE, encoding="utf-8")
    code, out, _ = run_cli(["similar", "x.md"], capsys)
    assert code == 0 and "No similar COEs found." in out


def test_markdown_escape() -> None:
    assert markdown_escape("a *b* [c](d) <e> `f` | ~g~\nh") == (
        "a \\*b\\* \\[c\\](d) \\<e\\> \\`f\\` \\| \\~g\\~ h"
    )


# -- words and the bounds on the work ------------------------------------------------------------


def test_words_and_stems() -> None:
    assert words("The DB timed-out 3 times at https://x.example/a?b=1, HTTP 503; 5xx") == [
        "db",
        "timed",
        "5xx",
    ]
    assert stem("timeouts") == stem("timeout")
    assert stem("failed") == stem("failing") == stem("fails") == stem("fail")
    assert stem("queued") == stem("queues") == stem("queue")
    assert stem("retries") == stem("retry")
    assert stem("status") == "status"


def synthetic(count: int, seed: int = 5) -> list[CoeText]:
    rng = random.Random(seed)
    vocabulary = [f"w{n}x" for n in range(400)]
    texts = []
    for number in range(count):
        topic = vocabulary[(number % 40) * 10 : (number % 40) * 10 + 10]
        body = " ".join(rng.choices(topic, k=20) + rng.choices(vocabulary, k=40))
        texts.append(CoeText(f"COE-2026-{number:03d}", title="everyday " + body[:40], text=[body]))
    return texts


def test_work_is_bounded_and_scores_are_symmetric() -> None:
    texts = synthetic(400)
    model = SimilarityModel(texts, terms_per_doc=12, postings_per_term=15)
    assert all(len(vector) <= 12 for vector in model.vectors)
    assert all(len(ids) <= 15 for ids, _ in model.postings.values())
    # A word in every COE is still indexed by at most 15 of them.
    assert all(ids == sorted(ids) for ids, _ in model.postings.values())
    every = [model.suggest(number) for number in range(len(texts))]
    assert model.suggest_all() == every
    scores = {(a, b): s for a in range(0, 400, 37) for b, s in model.scores(a).items()}
    for (a, b), score in scores.items():
        assert model.scores(b)[a] == pytest.approx(score)


def test_failure_mode_vocabulary() -> None:
    labels = [mode.label for mode in MODES]
    assert len(set(labels)) == len(labels) == len({mode.key for mode in MODES})
    assert not any("," in label for label in labels)  # reasons join labels with commas
    found = MODE_INDEX.find(
        [
            stem(w)
            for w in all_words(
                "The rule was pushed to every region at once; the SSL certificate had expired."
            )
        ]
    )
    assert set(found) == {"global-rollout", "config-change", "certificate"}
    # Impact wording is not a cause: "restored" alone is recovery, not lost data.
    assert MODE_INDEX.find([stem(w) for w in all_words("service was restored")]) == {}


def test_a_coe_of_common_words_still_gets_suggestions() -> None:
    """Twenty COEs weigh "failover" more than the last one does; with at most five
    postings a term, the last loses the word from its index, and would get nothing.
    (Other COEs about other things keep "failover" from being an everyday word.)"""
    texts = [
        CoeText(f"COE-2026-{n:03d}", title="failover replica", text=["failover replica lag"])
        for n in range(20)
    ]
    texts += [CoeText(f"COE-2026-{n:03d}", title=f"topic{n} outage") for n in range(100, 140)]
    texts.append(CoeText("COE-2026-900", title="checkout failover", text=["checkout failover"]))
    # Words only, so that the word is all it shares.
    model = SimilarityModel(texts, postings_per_term=5, settings=Settings(modes=0, labels=0))
    last = len(texts) - 1
    assert stem("failover") not in model.vectors[last]
    assert stem("failover") in model.dropped[last]
    # Its own index shares nothing with any other COE...
    assert set(model.scores(last)) <= {last}
    # ...but it is scored again with the words it lost.
    found = model.suggest(last)
    assert len(found) >= 3
    assert all(s.coe != "COE-2026-900" and s.terms == ("failover",) for s in found)
    assert model.suggest_all()[last] == found


@pytest.fixture(scope="module")
def generated_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Many COEs made from a few templates: full of exact ties between scores."""
    from bench.corpus import generate

    return generate(tmp_path_factory.mktemp("similar") / "corpus", 1000)


def test_suggestions_do_not_depend_on_the_run(generated_corpus: Path) -> None:
    """Python orders sets differently from one run to the next (PYTHONHASHSEED); the
    suggestions, their scores and their reasons must not follow it."""
    files = sorted(str(p) for p in generated_corpus.joinpath("coes").rglob("*.md"))
    outputs = set()
    # Seeds among which the order of failure modes once decided a tie (see failure_modes).
    for seed in ("10", "11", "12", "15", "16"):
        result = run_coe(
            "similar",
            "--format",
            "json",
            *files,
            cwd=generated_corpus,
            env={"PYTHONHASHSEED": seed},
        )
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1


def test_a_model_made_with_kept_counts_is_the_model_made_afresh(index: Index) -> None:
    texts = [text_of(entry) for entry in index.entries]
    memo = CountMemo()
    SimilarityModel(texts, memo=memo)
    # One COE retitled, one gone: the others' counts are taken from the memo.
    changed = [dataclasses.replace(texts[0], title="Checkout timeouts after a retitle"), *texts[2:]]
    kept = SimilarityModel(changed, memo=memo)
    fresh = SimilarityModel(changed)
    assert kept.vectors == fresh.vectors and kept.postings == fresh.postings
    assert kept.surface == fresh.surface and kept.linked == fresh.linked
    assert kept.suggest_all() == fresh.suggest_all()
    assert len(memo.bags) == len(changed)
