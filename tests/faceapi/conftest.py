from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from facematch_ui.faceapi import FaceApiClient

BASE_URL = "https://api.example.com/v1"
API_KEY = "sk-test-123"

MakeClient = Callable[..., FaceApiClient]


class UpperJitter(random.Random):
    """Full jitter at its ceiling: makes the backoff sequence predictable."""

    def uniform(self, a: float, b: float) -> float:
        return b


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(sleeps: list[float]) -> Iterator[MakeClient]:
    clients: list[FaceApiClient] = []

    def make(handler: Callable[[httpx.Request], httpx.Response], **options: Any) -> FaceApiClient:
        options.setdefault("api_key", API_KEY)
        options.setdefault("sleep", sleeps.append)
        client = FaceApiClient(
            options.pop("base_url", BASE_URL), transport=httpx.MockTransport(handler), **options
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
