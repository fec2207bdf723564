"""The rule registry: every check the project makes has one entry here, with a stable id,
a default level and a rationale (the rule's docstring), from which the docs are generated.

Three kinds of rule:

* ``load`` rules are reported while a file is read and parsed (encoding, front-matter,
  YAML); they have no check function of their own.
* ``file`` rules look at one COE at a time.
* ``corpus`` rules see every COE at once (duplicate ids, relations) and must stay linear.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from .findings import Hit, Level

if TYPE_CHECKING:
    from .context import Context
    from .document import CoeDocument

Kind = Literal["load", "file", "corpus"]
# What a file rule needs before it can run: the front-matter as a mapping, a front-matter
# that passed the schema (so fields have the right types), or the parsed body.
Needs = Literal["front-matter", "valid-front-matter", "body"]
Category = Literal["format", "practice"]

FileCheck = Callable[["CoeDocument", "Context"], Iterable[Hit]]
CorpusCheck = Callable[[list["CoeDocument"], "Context"], Iterable[tuple["CoeDocument", Hit]]]
F = TypeVar("F", bound=Callable[..., object])


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    kind: Kind
    summary: str
    rationale: str
    category: Category = "format"
    needs: Needs = "valid-front-matter"
    check: FileCheck | CorpusCheck | None = None
    bad_example: str = ""
    good_example: str = ""


_RULES: dict[str, Rule] = {}


def _register(rule: Rule) -> None:
    if rule.id in _RULES:
        raise RuntimeError(f"rule {rule.id!r} is registered twice")
    _RULES[rule.id] = rule


def load_rule(id: str, summary: str, rationale: str, level: Level = "error") -> None:
    """Register a rule that the loader reports (it has no check function)."""
    _register(Rule(id, level, "load", summary, inspect.cleandoc(rationale)))


def _checked_rule(
    kind: Kind,
    id: str,
    summary: str,
    level: Level,
    needs: Needs,
    category: Category,
    bad: str,
    good: str,
) -> Callable[[F], F]:
    """A decorator registering its function as a rule; the docstring is the rationale."""

    def register(check: F) -> F:
        rationale = inspect.cleandoc(check.__doc__ or "")
        examples = inspect.cleandoc(bad), inspect.cleandoc(good)
        check_fn: Any = check
        _register(Rule(id, level, kind, summary, rationale, category, needs, check_fn, *examples))
        return check

    return register


def file_rule(
    id: str,
    summary: str,
    *,
    level: Level = "error",
    needs: Needs = "valid-front-matter",
    category: Category = "format",
    bad: str = "",
    good: str = "",
) -> Callable[[F], F]:
    """Register the decorated function as a per-COE rule."""
    return _checked_rule("file", id, summary, level, needs, category, bad, good)


def corpus_rule(
    id: str,
    summary: str,
    *,
    level: Level = "error",
    category: Category = "format",
    bad: str = "",
    good: str = "",
) -> Callable[[F], F]:
    """Register the decorated function as a rule over all COEs at once (keep it linear)."""
    return _checked_rule("corpus", id, summary, level, "front-matter", category, bad, good)


def all_rules() -> list[Rule]:
    """Every registered rule, in registration order (loading, then format, then practice)."""
    from . import rules  # noqa: F401  (importing the package registers its rules)

    return list(_RULES.values())


def get_rule(rule_id: str) -> Rule:
    all_rules()
    return _RULES[rule_id]
