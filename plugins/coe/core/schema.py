"""The JSON Schema check: one finding per real problem, each at its key's line, with a
message written for the author rather than jsonschema's raw wording."""

from __future__ import annotations

import difflib
import itertools
import json
from collections.abc import Callable, Iterator, Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fastjsonschema
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import SchemaError, ValidationError, best_match

from .errors import ConfigError
from .findings import Hit, json_pointer

if TYPE_CHECKING:
    from .document import CoeDocument

_FORMAT_NAMES = {
    "date": "date",
    "date-time": "date-time with seconds and a zone (such as 2026-03-02T14:05:00Z)",
    "uri": "URL",
}
_TYPE_NAMES = {
    "string": "text",
    "integer": "whole number",
    "number": "number",
    "boolean": "true or false",
    "array": "list",
    "object": "mapping",
    "null": "null",
}


def ensure_format_checks() -> None:
    """jsonschema only asserts formats whose checker libraries are installed; fail loudly
    rather than let invalid dates, zone-less times or URLs pass silently."""
    checker = Draft202012Validator.FORMAT_CHECKER
    probes = {
        "date": "2026-13-40",
        "date-time": "2026-03-02T14:05:00",
        "uri": "not a uri",
    }
    missing = [fmt for fmt, bad in probes.items() if checker.conforms(bad, fmt)]
    if missing:
        raise ConfigError(
            f"the JSON Schema format checks for {', '.join(missing)} are not installed: "
            "install rfc3339-validator and rfc3986-validator"
        )


MAX_ERRORS = 1000


def _unique_items(
    validator: Any, unique: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    """``uniqueItems`` in linear time: jsonschema's own check falls back to comparing every
    pair when items cannot be sorted, which a few thousand mixed items turn into a hang."""
    if not unique or not isinstance(instance, list):
        return
    seen: set[str] = set()
    for item in instance:
        key = json.dumps(item, sort_keys=True, default=str)
        if key in seen:
            yield ValidationError(f"{_short(item)} is listed more than once")
            return
        seen.add(key)


_Validator = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator, {"uniqueItems": _unique_items}
)


def _fast_schema(node: Any) -> Any:
    """The schema in a form fastjsonschema reads as 2020-12 means it. fastjsonschema knows
    drafts up to 7, where keywords beside ``$ref`` are ignored; 2020-12 applies them, so
    ``{"$ref": X, ...}`` becomes ``{"allOf": [{"$ref": X}], ...}``."""
    if isinstance(node, list):
        return [_fast_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _fast_schema(value) for key, value in node.items()}
    if "$ref" in converted and len(converted) > 1:
        converted["allOf"] = [{"$ref": converted.pop("$ref")}, *converted.get("allOf", [])]
    return converted


_DEFS = "#/$defs/"
# Keywords that would make an inlined definition mean something else where it lands.
_SCOPED = frozenset({"$id", "$anchor", "$dynamicAnchor", "$dynamicRef", "$recursiveRef"})
_INLINE_GROWTH = 10  # an inlined schema at most this many times larger, else refs stay


def _keys(node: Any) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _keys(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _keys(value)


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every reference to one of its ``$defs`` replaced by the definition
    (2020-12 applies the keywords beside a reference too: they join it in an ``allOf``),
    so that the compiled validator calls no function for each list item. A recursive
    reference stays; a schema whose definitions change scope, or that would grow too
    large, is returned as it is."""
    defs = schema.get("$defs")
    if not isinstance(defs, dict) or any(key in _SCOPED for key in _keys(defs)):
        return schema

    def inline(node: Any, chain: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [inline(item, chain) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        name = ref[len(_DEFS) :] if isinstance(ref, str) and ref.startswith(_DEFS) else ""
        if name not in defs or name in chain or not isinstance(defs[name], dict):
            return {key: inline(value, chain) for key, value in node.items()}
        target = inline(defs[name], chain | {name})
        rest = {key: inline(value, chain) for key, value in node.items() if key != "$ref"}
        return {**rest, "allOf": [target, *rest.get("allOf", [])]} if rest else target

    inlined: dict[str, Any] = inline(schema, frozenset())
    if len(json.dumps(inlined)) > _INLINE_GROWTH * len(json.dumps(schema)):
        return schema
    return inlined


def _format_check(name: str) -> Callable[[Any], bool]:
    """jsonschema's check of a format, called without its error plumbing and remembered:
    the same dates and links recur across COEs."""
    checker = Draft202012Validator.FORMAT_CHECKER
    if name not in checker.checkers:
        return lambda value: bool(checker.conforms(value, name))
    func, raises = checker.checkers[name]

    @lru_cache(maxsize=4096)
    def conforms(value: str) -> bool:  # the compiled validator passes strings only
        try:
            return bool(func(value))
        except raises:
            return False

    return conforms


def _compile_fast(schema: dict[str, Any]) -> Callable[[Any], Any] | None:
    """A compiled validator using jsonschema's own format checks, or ``None`` when this
    schema uses something it cannot compile (then jsonschema does all the work)."""
    fast = _fast_schema(_inline_refs(schema))
    draft7 = {**fast, "$schema": "http://json-schema.org/draft-07/schema#"}
    try:
        return fastjsonschema.compile(
            draft7, formats={name: _format_check(name) for name in ("date", "date-time", "uri")}
        )
    except (fastjsonschema.JsonSchemaDefinitionException, ValueError, TypeError):
        return None


def _small(data: Any, limit: int = 500) -> bool:
    """No list longer than ``limit``: the compiled check of unique items is quadratic."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            if len(node) > limit:
                return False
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
    return True


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 5] + "...'"


class SchemaChecker:
    """A compiled validator for one schema file, built once per run."""

    def __init__(self, path: Path) -> None:
        ensure_format_checks()
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{path}: the schema cannot be read ({exc.strerror})") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{path}: the schema is not valid JSON ({exc})") from exc
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            raise ConfigError(f"{path}: not a valid JSON Schema: {exc.message}") from exc
        self.path = path
        self.schema: dict[str, Any] = schema
        self.validator = _Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        self.fast = _compile_fast(schema)

    def is_valid(self, data: Any) -> bool:
        """Whether ``data`` passes the schema. A compiled validator answers for ordinary
        documents; jsonschema, the reference, has the last word whenever the compiled one
        says no, and answers alone for very large documents."""
        if self.fast is not None and _small(data):
            try:
                self.fast(data)
            except fastjsonschema.JsonSchemaException:
                pass
            else:
                return True
        return bool(self.validator.is_valid(data))

    def problems(
        self, data: Any, plain_text: Mapping[tuple[str | int, ...], str]
    ) -> Iterator[tuple[tuple[str | int, ...], str, bool]]:
        """(path, message, at_key) for each problem; ``at_key`` is false where the
        finding belongs at the mapping (a missing field) rather than at the path itself.
        ``plain_text`` holds the source of unquoted scalars that were not read as text."""
        by_path: dict[tuple[str | int, ...], list[ValidationError]] = {}
        # A hostile file can hold tens of thousands of errors: the first ones are enough.
        for error in itertools.islice(self.validator.iter_errors(data), MAX_ERRORS):
            by_path.setdefault(tuple(error.absolute_path), []).append(error)
        for path, errors in sorted(by_path.items(), key=lambda item: [str(p) for p in item[0]]):
            rest: list[ValidationError] = []
            for error in errors:
                if error.validator == "additionalProperties":
                    yield from self._unknown_keys(path, error)
                elif error.validator == "required":
                    yield from self._missing_keys(path, error)
                else:
                    rest.append(error)
            if rest:
                error = best_match(rest)
                where = tuple(error.absolute_path)
                yield where, _message(error, plain_text.get(where)), True

    def _unknown_keys(
        self, path: tuple[str | int, ...], error: ValidationError
    ) -> Iterator[tuple[tuple[str | int, ...], str, bool]]:
        allowed = (
            sorted(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        )
        instance = error.instance if isinstance(error.instance, dict) else {}
        for key in instance:
            if key in allowed:
                continue
            guess = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (did you mean '{guess[0]}'?)" if guess else f"; allowed: {', '.join(allowed)}"
            yield (*path, key), f"unknown field {_short(key)}{hint}", True

    def _missing_keys(
        self, path: tuple[str | int, ...], error: ValidationError
    ) -> Iterator[tuple[tuple[str | int, ...], str, bool]]:
        instance = error.instance if isinstance(error.instance, dict) else {}
        for key in error.validator_value:  # type: ignore[union-attr]
            if key not in instance:
                yield (*path, key), f"missing required field '{key}'", False


def _message(error: ValidationError, raw: str | None) -> str:
    keyword = error.validator
    value = error.validator_value
    instance = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "format":
        return f"{_short(instance)} is not a {_FORMAT_NAMES.get(str(value), str(value))}"
    if keyword == "type" and raw is not None and value == "string":
        return (
            f"{raw} is read as a {_TYPE_NAMES[_json_type(instance)]}: quote it to keep it as text"
        )
    if keyword == "type":
        expected = value if isinstance(value, list) else [value]
        names = " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in expected)
        return f"{_short(instance)} is not {_article(names)}"
    if keyword == "enum":
        return f"{_short(instance)} is not one of {', '.join(map(str, value))}"  # type: ignore[arg-type]
    if keyword == "pattern":
        examples = schema.get("examples") or []
        hint = f" such as {examples[0]}" if examples else ""
        what = str(schema.get("title") or "value").lower()
        return f"{_short(instance)} is not a valid {what}{hint}"
    if keyword in ("minItems", "minLength") and value == 1:
        return "must not be empty"
    if keyword == "minItems":
        return f"needs at least {value} items"
    if keyword == "maxLength":
        return f"is {len(str(instance))} characters long, over the limit of {value}"
    if keyword == "minLength":
        return f"must be at least {value} characters long"
    if keyword == "minimum":
        return f"{_short(instance)} is less than the minimum of {value}"
    if keyword == "uniqueItems":
        return "lists the same item more than once"
    return str(error.message if len(error.message) < 200 else error.message[:197] + "...")


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "null" if value is None else "string"


def _article(names: str) -> str:
    return ("an " if names[:1] in "aeiou" else "a ") + names


def schema_hits(checker: SchemaChecker, doc: CoeDocument) -> list[Hit]:
    """Findings for one COE's front-matter, each at its key, or for a missing field at the
    mapping that lacks it (line 1, the opening ``---``, for a top-level field)."""
    hits: list[Hit] = []
    plain_text = doc.yaml.plain_text if doc.yaml else {}
    for path, message, at_key in checker.problems(doc.data, plain_text):
        parent = path if at_key else path[:-1]
        if not parent:
            line, column = doc.opener_line, 1
        elif not at_key and doc.yaml is not None and parent in doc.yaml.values:
            line, column = doc.yaml.values[parent]
        else:
            line, column = doc.position(*parent)
        hits.append(Hit(message, line, column, json_pointer(path)))
    return hits


@cache
def load_checker(path: Path, mtime_ns: int) -> SchemaChecker:
    """A checker per schema file version: built once, rebuilt when the file changes."""
    return SchemaChecker(path)


def checker_for(path: Path) -> SchemaChecker:
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise ConfigError(f"{path}: the schema cannot be read ({exc.strerror})") from exc
    return load_checker(path, mtime)
