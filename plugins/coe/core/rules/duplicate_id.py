from collections.abc import Iterator

from ..document import CoeDocument
from ..findings import Hit, json_pointer
from ..rule import Context, CorpusRule


def duplicate_ids(docs: list[CoeDocument], context: Context) -> Iterator[tuple[CoeDocument, Hit]]:
    """
    Links, relations, action-item ids (`COE-ID/AI-N`) and the site's URLs all depend on
    ids being unique. Two files with the same id usually mean a copied COE whose id was
    not changed. Ids are compared without regard to case, so `coe-2026-001` clashes with
    `COE-2026-001`. The second and later files are reported, naming the first.
    """
    first: dict[str, CoeDocument] = {}
    for doc in docs:
        coe_id = doc.id
        if coe_id is None:
            continue
        key = coe_id.casefold()
        if key not in first:
            first[key] = doc
            continue
        original = first[key]
        line, column = doc.position("id")
        same = "the same id" if original.id == coe_id else f"the id {original.id}"
        yield (
            doc,
            Hit(
                f"id {coe_id} clashes with {same} in {original.display}:"
                f"{original.position('id')[0]}: give this COE the next free id",
                line,
                column,
                json_pointer(("id",)),
            ),
        )


RULE = CorpusRule(
    id="duplicate-id",
    summary="Each COE id is used by one file only (ids differing only in case count as equal).",
    check=duplicate_ids,
)
