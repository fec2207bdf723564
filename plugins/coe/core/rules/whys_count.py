from collections.abc import Iterator

from ..body import Body
from ..document import CoeDocument
from ..findings import Hit
from ..format import plural
from ..rule import BodyRule, Context


def too_few_whys(doc: CoeDocument, body: Body, context: Context) -> Iterator[Hit]:
    """
    The first answers to "why?" describe the symptom and the trigger; the causes that
    can be removed for good (a missing check, an unsafe default, a process with no
    step for this) usually sit three or more levels further down. Five is a floor,
    not a target: keep asking until the answer is a mechanism you can change. The
    floor is the `min_whys` option.
    """
    section = body.section("five whys")
    if section is None:
        return
    count, floor = len(body.whys), context.config.min_whys
    if count < floor:
        found = f"only {plural(count, 'why')}" if count else "no numbered list of whys"
        yield Hit(
            f"`## Five whys` has {found}: keep asking why until you reach a missing "
            f"mechanism (at least {floor})",
            section.line,
        )


RULE = BodyRule(
    id="whys-count",
    summary="The five whys go at least five levels deep (the `min_whys` option).",
    check=too_few_whys,
    level="warning",
    category="practice",
    bad_example="1. Why did requests fail? The pool was too small.\n"
    "2. Why was it too small? The change set the wrong size.",
    good_example="1. Why did requests fail? The pool was too small.\n"
    "2. Why was it too small? The change set the size in the wrong unit.\n"
    "3. Why was the wrong unit accepted? The config schema has no bounds.\n"
    "4. Why was it not seen before production? Staging traffic is tiny.\n"
    "5. Why does staging not show it? No load test runs on config changes.",
)
