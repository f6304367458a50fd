from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest
from django.conf import settings

# With FACEMATCH_REQUIRE_ALL_TESTS set (CI does), a skipped test fails: a test
# that needs PostgreSQL, Redis or Chromium must never vanish silently.
REQUIRE_ALL = os.environ.get("FACEMATCH_REQUIRE_ALL_TESTS", "") not in ("", "0")

# `make test` runs the suite twice, on SQLite then on PostgreSQL. The
# PostgreSQL-only tests (two real connections racing) belong to the second
# pass, the Redis worker test (its own processes and database) to the first;
# each is left out of the other pass rather than skipped, so CI's "a skip is
# a failure" rule holds in both.
_PASS_ONLY = {"postgres": "postgres", "redis": "sqlite"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    current = getattr(settings, "TEST_DATABASE", "sqlite")
    kept, left_out = [], []
    for item in items:
        wanted = {_PASS_ONLY[m.name] for m in item.iter_markers() if m.name in _PASS_ONLY}
        (left_out if wanted and current not in wanted else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
        config.stash[_LEFT_OUT] = len(left_out)


_LEFT_OUT = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    left_out = terminalreporter.config.stash.get(_LEFT_OUT, 0)
    if left_out:
        current = getattr(settings, "TEST_DATABASE", "sqlite")
        other = "SQLite" if current == "postgres" else "PostgreSQL"
        terminalreporter.write_line(
            f"{left_out} tests belong to the {other} pass of `make test` and were left out here."
        )


@pytest.fixture(scope="session", autouse=True)
def _postgres_sessions_closed(
    django_db_setup: None, django_db_blocker: Any
) -> Generator[None, None, None]:
    """End stray sessions (threads that kept a connection) before the test
    database is dropped: PostgreSQL refuses to drop a database in use."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator:
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in CI (FACEMATCH_REQUIRE_ALL_TESTS=1): {reason}"
