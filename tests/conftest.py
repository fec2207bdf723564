"""Test-suite configuration shared by every test module."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any

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


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for all the browser tests a worker runs: Playwright's sync
    API allows one instance at a time in a thread."""
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM_ARGS, NO_BROWSER, chromium_path

    path = chromium_path()
    if path is None:  # only reached under CI: the browser modules skip themselves otherwise
        pytest.fail(f"{NO_BROWSER}; CI is set, so the browser tests must run")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
