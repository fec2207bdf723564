"""The plugin's options: the project's single configuration, as MkDocs sees it.

The options are declared once, in :data:`coe.core.config.OPTIONS`, with their defaults and
checks, which the CLI uses too. Here each becomes an optional MkDocs option of the declared
type; ``None`` (not set) means "the default".
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from ..core.config import OPTIONS


class _CoreOptions(base.Config):  # type: ignore[no-untyped-call]  # mkdocs is untyped here
    """Adds one MkDocs option per core option to each subclass, before MkDocs collects a
    class's options from its attributes."""

    def __init_subclass__(cls) -> None:
        for option in OPTIONS:
            setattr(cls, option.name, c.Optional(c.Type(option.kind)))
        super().__init_subclass__()  # type: ignore[no-untyped-call]


class CoePluginConfig(_CoreOptions):
    enabled = c.Type(bool, default=True)
