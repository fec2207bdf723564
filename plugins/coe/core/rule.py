"""What a rule is, and what every rule may consult besides the COE itself.

Four kinds of rule, each a value with a typed check function:

* :class:`LoadRule`: reported while a file is read and parsed (encoding, front-matter,
  YAML); it has no check function of its own.
* :class:`FileRule`: looks at one COE's front-matter (and file name).
* :class:`BodyRule`: looks at one COE's parsed body; it runs whenever the body could be
  read, even when the front-matter could not.
* :class:`CorpusRule`: sees every COE at once (duplicate ids, relations); keep it linear.

The rules themselves live one module each in :mod:`coe.core.rules`, whose ``RULES`` lists
them in the reference page's order. A rule's rationale is its check function's docstring.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar, Literal

from .body import Body
from .config import Config
from .document import CoeDocument
from .errors import ConfigError
from .findings import Hit, Level
from .schema import SchemaChecker
from .suppress import RULE_ID as SUPPRESSION_RULE

Kind = Literal["load", "file", "corpus"]
# What a rule needs before it can run: the front-matter as a mapping, a front-matter that
# passed the schema (so fields have the right types), or the parsed body.
Needs = Literal["front-matter", "valid-front-matter", "body"]
Category = Literal["format", "practice"]


@dataclass(frozen=True, kw_only=True)
class Rule:
    """What the reference page, the reporters and the configuration know of a rule."""

    kind: ClassVar[Kind]
    id: str
    summary: str
    level: Level = "error"
    category: Category = "format"
    rationale: str = ""
    bad_example: str = ""
    good_example: str = ""

    def __post_init__(self) -> None:
        for name in ("rationale", "bad_example", "good_example"):
            object.__setattr__(self, name, inspect.cleandoc(getattr(self, name)))

    @property
    def silenceable(self) -> bool:
        """Whether a ``coe-ignore`` comment may silence it: not the format contract's
        errors, and not the rule that judges the comments themselves."""
        return self.id != SUPPRESSION_RULE and not (
            self.category == "format" and self.level == "error"
        )


def _docstring(check: Callable[..., object]) -> str:
    return inspect.cleandoc(check.__doc__ or "")


@dataclass(frozen=True, kw_only=True)
class LoadRule(Rule):
    """A rule the loader reports while reading a file; ``rationale`` is given as text."""

    kind: ClassVar[Kind] = "load"
    needs: ClassVar[Needs] = "front-matter"


FileCheck = Callable[[CoeDocument, "Context"], Iterable[Hit]]
BodyCheck = Callable[[CoeDocument, Body, "Context"], Iterable[Hit]]
CorpusCheck = Callable[[list[CoeDocument], "Context"], Iterable[tuple[CoeDocument, Hit]]]


@dataclass(frozen=True, kw_only=True)
class FileRule(Rule):
    """A rule over one COE's front-matter; ``rationale`` defaults to the check's docstring."""

    kind: ClassVar[Kind] = "file"
    check: FileCheck
    needs: Literal["front-matter", "valid-front-matter"] = "valid-front-matter"

    def __post_init__(self) -> None:
        object.__setattr__(self, "rationale", self.rationale or _docstring(self.check))
        super().__post_init__()


@dataclass(frozen=True, kw_only=True)
class BodyRule(Rule):
    """A rule over one COE's parsed body; it receives the body it needs."""

    kind: ClassVar[Kind] = "file"
    needs: ClassVar[Needs] = "body"
    check: BodyCheck

    def __post_init__(self) -> None:
        object.__setattr__(self, "rationale", self.rationale or _docstring(self.check))
        super().__post_init__()


@dataclass(frozen=True, kw_only=True)
class CorpusRule(Rule):
    """A rule over every COE at once, yielding each hit with the COE it is about."""

    kind: ClassVar[Kind] = "corpus"
    needs: ClassVar[Needs] = "front-matter"
    check: CorpusCheck

    def __post_init__(self) -> None:
        object.__setattr__(self, "rationale", self.rationale or _docstring(self.check))
        super().__post_init__()


AnyRule = LoadRule | FileRule | BodyRule | CorpusRule


@dataclass(frozen=True)
class Context:
    """What every rule may consult besides the COE: the settings, the schema, today and
    the rules in force. Making one checks that every rule the settings name exists."""

    config: Config
    schema: SchemaChecker
    today: date
    rules: tuple[AnyRule, ...]
    by_id: Mapping[str, AnyRule] = field(init=False, repr=False, compare=False)
    # Each rule id, to whether a `coe-ignore` comment may silence it.
    silenceable: Mapping[str, bool] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id: dict[str, AnyRule] = {}
        for rule in self.rules:
            if rule.id in by_id:
                raise ValueError(f"two rules are called {rule.id!r}")
            by_id[rule.id] = rule
        object.__setattr__(self, "by_id", by_id)
        object.__setattr__(self, "silenceable", {r.id: r.silenceable for r in self.rules})
        check_rule_ids(self.config, by_id)


def check_rule_ids(config: Config, known: Mapping[str, object]) -> None:
    """Refuse settings that name a rule that does not exist, or set the level of
    ``findings-limit`` to anything but ``off`` (its level is that of what it counts)."""
    named = [("rules", config.rules)]
    named += [(f"severity_rules.{key}", levels) for key, levels in config.severity_rules.items()]
    named += [(f"status_rules.{key}", levels) for key, levels in config.status_rules.items()]
    for option, levels in named:
        for rule_id, level in levels.items():
            if rule_id not in known:
                raise ConfigError(
                    f"{option}: no rule is called {rule_id!r} (see the rule reference)"
                )
            if rule_id == "findings-limit" and level != "off":
                raise ConfigError(
                    f"{option}.findings-limit: only `off` can be set (list every finding); "
                    "its level is the worst level of the findings it counts"
                )
