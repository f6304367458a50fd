"""The dashboard reaches the embedded engine through an in-process transport.

These tests pin the two traps it exists to avoid: re-entering Django's
request signals (which close the caller's database connection) and calling
our own server over HTTP (which deadlocks a single synchronous worker).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.db import connection, transaction

from facematch_ui.engine.transport import InProcessTransport
from tests.review.factories import make_user


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(transport=InProcessTransport(), base_url="http://localhost") as http:
        yield http


@pytest.fixture
def fired_signals() -> Iterator[list[str]]:
    fired: list[str] = []

    def on_started(**kwargs: object) -> None:
        fired.append("request_started")

    def on_finished(**kwargs: object) -> None:
        fired.append("request_finished")

    request_started.connect(on_started)
    request_finished.connect(on_finished)
    yield fired
    request_started.disconnect(on_started)
    request_finished.disconnect(on_finished)


@pytest.mark.django_db
def test_it_serves_a_request_without_sending_request_signals(
    client: httpx.Client, fired_signals: list[str]
) -> None:
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert "<form" in response.text
    assert fired_signals == []


@pytest.mark.django_db(transaction=True)
def test_the_callers_connection_and_transaction_survive_the_call(client: httpx.Client) -> None:
    with transaction.atomic():
        user = make_user(username="before-call")
        client.get("/accounts/login/")
        # Still the same open connection, still inside our transaction.
        assert connection.connection is not None
        assert connection.in_atomic_block
        user.first_name = "after-call"
        user.save()
    user.refresh_from_db()
    assert user.first_name == "after-call"


@pytest.mark.django_db(transaction=True)
def test_it_closes_connections_opened_by_pool_threads(client: httpx.Client) -> None:
    seen: dict[str, object] = {}

    def in_thread() -> None:
        client.get("/accounts/login/")
        seen["connection_after"] = connection.connection

    worker = threading.Thread(target=in_thread)
    worker.start()
    worker.join()

    assert seen["connection_after"] is None


def test_requests_are_marked_internal_and_keep_method_body_and_headers() -> None:
    from facematch_ui.engine.transport import INTERNAL_ENVIRON_KEY, _environ_for

    request = httpx.Request(
        "POST",
        "http://localhost/v1/face-match?limit=5",
        json={"a": 1},
        headers={"X-Trace": "abc"},
    )
    environ = _environ_for(request)

    assert environ[INTERNAL_ENVIRON_KEY] is True
    assert environ["REQUEST_METHOD"] == "POST"
    assert environ["PATH_INFO"] == "/v1/face-match"
    assert environ["QUERY_STRING"] == "limit=5"
    assert environ["CONTENT_TYPE"] == "application/json"
    assert environ["HTTP_X_TRACE"] == "abc"
    assert environ["CONTENT_LENGTH"] == "7"
    assert environ["wsgi.input"].read() == b'{"a":1}'  # type: ignore[attr-defined]


def test_a_streamed_upload_is_spooled_not_joined_in_memory() -> None:
    from facematch_ui.engine.transport import SPOOL_MAX_MEMORY, _environ_for

    chunks = [b"x" * 1024**2 for _ in range(8)]  # 8 MB, past the spool limit
    request = httpx.Request("POST", "http://localhost/v1/files", content=iter(chunks))
    environ = _environ_for(request)

    body = environ["wsgi.input"]
    assert environ["CONTENT_LENGTH"] == str(8 * 1024**2)
    assert body._rolled  # type: ignore[attr-defined]  # moved to a temporary file
    assert len(body.read()) == 8 * 1024**2 > SPOOL_MAX_MEMORY  # type: ignore[attr-defined]
