"""Test-suite configuration shared by every test module."""

from __future__ import annotations

from collections.abc import Generator

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # Slow tests stay in `make test`; `pytest -m "not slow"` leaves them out while iterating.
    config.addinivalue_line(
        "markers", "slow: takes a minute or more (builds environments, runs external tools)"
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # Each phase's report as item.rep_setup, rep_call, rep_teardown, so that fixtures can
    # act on a failure (tests/test_browser.py saves screenshots then).
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
