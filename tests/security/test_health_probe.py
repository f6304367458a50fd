"""A dead face API makes /healthz answer 503 at once: one try, a short timeout."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.test import Client

from facematch_ui.faceapi.errors import FaceApiError
from facematch_ui.ops import checks
from facematch_ui.review.api import face_api_client
from tests.review import fake_api

pytestmark = pytest.mark.django_db

attempts: list[httpx.Request] = []


class DeadApiTransport(httpx.MockTransport):
    def __init__(self) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            attempts.append(request)
            raise httpx.ConnectTimeout("timed out", request=request)

        super().__init__(refuse)


@pytest.fixture
def dead_api(settings: Any) -> Iterator[list[httpx.Request]]:
    settings.FACE_API_URL = fake_api.API_URL
    settings.FACE_API_KEY = "key"
    settings.FACE_API_TRANSPORT = "tests.security.test_health_probe.DeadApiTransport"
    settings.FACE_API_MAX_RETRIES = 4  # the dashboard's patience ...
    settings.FACE_API_TIMEOUT = 30.0
    attempts.clear()
    yield attempts
    attempts.clear()


def test_a_dead_api_answers_503_after_one_short_try(dead_api: list[httpx.Request]) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["face_api"]["ok"] is False
    (request,) = dead_api  # ... is not the probe's
    assert request.extensions["timeout"]["connect"] == checks.FACE_API_PROBE_TIMEOUT
    assert request.extensions["timeout"]["read"] == checks.FACE_API_PROBE_TIMEOUT


def test_the_client_factory_takes_overrides_and_defaults_to_the_settings(
    dead_api: list[httpx.Request],
) -> None:
    with face_api_client(max_retries=0, timeout=2.5) as quick, pytest.raises(FaceApiError):
        quick.list_face_matches(limit=1)
    assert len(dead_api) == 1
    assert dead_api[0].extensions["timeout"]["read"] == 2.5
    with face_api_client() as patient:
        assert patient._retry.max_retries == 4
        assert patient._timeout == 30.0
