import re
from collections.abc import Iterator
from typing import Any

from ..body import Body
from ..document import CoeDocument
from ..findings import Hit, json_pointer
from ..rule import BodyRule, Context
from ..scaffold import MARKER

# A whole front-matter value that is a marker: `TODO`, or `TODO: what to write`.
_VALUE = re.compile(r"\s*TODO(?::\s*(?P<what>.*?))?\s*", re.DOTALL)
_FENCE = re.compile(r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})")


def _values(node: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _values(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _values(value, (*path, index))
    elif isinstance(node, str):
        yield path, node


def _in_code_span(line: str, column: int) -> bool:
    """Whether position ``column`` (0-based) of ``line`` is inside a backtick code span."""
    return line[:column].count("`") % 2 == 1


def placeholders_left(doc: CoeDocument, body: Body, context: Context) -> Iterator[Hit]:
    """
    `coe new` writes `TODO: <what to write>` wherever the author has not supplied a value
    yet. Each marker left is reported with what to write there, so a half-finished COE
    cannot be merged by accident. A front-matter value counts when it is the word `TODO`
    or starts with `TODO:`; in the body, `TODO:` in upper case anywhere on a line counts,
    except in code blocks and code spans.
    """
    # Both loops look for "TODO", so a part without the word (or, in the front-matter, an
    # escape that could spell it) is skipped.
    yaml_text = doc.split.yaml_text if doc.split is not None else ""
    if doc.data is not None and ("TODO" in yaml_text or "\\" in yaml_text):
        for path, value in _values(doc.data, ()):
            match = _VALUE.fullmatch(value)
            if match is None:
                continue
            line, column = doc.position(*path)
            key = next((step for step in reversed(path) if isinstance(step, str)), "")
            what = (match["what"] or "").strip() or f"`{key}`"
            yield Hit(f"fill in {what}", line, column, json_pointer(path))
    markdown, first_line = doc.body_source
    if "TODO" not in markdown:
        return
    fence: str | None = None
    for offset, text in enumerate(markdown.split("\n")):
        opening = _FENCE.match(text)
        if fence is not None:
            if opening and opening["fence"][0] == fence[0] and len(opening["fence"]) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening["fence"]
            continue
        for found in MARKER.finditer(text):
            if not _in_code_span(text, found.start()):
                what = text[found.end() :].strip().removesuffix("-->").strip()
                yield Hit(
                    f"fill in {what or 'this placeholder'}",
                    first_line + offset,
                    found.start() + 1,
                )
                break


RULE = BodyRule(
    id="placeholder",
    summary="No `TODO:` placeholder is left in the front-matter or the body.",
    check=placeholders_left,
    bad_example='severity: "TODO: the severity, SEV1 (worst) to SEV5"',
    good_example="severity: SEV2",
)
