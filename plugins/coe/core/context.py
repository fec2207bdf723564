"""What every rule may consult besides the COE itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from .config import Config

if TYPE_CHECKING:
    from .schema import SchemaChecker


@dataclass(frozen=True)
class Context:
    config: Config
    schema: SchemaChecker
    today: date
