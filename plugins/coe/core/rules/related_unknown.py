from collections.abc import Iterator

from ..document import CoeDocument
from ..findings import Hit, json_pointer
from ..relations import related_id
from ..rule import Context, CorpusRule


def relations_to_unknown_coes(
    docs: list[CoeDocument], context: Context
) -> Iterator[tuple[CoeDocument, Hit]]:
    """
    A relation to a missing COE is a dead link on the site and a hole in the series of
    related incidents; it usually means a typo in the id or a COE not yet merged.
    Relations are checked against every COE found, whatever its status.
    """
    ids = {doc.id for doc in docs if doc.id}
    for doc in docs:
        if not doc.schema_valid:
            continue
        for index, entry in enumerate(doc.get("related") or []):
            target = related_id(entry)
            if target is not None and target not in ids:
                line, column = doc.position("related", index)
                yield (
                    doc,
                    Hit(
                        f"related COE {target} does not exist in this repository",
                        line,
                        column,
                        json_pointer(("related", index)),
                    ),
                )


RULE = CorpusRule(
    id="related-unknown",
    summary="Every COE id under `related` exists in the repository.",
    check=relations_to_unknown_coes,
    bad_example="related:\n  - COE-2019-999   # no such COE",
    good_example="related:\n  - COE-2025-014",
)
