"""review.api: the client is built from settings, transport chosen by settings."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured

from facematch_ui.faceapi.errors import RateLimited
from facematch_ui.review.api import client_or_default, face_api_client
from tests.faceapi.payloads import face_match_payload

JOB_ID = "0c6f1a52-7d3e-4f7e-9a55-3b1c2d4e5f60"
HERE = "tests.review.test_api_factory"


class RecordingTransport(httpx.BaseTransport):
    """Answers every request with a pending job; remembers what it saw."""

    built: ClassVar[int] = 0
    seen: ClassVar[list[httpx.Request]] = []

    def __init__(self) -> None:
        type(self).built += 1

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        type(self).seen.append(request)
        body = json.dumps(face_match_payload(JOB_ID, "pending"))
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})


class RateLimitedTransport(RecordingTransport):
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        type(self).seen.append(request)
        return httpx.Response(429, json={"error": "slow down"}, headers={"Retry-After": "0"})


class NotATransport:
    pass


@pytest.fixture(autouse=True)
def fresh_recordings() -> None:
    RecordingTransport.built = 0
    RecordingTransport.seen = []


@pytest.fixture
def embedded(settings: Any) -> Any:
    settings.FACE_API_URL = None
    settings.FACE_API_KEY = None
    settings.FACE_API_TRANSPORT = None
    settings.FACE_API_EMBEDDED_TRANSPORT = f"{HERE}.RecordingTransport"
    return settings


def test_without_an_api_url_it_talks_to_the_embedded_engine_in_process(embedded: Any) -> None:
    with face_api_client() as client:
        job = client.get_face_match(JOB_ID)

    assert job.id == JOB_ID
    [request] = RecordingTransport.seen
    assert str(request.url).startswith(f"{embedded.FACE_API_EMBEDDED_URL}/face-match/{JOB_ID}")
    assert "Authorization" not in request.headers


def test_by_default_the_engine_s_in_process_transport_is_used(settings: Any) -> None:
    settings.FACE_API_URL = None
    settings.FACE_API_TRANSPORT = None
    if hasattr(settings, "FACE_API_EMBEDDED_TRANSPORT"):
        del settings.FACE_API_EMBEDDED_TRANSPORT

    from facematch_ui.engine.transport import InProcessTransport

    assert issubclass(InProcessTransport, httpx.BaseTransport)
    with face_api_client() as client:
        assert client.base_url == settings.FACE_API_EMBEDDED_URL


def test_with_an_api_url_it_uses_the_network_not_the_engine(embedded: Any) -> None:
    embedded.FACE_API_URL = "https://api.example.test/v1"

    with face_api_client() as client:
        assert client.base_url == "https://api.example.test/v1"

    assert RecordingTransport.built == 0


@pytest.mark.parametrize("api_url", [None, "https://api.example.test/v1"])
def test_the_transport_setting_overrides_the_transport_in_both_modes(
    embedded: Any, api_url: str | None
) -> None:
    embedded.FACE_API_URL = api_url
    embedded.FACE_API_KEY = "secret-key"
    embedded.FACE_API_TRANSPORT = f"{HERE}.RecordingTransport"
    embedded.FACE_API_EMBEDDED_TRANSPORT = f"{HERE}.NotATransport"  # must not be used

    with face_api_client() as client:
        client.get_face_match(JOB_ID)

    [request] = RecordingTransport.seen
    expected_base = api_url or embedded.FACE_API_EMBEDDED_URL
    assert str(request.url).startswith(f"{expected_base}/face-match/")
    assert request.headers["Authorization"] == "Bearer secret-key"


def test_timeout_and_retries_come_from_settings(embedded: Any) -> None:
    embedded.FACE_API_TRANSPORT = f"{HERE}.RateLimitedTransport"
    embedded.FACE_API_TIMEOUT = 7.5
    embedded.FACE_API_MAX_RETRIES = 2

    with face_api_client() as client, pytest.raises(RateLimited):
        client.get_face_match(JOB_ID)

    assert len(RecordingTransport.seen) == 3  # the first try and two retries
    assert RecordingTransport.seen[0].extensions["timeout"]["read"] == 7.5


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("FACE_API_EMBEDDED_TRANSPORT", "facematch_ui.nowhere.Transport", "cannot be imported"),
        ("FACE_API_EMBEDDED_TRANSPORT", f"{HERE}.NotATransport", "not an httpx.BaseTransport"),
        ("FACE_API_TRANSPORT", "nodots", "cannot be imported"),
    ],
)
def test_a_wrong_transport_setting_fails_loudly(
    embedded: Any, setting: str, value: str, message: str
) -> None:
    setattr(embedded, setting, value)
    with pytest.raises(ImproperlyConfigured, match=f"{setting}=.*{message}"):
        face_api_client()


def test_client_or_default_leaves_a_given_client_open(embedded: Any) -> None:
    with face_api_client() as given:
        with client_or_default(given) as used:
            assert used is given
        # Still usable: the caller owns it.
        assert given.get_face_match(JOB_ID).id == JOB_ID
    with client_or_default(None) as built:
        assert built.base_url == embedded.FACE_API_EMBEDDED_URL
