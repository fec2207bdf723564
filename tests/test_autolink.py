"""coe.site.autolink.link_ids: ids in a page's text become links; ids in links, code,
headings, comments and attributes stay as they are."""

from __future__ import annotations

import pytest

from coe.site.autolink import link_ids

KNOWN = {"COE-2026-001": "../one/", "COE-2026-002": "../two/"}


def linked(content: str) -> str:
    return link_ids(content, KNOWN.get)


def test_an_id_in_text_links_to_its_page() -> None:
    assert linked("<p>See COE-2026-001.</p>") == (
        '<p>See <a class="coe-autolink" href="../one/">COE-2026-001</a>.</p>'
    )


@pytest.mark.parametrize(
    "content",
    [
        '<p><a href="x">COE-2026-001</a></p>',
        "<p><code>COE-2026-001</code></p>",
        "<pre><code>COE-2026-001</code></pre>",
        '<h2 id="x">COE-2026-001</h2>',
        "<p><!-- COE-2026-001 --></p>",
        '<p><span title="COE-2026-001">x</span></p>',
        '<p><a href="../COE-2026-001-x/">x</a></p>',
        "<p>COE-2026-999 is no COE here.</p>",
        "<p>COE-2026-0011 and XCOE-2026-001 are other words.</p>",
        "<p><!-- <code> --> </p><code>COE-2026-001</code>",
    ],
)
def test_an_id_outside_the_text_or_unknown_is_left_alone(content: str) -> None:
    assert linked(content) == content


def test_text_after_a_skipped_element_or_comment_is_linked_again() -> None:
    content = "<p><code>COE-2026-001</code> <!-- a <code> --> COE-2026-002 <br/> COE-2026-001</p>"
    out = linked(content)
    assert out.count("coe-autolink") == 2
    assert "<code>COE-2026-001</code>" in out and 'href="../two/">COE-2026-002</a>' in out


def test_element_names_are_matched_whole_and_without_regard_to_case() -> None:
    assert linked("<abbr>COE-2026-001</abbr>").count("coe-autolink") == 1
    assert linked("<CODE>COE-2026-001</CODE>") == "<CODE>COE-2026-001</CODE>"
