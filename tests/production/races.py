"""Run the same call from several threads at once, each on its own connection.

Django gives every thread its own database connection, so on PostgreSQL
these are real concurrent sessions. A barrier lines the threads up so they
reach the database together instead of one after the other.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections


@dataclass
class Outcomes:
    results: list[Any] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


def race(call: Callable[[], Any], *, threads: int = 2) -> Outcomes:
    barrier = threading.Barrier(threads)
    outcomes = Outcomes()
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            result = call()
            with lock:
                outcomes.results.append(result)
        except BaseException as err:  # collected and asserted by the test
            with lock:
                outcomes.errors.append(err)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not any(w.is_alive() for w in workers), "a racing thread hung (deadlock?)"
    return outcomes
