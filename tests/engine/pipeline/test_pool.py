from __future__ import annotations

import multiprocessing
import os

import pytest

from facematch_ui.engine.pipeline.pool import run_ordered


def double(item: int) -> list[int]:
    return [item * 2]


def die_in_a_helper(item: int) -> list[int]:
    if multiprocessing.parent_process() is not None:  # a helper, not the test process
        os._exit(3)
    return [item * 2]


@pytest.mark.slow
def test_results_come_in_order_whoever_computed_them() -> None:
    assert list(run_ordered(double, range(20), workers=2)) == [i * 2 for i in range(20)]


@pytest.mark.slow
def test_work_of_dead_helpers_is_redone_here(caplog: pytest.LogCaptureFixture) -> None:
    assert list(run_ordered(die_in_a_helper, range(6), workers=2)) == [0, 2, 4, 6, 8, 10]
    assert "helper processes died" in caplog.text

    # The broken pool was dropped: the next run gets fresh helpers.
    assert list(run_ordered(double, range(4), workers=2)) == [0, 2, 4, 6]


def test_one_worker_runs_everything_here() -> None:
    assert list(run_ordered(die_in_a_helper, range(3), workers=1)) == [0, 2, 4]
