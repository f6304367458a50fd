"""/healthz: what a load balancer probes, without a login."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from django.db import DatabaseError
from django.test import Client

from tests.review import fake_api
from tests.review.fake_api import FakeFaceApi

pytestmark = pytest.mark.django_db

SECRET = "sk-very-secret-token-123"


class RefusingTransport(httpx.MockTransport):
    """An API that no longer accepts our key."""

    def __init__(self) -> None:
        super().__init__(lambda request: httpx.Response(401, json={"error": "Invalid API key"}))


class DownTransport(httpx.MockTransport):
    def __init__(self) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("Connection refused", request=request)

        super().__init__(refuse)


@pytest.fixture
def remote_api(settings: Any) -> None:
    settings.FACE_API_URL = fake_api.API_URL
    settings.FACE_API_KEY = SECRET
    settings.FACE_API_MAX_RETRIES = 0


def test_it_answers_200_with_every_check_ok_against_the_embedded_engine(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": {"ok": True, "detail": "ok"},
            "face_api": {"ok": True, "detail": "ok"},
        },
    }
    assert "no-cache" in response["Cache-Control"]


def test_it_calls_a_remote_api_once_and_cheaply(
    client: Client, settings: Any, remote_api: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = FakeFaceApi()
    api.add_job("0c6f1a52-7d3e-4f7e-9a55-3b1c2d4e5f60", results=3)
    monkeypatch.setattr(fake_api, "current", api)
    settings.FACE_API_TRANSPORT = "tests.review.fake_api.FakeTransport"

    response = client.get("/healthz")

    assert response.status_code == 200
    assert [(r.url.path, r.url.params["limit"]) for r in api.requests] == [("/v1/face-match", "1")]


def test_a_revoked_key_is_503_with_the_reason_and_never_the_token(
    client: Client, settings: Any, remote_api: None
) -> None:
    settings.FACE_API_TRANSPORT = "tests.production.test_healthz.RefusingTransport"

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["face_api"]["ok"] is False
    assert "key" in body["checks"]["face_api"]["detail"].lower()
    assert SECRET not in response.content.decode()


def test_an_unreachable_api_is_503_with_the_reason(
    client: Client, settings: Any, remote_api: None
) -> None:
    settings.FACE_API_TRANSPORT = "tests.production.test_healthz.DownTransport"

    response = client.get("/healthz")

    assert response.status_code == 503
    detail = response.json()["checks"]["face_api"]["detail"]
    assert "api.example.test" in detail or "reach" in detail.lower()
    assert SECRET not in response.content.decode()


def test_a_database_that_does_not_answer_is_503(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from facematch_ui.ops import checks

    class BrokenConnection:
        def cursor(self) -> None:
            raise DatabaseError("could not connect to server")

    monkeypatch.setattr(checks, "connection", BrokenConnection())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {
        "ok": False,
        "detail": "The database does not answer (DatabaseError).",
    }


def test_it_needs_no_login_and_only_answers_get(client: Client) -> None:
    assert client.get("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
