"""The blame rules skip their patterns on bodies that cannot match: prove the cheap test
never skips a body the pattern would flag."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from coe.core.config import DEFAULT_BLAME_PHRASES
from coe.core.rules import blame_person
from coe.core.rules.blame_words import _may_match, _pattern

PIECES = st.sampled_from(
    [
        *DEFAULT_BLAME_PHRASES,
        "Careless",
        "SHOULD HAVE\nKNOWN",
        "the fault\tof",
        "default",
        "blameless",
        "blame-free",
        "no-blame",
        "_lazy",
        "lazy_",
        "ſloppy",
        " ",
        "\n",
        "-",
        ".",
        "é",
        "deploy",
    ]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(PIECES, max_size=8).map("".join))
def test_the_cheap_test_passes_every_text_the_pattern_flags(text: str) -> None:
    pattern = _pattern(DEFAULT_BLAME_PHRASES)
    assert pattern is not None
    if pattern.search(text):
        assert _may_match(text, DEFAULT_BLAME_PHRASES)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.lists(PIECES, max_size=5).map("".join), max_size=4))
def test_the_cheap_test_of_joined_texts_passes_when_one_of_them_is_flagged(
    texts: list[str],
) -> None:
    pattern = _pattern(DEFAULT_BLAME_PHRASES)
    assert pattern is not None
    if any(pattern.search(text) for text in texts):
        assert _may_match("\n".join(texts), DEFAULT_BLAME_PHRASES)


def test_the_cheap_test_skips_words_that_only_contain_a_phrase() -> None:
    assert not _may_match(
        "The pw-queue defaults are blameless and blame-free.", DEFAULT_BLAME_PHRASES
    )
    assert _may_match("It was the FAULT of the release.", DEFAULT_BLAME_PHRASES)


AUTHORS = ["Dana Whitfield", "Erin", "Al B", "Dan", "de la Cruz"]
PERSON_PIECES = st.sampled_from(
    [
        "@dana",
        "@",
        "x@dana",
        "@dana.",
        "@d-a.n_a",
        ".@erin",
        "Dana",
        "Whitfield",
        "Dana Whitfield",
        "DanaWhitfield",
        "Erin",
        "Erin's",
        "Al B",
        "Dan",
        "Cruz",
        "de la Cruz",
        "_Dana",
        " ",
        "\n",
        "'s deploy",
        "the job",
        "forgot",
        "caused",
        "CAUSED",
        "failed to",
        "made a typo",
        "didn't check",
        "should have",
        "brokenly",
        ",",
        "é",
    ]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(PERSON_PIECES, max_size=10).map("".join))
def test_trying_the_subject_pattern_at_its_starts_finds_what_finditer_finds(text: str) -> None:
    names = blame_person._names(AUTHORS)
    pattern = blame_person._pattern(names)
    expected = [(m.span(), m.group("who", "what")) for m in pattern.finditer(text)]
    tried = blame_person._matches(pattern, text, blame_person._starters(names))
    assert [(m.span(), m.group("who", "what")) for m in tried] == expected
