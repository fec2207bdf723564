import re
from collections.abc import Iterator

from ..document import CoeDocument
from ..findings import Hit, json_pointer
from ..rule import Context, FileRule

_SPACES = re.compile(r"\s+")


def title_key(title: str) -> str:
    """How titles are compared: spacing folded, a final period dropped, case ignored."""
    # Every character ``\s`` matches, but the space, is not printable: a printable title
    # without two spaces in a row has nothing to fold, and skips the pattern.
    if not title.isprintable() or "  " in title:
        title = _SPACES.sub(" ", title)
    return title.strip().rstrip(".").casefold()


def duplicate_action_items(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    Two items with one title are either the same commitment counted twice, which
    inflates the list and splits its progress between two owners, or two different
    commitments described too loosely to tell apart. Merge them or make each title say
    what is different.
    """
    seen: dict[str, int] = {}
    for index, item in enumerate(doc.get("action_items") or []):
        title = item.get("title")
        if not isinstance(title, str):
            continue
        key = title_key(title)
        if key not in seen:
            seen[key] = index
            continue
        first = doc.get("action_items", seen[key], "id")
        line, column = doc.position("action_items", index, "title")
        yield Hit(
            f"{item['id']} has the same title as {first}: merge the two items or say what "
            "is different about each",
            line,
            column,
            json_pointer(("action_items", index, "title")),
        )


RULE = FileRule(
    id="action-item-duplicate",
    summary="No two action items of a COE have the same title (ignoring case and spacing).",
    check=duplicate_action_items,
    level="warning",
    category="practice",
    bad_example="- id: AI-1\n  title: Add a pool-size bounds check to CI\n"
    "- id: AI-2\n  title: Add a pool-size bounds check to CI",
    good_example="- id: AI-1\n  title: Add a pool-size bounds check to CI\n"
    "- id: AI-2\n  title: Alarm on pool wait time above 200 ms for 5 minutes",
)
