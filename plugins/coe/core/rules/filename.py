from collections.abc import Iterator

from ..document import CoeDocument
from ..findings import Hit, json_pointer
from ..rule import Context, FileRule


def filename_without_id(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    Files named after their id sort in order, are easy to find from a link or a ticket,
    and make a renamed or copied COE with a stale id stand out in review.
    """
    coe_id = doc.id
    if coe_id and not doc.path.name.startswith(coe_id):
        line, column = doc.position("id")
        yield Hit(
            f"file name {doc.path.name!r} does not begin with the id {coe_id}: "
            f"rename it to {coe_id}-<slug>.md",
            line,
            column,
            json_pointer(("id",)),
        )


RULE = FileRule(
    id="filename",
    summary="The file name begins with the COE's id.",
    check=filename_without_id,
    level="warning",
    bad_example="coes/2026/checkout-outage.md",
    good_example="coes/2026/COE-2026-007-checkout-outage.md",
)
