"""The fake face API of tests/review, with faults injected on chosen pages.

A Fault decides, for one request of a job's result pages, whether to break
it: raise a transport error (connection refused, timeout) or answer with
something other than the healthy page (an error status, a cut-off body,
HTML, a drifted schema). `times` limits how often it fires (None: always),
so a test can show both "retries absorb it" and "it outlasts the retries".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from tests.review.fake_api import FakeFaceApi

Breaker = Callable[[httpx.Request, httpx.Response], httpx.Response]


@dataclass
class Fault:
    offset: int  # which result page: the `offset` query value
    breaker: Breaker
    times: int | None = None  # None: every request to that page

    def fires(self) -> bool:
        if self.times is None:
            return True
        if self.times <= 0:
            return False
        self.times -= 1
        return True


class FaultyFaceApi(FakeFaceApi):
    def __init__(self) -> None:
        super().__init__()
        self.faults: list[Fault] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        healthy = super().handle(request)
        if not request.url.path.startswith("/v1/face-match/"):
            return healthy
        offset = int(request.url.params.get("offset", 0))
        for fault in self.faults:
            if fault.offset == offset and fault.fires():
                return fault.breaker(request, healthy)
        return healthy


# --- Breakers ------------------------------------------------------------------


def refuse_connection(request: httpx.Request, healthy: httpx.Response) -> httpx.Response:
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


def time_out(request: httpx.Request, healthy: httpx.Response) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


def status(code: int, body: str = "", **headers: str) -> Breaker:
    def answer(request: httpx.Request, healthy: httpx.Response) -> httpx.Response:
        return httpx.Response(code, text=body or json.dumps({"error": "upstream"}), headers=headers)

    return answer


def truncate(request: httpx.Request, healthy: httpx.Response) -> httpx.Response:
    content = healthy.content
    return httpx.Response(
        200, content=content[: len(content) // 2], headers={"Content-Type": "application/json"}
    )


def html(request: httpx.Request, healthy: httpx.Response) -> httpx.Response:
    return httpx.Response(
        200,
        text="<html><body><h1>502 Bad Gateway</h1></body></html>",
        headers={"Content-Type": "text/html"},
    )


def drift(change: Callable[[dict[str, Any]], None]) -> Breaker:
    """The healthy page with its JSON changed by `change`."""

    def answer(request: httpx.Request, healthy: httpx.Response) -> httpx.Response:
        body = json.loads(healthy.content)
        change(body)
        return httpx.Response(200, json=body)

    return answer
