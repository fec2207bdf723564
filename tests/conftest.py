"""Test-suite configuration shared by every test module."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # Slow tests stay in `make test`; `pytest -m "not slow"` leaves them out while iterating.
    config.addinivalue_line(
        "markers", "slow: takes a minute or more (builds environments, runs external tools)"
    )
