import shlex
from collections.abc import Iterator

from ..document import CoeDocument
from ..findings import Hit, json_pointer
from ..ids import format_id, ids_of_file, parse_id
from ..rule import Context, CorpusRule


def duplicate_ids(docs: list[CoeDocument], context: Context) -> Iterator[tuple[CoeDocument, Hit]]:
    """
    Links, relations, action-item ids (`COE-ID/AI-N`) and the site's URLs all depend on
    ids being unique. Two files with the same id usually mean two pull requests that took
    the same id at the same time, or a copied COE whose id was not changed. Ids are
    compared without regard to case, so `coe-2026-001` clashes with `COE-2026-001`. The
    second and later files are reported, naming the first and the `coe renumber` command
    that gives the reported file the next free id of its year.
    """
    first: dict[str, CoeDocument] = {}
    # The highest number of each year, from ids and file names, for the suggested ids.
    highest: dict[int, int] = {}
    for doc in docs:
        keys = ids_of_file(doc.path.name, "")
        if doc.id is not None and (own := parse_id(doc.id)) is not None:
            keys.add(own)
        for year, number in keys:
            highest[year] = max(highest.get(year, 0), number)
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
        parsed = parse_id(coe_id)
        if parsed is None:
            fix = "give this COE the next free id"
        else:
            highest[parsed[0]] += 1
            new_id = format_id(parsed[0], highest[parsed[0]])
            command = f"coe renumber {coe_id} {new_id} --file {shlex.quote(doc.display)}"
            fix = f"give this COE the next free id: {command}"
        yield (
            doc,
            Hit(
                f"id {coe_id} clashes with {same} in {original.display}:"
                f"{original.position('id')[0]}: {fix}",
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
