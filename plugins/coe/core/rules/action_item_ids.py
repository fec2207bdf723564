from collections.abc import Iterator

from ..document import CoeDocument
from ..findings import Hit, json_pointer
from ..rule import Context, FileRule


def bad_action_item_ids(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    An action item is known everywhere as `COE-ID/AI-N`: in tickets, in the open-items
    index and in links to its row. Two items with one id make those references ambiguous.
    """
    seen: dict[str, int] = {}
    for index, item in enumerate(doc.get("action_items") or []):
        item_id = item["id"]
        if item_id in seen:
            line, column = doc.position("action_items", index, "id")
            first = doc.position("action_items", seen[item_id], "id")[0]
            yield Hit(
                f"action item id {item_id} is used twice (first on line {first}): "
                "number the items uniquely",
                line,
                column,
                json_pointer(("action_items", index, "id")),
            )
        else:
            seen[item_id] = index


RULE = FileRule(
    id="action-item-id",
    summary="Action-item ids are unique within their COE.",
    check=bad_action_item_ids,
    bad_example="- id: AI-1\n  ...\n- id: AI-1",
    good_example="- id: AI-1\n  ...\n- id: AI-2",
)
