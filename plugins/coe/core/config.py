"""The one configuration of the project, shared by the CLI and the MkDocs plugin.

Its home is the ``coe`` plugin's options in ``mkdocs.yml``; the plugin passes its options
here, and the CLI reads the same block from the same file, so both always agree. The
defaults live here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml

from .errors import ConfigError
from .findings import LEVELS, Level
from .source import DEFAULT_MAX_BYTES

SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4", "SEV5")
STATUSES = ("draft", "in-review", "published")
PLUGIN_NAME = "coe"

DEFAULT_COES_DIR = "coes"
DEFAULT_TIMELINE_GAP_MINUTES = 15
DEFAULT_MIN_WHYS = 5
DEFAULT_SLA_DAYS: dict[str, int] = {"default": 14, "SEV4": 30, "SEV5": 30}
DEFAULT_BLAME_PHRASES: tuple[str, ...] = (
    "fault of",
    "careless",
    "carelessness",
    "negligent",
    "negligence",
    "should have known",
    "blame",
    "blamed",
    "incompetent",
    "sloppy",
    "lazy",
)


@dataclass(frozen=True)
class Config:
    """Resolved settings. Paths are absolute; ``base_dir`` is the folder of ``mkdocs.yml``."""

    base_dir: Path
    coes_dir: Path
    schema_path: Path
    rules: Mapping[str, Level] = field(default_factory=dict)
    severity_rules: Mapping[str, Mapping[str, Level]] = field(default_factory=dict)
    status_rules: Mapping[str, Mapping[str, Level]] = field(default_factory=dict)
    timeline_gap_minutes: int = DEFAULT_TIMELINE_GAP_MINUTES
    min_whys: int = DEFAULT_MIN_WHYS
    sla_days: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_SLA_DAYS))
    blame_phrases: tuple[str, ...] = DEFAULT_BLAME_PHRASES
    max_file_bytes: int = DEFAULT_MAX_BYTES

    @classmethod
    def from_options(cls, options: Mapping[str, Any], base_dir: Path) -> Config:
        """Build from the plugin's options. An option that is absent or ``None`` takes its
        default; any other value is checked and used as given, or refused."""
        unknown = sorted(set(options) - {option.name for option in OPTIONS} - {"enabled"})
        if unknown:
            raise ConfigError(f"unknown option(s) for the coe plugin: {', '.join(unknown)}")
        base_dir = base_dir.resolve()
        values: dict[str, Any] = {}
        for option in OPTIONS:
            given = options.get(option.name)
            if given is None:
                values[option.field] = option.default(base_dir)
            else:
                values[option.field] = option.parse(given, option.name, base_dir)
        return cls(base_dir=base_dir, **values)

    def sla_for(self, severity: str) -> int:
        return self.sla_days.get(severity, self.sla_days["default"])

    def level_for(self, rule_id: str, default: Level, severity: Any, status: Any) -> Level:
        """A rule's level for one COE: by status, else by severity, else global, else default."""
        if isinstance(status, str) and rule_id in self.status_rules.get(status, {}):
            return self.status_rules[status][rule_id]
        if isinstance(severity, str) and rule_id in self.severity_rules.get(severity, {}):
            return self.severity_rules[severity][rule_id]
        return self.rules.get(rule_id, default)


@dataclass(frozen=True)
class Option:
    """One option of the ``coe`` plugin: the single declaration from which the plugin's
    MkDocs config, the CLI and :meth:`Config.from_options` all work."""

    name: str  # as written in mkdocs.yml
    field: str  # the Config field it sets
    kind: type  # what mkdocs.yml must hold, checked first by MkDocs
    default: Callable[[Path], Any]  # the value when absent, from the folder of mkdocs.yml
    parse: Callable[[Any, str, Path], Any]  # check a given value; raise ConfigError
    help: str


def _path(value: Any, name: str, base_dir: Path) -> Path:
    return base_dir / _string(value, name)


def _sla_days(value: Any, name: str, base_dir: Path) -> dict[str, int]:
    sla = dict(DEFAULT_SLA_DAYS)
    for key, days in _mapping(value, name).items():
        if key != "default" and key not in SEVERITIES:
            allowed = ", ".join(SEVERITIES)
            raise ConfigError(f"{name}: {key!r} is not 'default' or {allowed}")
        sla[key] = _whole(days, f"{name}.{key}", 1)
    return sla


OPTIONS: tuple[Option, ...] = (
    Option(
        "coes_dir",
        "coes_dir",
        str,
        lambda base: base / DEFAULT_COES_DIR,
        _path,
        f"Where the COEs live, relative to mkdocs.yml (default: {DEFAULT_COES_DIR}).",
    ),
    Option(
        "schema",
        "schema_path",
        str,
        lambda base: _default_schema(base),
        _path,
        "The JSON Schema file (default: schema/coe.schema.json, else the packaged copy).",
    ),
    Option(
        "rules",
        "rules",
        dict,
        lambda base: {},
        lambda value, name, base: _levels(value, name),
        "Rule levels, {rule-id: error|warning|off}, for every COE.",
    ),
    Option(
        "severity_rules",
        "severity_rules",
        dict,
        lambda base: {},
        lambda value, name, base: _grouped_levels(value, name, SEVERITIES),
        "Rule levels by severity, {SEV5: {rule-id: level}}; they win over `rules`.",
    ),
    Option(
        "status_rules",
        "status_rules",
        dict,
        lambda base: {},
        lambda value, name, base: _grouped_levels(value, name, STATUSES),
        "Rule levels by status, {published: {rule-id: level}}; they win over severity.",
    ),
    Option(
        "timeline_gap_minutes",
        "timeline_gap_minutes",
        int,
        lambda base: DEFAULT_TIMELINE_GAP_MINUTES,
        lambda value, name, base: _whole(value, name, 0),
        "A timeline gap longer than this needs a `Gap:` note "
        f"(default: {DEFAULT_TIMELINE_GAP_MINUTES}; 0: every gap).",
    ),
    Option(
        "min_whys",
        "min_whys",
        int,
        lambda base: DEFAULT_MIN_WHYS,
        lambda value, name, base: _whole(value, name, 0),
        f"The least number of whys (default: {DEFAULT_MIN_WHYS}).",
    ),
    Option(
        "action_item_sla_days",
        "sla_days",
        dict,
        lambda base: dict(DEFAULT_SLA_DAYS),
        _sla_days,
        "Days from the COE's date within which an action item is due, by severity.",
    ),
    Option(
        "blame_phrases",
        "blame_phrases",
        list,
        lambda base: DEFAULT_BLAME_PHRASES,
        lambda value, name, base: tuple(_strings(value, name)),
        "The phrases the blame-words rule flags.",
    ),
    Option(
        "max_file_bytes",
        "max_file_bytes",
        int,
        lambda base: DEFAULT_MAX_BYTES,
        lambda value, name, base: _whole(value, name, 1),
        f"Files larger than this are refused unread (default: {DEFAULT_MAX_BYTES}).",
    ),
)


def _default_schema(base_dir: Path) -> Path:
    """The repository's own ``schema/coe.schema.json``, else the copy the package ships
    (in a wheel it is package data; in a source checkout it is the project's schema)."""
    package = Path(__file__).resolve().parent.parent
    candidates = (
        base_dir / "schema" / "coe.schema.json",
        package / "data" / "coe.schema.json",
        package.parent.parent / "schema" / "coe.schema.json",
    )
    return next((path for path in candidates if path.is_file()), candidates[0])


def _string(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{name}: expected a non-empty string, got {value!r}")
    return value


def _whole(value: Any, name: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ConfigError(f"{name}: expected a whole number of at least {least}, got {value!r}")
    return value


def _mapping(value: Any, name: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{name}: expected a mapping, got {type(value).__name__}")
    return cast(Mapping[str, Any], value)


def _strings(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{name}: expected a list of non-empty strings")
    return list(value)


def _levels(value: Any, name: str) -> dict[str, Level]:
    """Rule levels, checked as values; that each rule exists is checked by the rules'
    ``Context``, since the rules build on this module."""
    levels: dict[str, Level] = {}
    for rule_id, level in _mapping(value, name).items():
        if level is False:  # YAML 1.1 reads a bare `off` as false in mkdocs.yml
            level = "off"
        if level not in LEVELS:
            raise ConfigError(
                f"{name}.{rule_id}: expected one of error, warning, off; got {level!r}"
            )
        levels[rule_id] = cast(Level, level)
    return levels


def _grouped_levels(
    value: Any, name: str, groups: tuple[str, ...]
) -> dict[str, Mapping[str, Level]]:
    grouped: dict[str, Mapping[str, Level]] = {}
    for group, levels in _mapping(value, name).items():
        if group not in groups:
            raise ConfigError(f"{name}: {group!r} is not one of {', '.join(groups)}")
        grouped[group] = _levels(levels, f"{name}.{group}")
    return grouped


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without executing or failing on its tags (``!ENV``, ``!!python/name``)."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_TolerantLoader.add_multi_constructor("!", _ignore_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def find_mkdocs_yml(start: Path) -> Path | None:
    """The nearest ``mkdocs.yml`` (or ``mkdocs.yaml``) in ``start`` or a parent folder."""
    for folder in (start.resolve(), *start.resolve().parents):
        for name in ("mkdocs.yml", "mkdocs.yaml"):
            if (folder / name).is_file():
                return folder / name
    return None


def plugin_options(mkdocs_yml: Path) -> dict[str, Any]:
    """The ``coe`` plugin's options from an ``mkdocs.yml`` (empty when it has none)."""
    try:
        data = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{mkdocs_yml}: cannot be read: {exc}") from exc
    plugins = data.get("plugins") if isinstance(data, dict) else None
    if isinstance(plugins, dict):
        plugins = [{name: opts} for name, opts in plugins.items()]
    for entry in plugins or []:
        if entry == PLUGIN_NAME:
            return {}
        if isinstance(entry, dict) and PLUGIN_NAME in entry:
            options = entry[PLUGIN_NAME]
            if options is None:
                return {}
            if not isinstance(options, dict):
                raise ConfigError(f"{mkdocs_yml}: the coe plugin's options must be a mapping")
            return options
    return {}


def use_directory_urls(mkdocs_yml: Path | None) -> bool:
    """MkDocs' top-level ``use_directory_urls`` (true unless set false), on which the page
    URLs in the exports depend; true when there is no ``mkdocs.yml``."""
    if mkdocs_yml is None:
        return True
    try:
        data = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{mkdocs_yml}: cannot be read: {exc}") from exc
    value = data.get("use_directory_urls") if isinstance(data, dict) else None
    if value is None:  # not set, or set by a tag such as !ENV that is not evaluated here
        return True
    if not isinstance(value, bool):
        raise ConfigError(f"{mkdocs_yml}: use_directory_urls must be true or false, got {value!r}")
    return value


def load_config(config_file: Path | None = None, cwd: Path | None = None) -> Config:
    """The configuration for the CLI: from ``config_file``, else the nearest mkdocs.yml,
    else the defaults relative to the working directory."""
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"{config_file}: no such configuration file")
        return Config.from_options(plugin_options(config_file), config_file.parent)
    found = find_mkdocs_yml(cwd or Path.cwd())
    if found is None:
        return Config.from_options({}, cwd or Path.cwd())
    return Config.from_options(plugin_options(found), found.parent)
