from __future__ import annotations

import os
from collections.abc import Generator

import pytest

# With FACEMATCH_REQUIRE_ALL_TESTS set (CI does), a skipped test fails: a test
# that needs PostgreSQL, Redis or Chromium must never vanish silently.
REQUIRE_ALL = os.environ.get("FACEMATCH_REQUIRE_ALL_TESTS", "") not in ("", "0")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator:
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in CI (FACEMATCH_REQUIRE_ALL_TESTS=1): {reason}"
