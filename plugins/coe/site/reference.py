"""The rule and schema reference pages, generated from the list of rules and the schema on
every build so they never drift from what the code checks."""

from __future__ import annotations

import json
from typing import Any

from ..core.config import Config
from ..core.rule import AnyRule
from ..core.rules import RULES

RULES_PAGE = "reference/rules.md"
SCHEMA_PAGE = "reference/schema.md"
_KIND = {"load": "each file, while reading it", "file": "each COE", "corpus": "all COEs together"}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _fence(example: str) -> str:
    first = example.lstrip().splitlines()[0] if example.strip() else ""
    language = "markdown" if first.startswith(("#", "- 20", "1.", "<!--")) else "yaml"
    return f"```{language}\n{example}\n```"


def _rule_section(rule: AnyRule, config: Config) -> str:
    configured = config.rules.get(rule.id)
    level = f"`{rule.level}`" + (f" (set to `{configured}` here)" if configured else "")
    parts = [
        f"### `{rule.id}`",
        "",
        f"{rule.summary}",
        "",
        f"**Default level:** {level} · **Checks:** {_KIND[rule.kind]}",
        "",
        rule.rationale,
    ]
    if rule.bad_example:
        parts += ["", "Flagged:", "", _fence(rule.bad_example)]
    if rule.good_example:
        parts += ["", "Accepted:", "", _fence(rule.good_example)]
    return "\n".join(parts)


def rules_page(config: Config) -> str:
    rules = RULES
    lines = [
        "# Rule reference",
        "",
        "Every finding names the rule that made it. Breaking the COE format is an `error` by "
        "default; the practice of a good COE is a `warning`, which `--strict` (or a level of "
        "`error`) turns into a failure. Levels are set in the `coe` plugin's options in "
        "`mkdocs.yml`, which `coe validate` and `mkdocs build` both read:",
        "",
        "```yaml",
        "plugins:",
        "  - coe:",
        "      rules:",
        "        filename: error          # a global level: error, warning or off",
        "      severity_rules:",
        "        SEV5: {filename: off}     # by severity",
        "      status_rules:",
        "        published: {filename: error}   # by status; wins over severity",
        "```",
        "",
        "| Rule | Default level | Checks |",
        "|---|---|---|",
    ]
    lines += [f"| [`{r.id}`](#{r.id}) | {r.level} | {_cell(r.summary)} |" for r in rules]
    for category, title in (("format", "Format rules"), ("practice", "Practice rules")):
        chosen = [r for r in rules if r.category == category]
        if chosen:
            lines += ["", f"## {title}", ""]
            lines += [_rule_section(r, config) + "\n" for r in chosen]
    return "\n".join(lines) + "\n"


class _Schema:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.defs: dict[str, Any] = schema.get("$defs", {})

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            base = self.resolve(self.defs[ref.removeprefix("#/$defs/")])
            return {**base, **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def type_of(self, node: dict[str, Any]) -> str:
        node = self.resolve(node)
        if "enum" in node:
            return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
        kind = node.get("type")
        if kind == "array":
            return "list of " + self.type_of(node.get("items", {}))
        if kind == "string" and "format" in node:
            names = {"date": "date", "date-time": "date-time", "uri": "http(s) URL"}
            return names.get(str(node["format"]), str(node["format"]))
        if isinstance(kind, list):
            return " or ".join(kind)
        if kind is None and ("if" in node or "oneOf" in node or "anyOf" in node):
            return "see description"
        return str(kind or "any")

    def objects(self, node: dict[str, Any], path: str) -> list[tuple[str, dict[str, Any]]]:
        """Every object in the schema with the path readers write it by."""
        node = self.resolve(node)
        found: list[tuple[str, dict[str, Any]]] = []
        if node.get("type") == "object" and "properties" in node:
            found.append((path, node))
            for name, child in node["properties"].items():
                child_path = f"{path}.{name}" if path else name
                found.extend(self.objects(child, child_path))
        elif node.get("type") == "array" and isinstance(node.get("items"), dict):
            found.extend(self.objects(node["items"], f"{path}[]"))
        return found


def schema_page(schema: dict[str, Any]) -> str:
    walker = _Schema(schema)
    lines = [
        "# Schema reference",
        "",
        _cell(schema.get("description", "")),
        "",
        "The front-matter is checked against `schema/coe.schema.json` (JSON Schema 2020-12). "
        "No field outside these tables is allowed, at any level.",
    ]
    for path, node in walker.objects(schema, ""):
        title = f"`{path}`" if path else "Top level"
        required = set(node.get("required", []))
        lines += ["", f"## {title}", ""]
        if path and node.get("description"):
            lines += [_cell(node["description"]), ""]
        lines += ["| Field | Type | Required | Description |", "|---|---|---|---|"]
        for name, child in node["properties"].items():
            resolved = walker.resolve(child)
            description = _cell(
                f"**{resolved.get('title', name)}.** {resolved.get('description', '')}"
            )
            examples = resolved.get("examples")
            if examples and not isinstance(examples[0], dict | list):
                description += " Example: " + ", ".join(
                    f"`{_cell(json.dumps(e) if not isinstance(e, str) else e)}`"
                    for e in examples[:2]
                )
            lines.append(
                f"| `{name}` | {_cell(walker.type_of(child))} | "
                f"{'yes' if name in required else 'no'} | {description} |"
            )
    return "\n".join(lines) + "\n"
