"""coe.core.body.parse_body: sections, timeline entries and whys, at file lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from coe.core.body import Body, heading_key, parse_body, parse_timestamp
from coe.core.frontmatter import Split, split_front_matter
from tests.helpers import VALID_COE


def body_of(text: str) -> tuple[str, int]:
    split = split_front_matter(text)
    assert isinstance(split, Split)
    return split.body, split.body_line


@pytest.fixture(scope="module")
def valid() -> Body:
    return parse_body(*body_of(VALID_COE))


def timeline(*items: str, first_line: int = 1) -> Body:
    return parse_body("## Timeline\n\n" + "\n".join(items) + "\n", first_line)


# --- sections ------------------------------------------------------------------------------


def test_sections_are_found_at_their_file_lines(valid: Body) -> None:
    assert [(s.level, s.key, s.line) for s in valid.sections] == [
        (2, "incident summary", 50),
        (2, "impact", 56),
        (2, "timeline", 60),
        (2, "metrics", 70),
        (2, "incident questions", 79),
        (3, "detection", 81),
        (3, "diagnosis", 85),
        (3, "mitigation", 89),
        (3, "prevention", 93),
        (2, "five whys", 97),
        (2, "action items", 107),
        (2, "related items", 111),
    ]


def test_section_ends_where_the_next_heading_at_its_level_or_above_starts(valid: Body) -> None:
    impact = valid.section("impact")
    assert impact is not None
    assert impact.end_line == 60
    assert impact.text.strip() == (
        "1,200 merchants saw HTTP 503 errors on label printing between 14:00 and 14:40 UTC."
    )
    questions = valid.section("incident questions")
    assert questions is not None and questions.end_line == 97  # spans its ### sections
    detection = valid.section("detection", level=3)
    assert detection is not None and detection.end_line == 85


def test_subsections_are_the_third_level_headings_inside(valid: Body) -> None:
    questions = valid.section("incident questions")
    assert questions is not None
    assert [s.title for s in valid.subsections(questions)] == [
        "Detection",
        "Diagnosis",
        "Mitigation",
        "Prevention",
    ]
    timeline_section = valid.section("timeline")
    assert timeline_section is not None and valid.subsections(timeline_section) == []


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("INCIDENT SUMMARY", "incident summary"),
        ("Five  Whys", "five whys"),
        ("**Five whys**", "five whys"),
        ("Action_items", "action items"),
        ("  Related items  ", "related items"),
    ],
)
def test_headings_match_without_regard_to_case_spacing_or_emphasis(heading: str, key: str) -> None:
    assert heading_key(heading) == key
    assert parse_body(f"## {heading}\n", 1).section(key) is not None


def test_first_level_heading_ends_a_section_and_is_not_one() -> None:
    body = parse_body("## Impact\n\ntext\n\n# Appendix\n\nmore\n", 5)
    assert [(s.key, s.line, s.end_line) for s in body.sections] == [("impact", 5, 9)]


def test_setext_heading_is_a_section() -> None:
    body = parse_body("Timeline\n--------\n\n- 2026-03-02 14:00 UTC - a\n", 3)
    assert [(s.key, s.level, s.line) for s in body.sections] == [("timeline", 2, 3)]
    assert [e.line for e in body.timeline] == [6]


def test_heading_inside_a_code_block_is_not_a_section() -> None:
    body = parse_body("## Impact\n\n```\n## Timeline\n```\n", 1)
    assert [s.key for s in body.sections] == ["impact"]


# --- timeline entries -------------------------------------------------------------------

UTC_1405 = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("item", "time", "event"),
    [
        ("2026-03-02 14:05 UTC - Deploy 4812 starts.", UTC_1405, "Deploy 4812 starts."),
        ("**2026-03-02T14:05Z** — The alarm pages.", UTC_1405, "The alarm pages."),
        ("`2026-03-02 14:05+00:00`: Rollback started.", UTC_1405, "Rollback started."),
        ("2026-03-02T14:05:00Z – En dash.", UTC_1405, "En dash."),
        ("2026-03-02 16:05+02:00 - Offset.", UTC_1405, "Offset."),
        ("2026-03-02 09:05:00-05:00 - Negative offset.", UTC_1405, "Negative offset."),
        ("`2026-03-02T14:05:30Z` - Seconds.", UTC_1405 + timedelta(seconds=30), "Seconds."),
        ("**2026-03-02 14:05 UTC**: Bold and colon.", UTC_1405, "Bold and colon."),
    ],
)
def test_timeline_entry_time_is_zone_aware_in_every_accepted_form(
    item: str, time: datetime, event: str
) -> None:
    (entry,) = timeline(f"- {item}").timeline
    assert entry.problem is None
    assert entry.time is not None and entry.time.tzinfo is not None
    assert entry.time == time
    assert entry.text == event


def test_timeline_entry_keeps_its_offset() -> None:
    (entry,) = timeline("- 2026-03-02 16:05+02:00 - Offset.").timeline
    assert entry.time is not None
    assert entry.time.utcoffset() == timedelta(hours=2)
    assert entry.time.tzinfo == timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    "item",
    [
        "Deploy 4812 starts.",
        "14:05 UTC - Deploy 4812 starts.",
        "2026-03-02 14:05 - No zone.",
        "2026-03-02 UTC - No time.",
        "2026-03-02 14:05 utc - Lower-case zone.",
        "2026-03-02 14:05 UTC Deploy without a separator.",
        "On 2026-03-02 14:05 UTC - the timestamp is not first.",
    ],
)
def test_entry_without_a_valid_leading_timestamp_has_a_problem(item: str) -> None:
    (entry,) = timeline(f"- {item}").timeline
    assert entry.time is None
    assert entry.problem is not None and "timestamp" in entry.problem


@pytest.mark.parametrize(
    "item",
    [
        "2026-02-30 14:05 UTC - February 30.",
        "2026-13-02 14:05 UTC - Month 13.",
        "2026-03-02 24:05 UTC - Hour 24.",
        "2026-03-02 14:60 UTC - Minute 60.",
    ],
)
def test_impossible_date_or_time_has_a_problem(item: str) -> None:
    (entry,) = timeline(f"- {item}").timeline
    assert entry.time is None
    assert entry.problem is not None and "impossible" in entry.problem


def test_impossible_zone_offset_has_a_problem() -> None:
    (entry,) = timeline("- 2026-03-02 14:05+25:00 - Offset 25 hours.").timeline
    assert entry.time is None
    assert entry.problem is not None and "+25:00" in entry.problem


@pytest.mark.parametrize(
    "item",
    ["**2026-03-02 14:05 UTC - Unclosed bold.", "`2026-03-02 14:05 UTC - Unclosed backtick."],
)
def test_unbalanced_wrapping_around_the_timestamp_has_a_problem(item: str) -> None:
    time, problem, _ = parse_timestamp(item)
    assert time is None
    assert problem is not None and "unbalanced" in problem


def test_wrongly_closed_wrapping_has_a_problem() -> None:
    for item in ("2026-03-02 14:05 UTC** - Closed only.", "**2026-03-02 14:05 UTC` - Mixed."):
        time, problem, _ = parse_timestamp(item)
        assert time is None and problem is not None


def test_timeline_entries_are_at_their_file_lines(valid: Body) -> None:
    assert [e.line for e in valid.timeline] == [62, 63, 64, 65, 66, 67]
    assert [e.time for e in valid.timeline][:2] == [
        datetime(2026, 3, 2, 14, 0, tzinfo=UTC),
        datetime(2026, 3, 2, 14, 10, tzinfo=UTC),
    ]
    assert all(e.problem is None for e in valid.timeline)


def test_gap_note_attaches_to_the_entry_above(valid: Body) -> None:
    assert [e.gap_note for e in valid.timeline] == [None] * 5 + [
        "the fix waited for the next scheduled deploy window."
    ]


def test_nested_items_are_not_entries_and_only_gap_items_are_notes() -> None:
    body = timeline(
        "- 2026-03-02 14:00 UTC - First.",
        "  - Just a detail, not a gap note.",
        "- 2026-03-02 15:00 UTC - Second.",
        "  - Detail.",
        "  - gap: waiting for the vendor.",
        first_line=20,
    )
    assert [(e.line, e.text, e.gap_note) for e in body.timeline] == [
        (22, "First.", None),
        (24, "Second.", "waiting for the vendor."),
    ]


def test_entries_come_only_from_the_timeline_section() -> None:
    text = (
        "## Impact\n\n- 2026-03-02 13:00 UTC - Not an entry.\n\n"
        "## Timeline\n\nSome prose first.\n\n- 2026-03-02 14:00 UTC - Entry.\n\n"
        "## Metrics\n\n- 2026-03-02 15:00 UTC - Not an entry either.\n"
    )
    body = parse_body(text, 1)
    assert [(e.line, e.text) for e in body.timeline] == [(9, "Entry.")]


def test_timeline_without_a_list_has_no_entries() -> None:
    assert timeline("Nothing happened in order.").timeline == []


# --- five whys ------------------------------------------------------------------------------


def test_whys_are_numbered_by_position_at_their_file_lines(valid: Body) -> None:
    assert [(w.number, w.line) for w in valid.whys] == [
        (1, 101),
        (2, 102),
        (3, 103),
        (4, 104),
        (5, 105),
    ]
    assert valid.whys[0].text.startswith("Why did requests fail?")
    assert valid.whys_problem == "Label printing failed for 40 minutes."


def test_whys_are_numbered_by_position_not_by_the_number_written() -> None:
    body = parse_body("## Five whys\n\nThe problem.\n\n3. First.\n7. Second.\n1. Third.\n", 10)
    assert [(w.number, w.line, w.text) for w in body.whys] == [
        (1, 14, "First."),
        (2, 15, "Second."),
        (3, 16, "Third."),
    ]
    assert body.whys_problem == "The problem."


def test_whys_come_from_the_first_ordered_list_only() -> None:
    body = parse_body(
        "## Five whys\n\n1. One.\n2. Two.\n\nA paragraph.\n\n1. Another list.\n\n"
        "## Action items\n\n1. Not a why.\n",
        1,
    )
    assert [w.text for w in body.whys] == ["One.", "Two."]


def test_more_than_five_whys_are_all_kept() -> None:
    items = "\n".join(f"{n}. Why number {n}?" for n in range(1, 9))
    body = parse_body(f"## Five whys\n\n{items}\n", 1)
    assert [w.number for w in body.whys] == list(range(1, 9))


def test_bullet_list_under_five_whys_gives_no_whys() -> None:
    body = parse_body("## Five whys\n\n- One.\n- Two.\n", 1)
    assert body.whys == []
