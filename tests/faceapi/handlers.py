"""httpx.MockTransport handlers that play the face API, for tests anywhere."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from .payloads import face_match_payload

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """Wraps a handler and keeps every request it saw (thread-safe)."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._lock = threading.Lock()
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        with self._lock:
            self.requests.append(request)
        return self._handler(request)

    @property
    def count(self) -> int:
        return len(self.requests)


class ResultsServer:
    """getFaceMatch of one completed job, paged by `limit`/`offset` like the API.

    `total` lets a test claim more results than there are (a list that shrank);
    `delay` keeps each request in flight a little so concurrency is observable;
    `gather` holds the first requests for later pages until that many are in
    flight together (or 5 s pass), so a concurrent client is seen to be one
    without depending on timing.
    """

    def __init__(
        self,
        job_id: str,
        results: Sequence[dict[str, Any]],
        *,
        total: int | None = None,
        status: str = "completed",
        delay: float = 0.0,
        max_limit: int = 100,
        gather: int = 0,
    ) -> None:
        self.job_id = job_id
        self.results = list(results)
        self.total = total
        self.status = status
        self.delay = delay
        self.max_limit = max_limit
        self._lock = threading.Condition()
        self.gather = gather
        self.in_flight = 0
        self.max_in_flight = 0
        self.offsets: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.rstrip("/").split("/")[-1] != self.job_id:
            return httpx.Response(404, json={"error": "Face match not found"})
        limit = min(int(request.url.params.get("limit", "100")), self.max_limit)
        offset = int(request.url.params.get("offset", "0"))
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.offsets.append(offset)
            if offset and self.gather:
                if self.in_flight >= self.gather:
                    self.gather = 0  # gathered: release everyone, stop holding
                    self._lock.notify_all()
                else:
                    self._lock.wait_for(lambda: not self.gather, timeout=5)
        try:
            if self.delay:
                time.sleep(self.delay)
            total = self.total if self.total is not None else len(self.results)
            payload = face_match_payload(
                self.job_id,
                self.status,
                total=total,
                results=self.results[offset : offset + limit],
                limit=limit,
                offset=offset,
            )
            return httpx.Response(200, json=payload)
        finally:
            with self._lock:
                self.in_flight -= 1


def respond_in_turn(*responses: httpx.Response | Exception) -> Handler:
    """A handler answering each request with the next response (or raising)."""
    queue = list(responses)
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, Exception):
            raise item
        return item

    return handler
