"""The plugin's options: the project's single configuration.

Every option is optional here; ``None`` means "the default", and the defaults and the
checks of the values live in :class:`coe.core.config.Config`, which the CLI uses too.
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class CoePluginConfig(base.Config):  # type: ignore[no-untyped-call]  # mkdocs is untyped here
    enabled = c.Type(bool, default=True)
    # Where the COEs live, relative to mkdocs.yml (default: coes).
    coes_dir = c.Optional(c.Type(str))
    # The JSON Schema file (default: schema/coe.schema.json, else the packaged copy).
    schema = c.Optional(c.Type(str))
    # Rule levels: {rule-id: error|warning|off}, globally, by severity and by status.
    rules = c.Optional(c.Type(dict))
    severity_rules = c.Optional(c.Type(dict))
    status_rules = c.Optional(c.Type(dict))
    # Thresholds of the practice rules.
    timeline_gap_minutes = c.Optional(c.Type(int))
    min_whys = c.Optional(c.Type(int))
    action_item_sla_days = c.Optional(c.Type(dict))
    blame_phrases = c.Optional(c.ListOfItems(c.Type(str)))
    # Files larger than this are refused unread.
    max_file_bytes = c.Optional(c.Type(int))
