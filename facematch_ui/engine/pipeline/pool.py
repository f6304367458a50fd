"""Helper processes for the analysis, spawned once per process and kept warm.

dlib holds the GIL, so parallel analysis needs processes. Starting one
(interpreter, imports, ~100 MB of models) costs most of a second, so the
helpers outlive a single video: a task worker analysing video after video
pays it once. 'spawn' keeps Django's state (database connections) out of
the helpers.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from .models import models

logger = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def helpers(size: int) -> ProcessPoolExecutor:
    """The process-wide helper pool, (re)created with at least `size` processes."""
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size < size:
            if _pool is not None:
                _pool.shutdown(wait=False, cancel_futures=True)
            context = multiprocessing.get_context("spawn")
            _pool = ProcessPoolExecutor(size, mp_context=context, initializer=models)
            _pool_size = size
        return _pool


@atexit.register
def shutdown() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None


def run_ordered(
    work: Callable[[Item], list[Result]], items: Iterable[Item], workers: int
) -> Iterator[Result]:
    """work(item) for each item, here and in workers - 1 helpers, results in order.

    This process never waits for a helper to start: an item goes to a helper
    when one is free, otherwise it is worked on here. If the helpers die
    (killed, or unable to start), their items are redone here.
    """
    pool = helpers(workers - 1) if workers > 1 else None
    pending: deque[tuple[Item, Future[list[Result]] | None, list[Result]]] = deque()
    try:
        for item in items:
            busy = sum(future is not None and not future.done() for _, future, _ in pending)
            future = None
            if pool is not None and busy < workers - 1:
                try:
                    future = pool.submit(work, item)
                except BrokenProcessPool:
                    logger.warning("Analysis helper processes died; continuing in this process.")
                    _discard()
                    pool = None
            pending.append((item, future, [] if future else work(item)))
            while pending and (pending[0][1] is None or pending[0][1].done()):
                yield from _result(work, *pending.popleft())
        while pending:
            yield from _result(work, *pending.popleft())
    finally:
        for _, future, _ in pending:
            if future is not None:
                future.cancel()


def _result(
    work: Callable[[Item], list[Result]],
    item: Item,
    future: Future[list[Result]] | None,
    done: list[Result],
) -> list[Result]:
    if future is None:
        return done
    try:
        return future.result()
    except BrokenProcessPool:
        logger.warning("Analysis helper processes died; continuing in this process.")
        _discard()
        return work(item)


def _discard() -> None:
    """Forget a broken pool: the next analysis starts fresh helpers."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)
