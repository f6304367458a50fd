"""Every failure comes out as one of our errors, with a message to act on."""

from __future__ import annotations

import httpx
import pytest

from facematch_ui.faceapi import (
    FaceApiError,
    InvalidRequest,
    InvalidResponse,
    NotFound,
    RateLimited,
    Unauthorized,
    Unreachable,
    UpstreamError,
)

from .conftest import BASE_URL, MakeClient
from .handlers import Recorder
from .payloads import error_payload, new_id

JOB_ID = "3f2a9c1e-8b7d-4c6e-9f01-23456789abcd"


def answer(status: int, body: object = None, **kwargs: object) -> Recorder:
    def handler(request: httpx.Request) -> httpx.Response:
        if body is None:
            return httpx.Response(status, **kwargs)  # type: ignore[arg-type]
        return httpx.Response(status, json=body, **kwargs)  # type: ignore[arg-type]

    return Recorder(handler)


def test_a_missing_job_is_not_found_with_the_id_and_the_api_url(make_client: MakeClient) -> None:
    client = make_client(answer(404, error_payload("Face match job not found")))

    with pytest.raises(NotFound) as caught:
        client.get_face_match(JOB_ID)

    assert str(caught.value) == (
        f"Face match {JOB_ID} was not found on {BASE_URL} (it may have been deleted). "
        "The API said: Face match job not found"
    )
    assert caught.value.permanent
    assert caught.value.status_code == 404


@pytest.mark.parametrize("status", [401, 403])
def test_a_rejected_key_is_unauthorized_and_points_at_the_setting(
    make_client: MakeClient, status: int
) -> None:
    client = make_client(answer(status, error_payload("Invalid API key")))

    with pytest.raises(Unauthorized) as caught:
        client.list_face_matches()

    assert str(caught.value).startswith(
        f"The face API rejected the API key ({status}). Check FACEMATCH_API_KEY."
    )
    assert "Invalid API key" in str(caught.value)
    assert caught.value.status_code == status


def test_without_a_key_the_message_says_to_set_one(make_client: MakeClient) -> None:
    client = make_client(answer(401, error_payload("Missing bearer token")), api_key=None)

    with pytest.raises(Unauthorized, match=r"requires an API key .* Set FACEMATCH_API_KEY"):
        client.list_files()


@pytest.mark.parametrize("status", [400, 413, 415, 422])
def test_refused_requests_are_invalid_requests_with_the_api_reason(
    make_client: MakeClient, status: int
) -> None:
    recorder = answer(status, error_payload("Unsupported file type: image/gif"))
    client = make_client(recorder)

    with pytest.raises(InvalidRequest) as caught:
        client.upload_file("clip.gif", b"GIF89a")

    assert str(caught.value) == (
        f"The face API refused uploadFile ({status}). The API said: Unsupported file type: "
        "image/gif"
    )
    assert caught.value.status_code == status
    assert recorder.count == 1


def test_too_many_requests_is_rate_limited_with_retry_after(make_client: MakeClient) -> None:
    client = make_client(
        answer(429, error_payload("Monthly limit reached"), headers={"Retry-After": "120"}),
        max_retries=0,
    )

    with pytest.raises(RateLimited) as caught:
        client.get_face_match(JOB_ID)

    assert caught.value.retry_after == 120.0
    assert not caught.value.permanent
    assert "Monthly limit reached" in str(caught.value)
    assert "Try again in 120 s." in str(caught.value)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_failures_are_upstream_errors(make_client: MakeClient, status: int) -> None:
    client = make_client(answer(status, error_payload("boom")), max_retries=0)

    with pytest.raises(UpstreamError) as caught:
        client.get_face_match(JOB_ID)

    assert str(caught.value) == (
        f"The face API at {BASE_URL} failed on its side (getFaceMatch, {status}). "
        "The API said: boom"
    )
    assert caught.value.status_code == status


def test_an_html_error_page_still_gives_a_clean_message(make_client: MakeClient) -> None:
    client = make_client(answer(502, content=b"<html>Bad gateway</html>"), max_retries=0)

    with pytest.raises(UpstreamError, match=r"\(getFaceMatch, 502\)\.$"):
        client.get_face_match(JOB_ID)


def test_a_non_json_answer_is_an_invalid_response(make_client: MakeClient) -> None:
    client = make_client(
        answer(200, content=b"<html>login</html>", headers={"Content-Type": "text/html"})
    )

    with pytest.raises(InvalidResponse) as caught:
        client.get_face_match(JOB_ID)

    assert "is not JSON (text/html)" in str(caught.value)
    assert isinstance(caught.value.__cause__, ValueError)


def test_a_body_breaking_the_contract_is_an_invalid_response_naming_field_and_operation(
    make_client: MakeClient,
) -> None:
    client = make_client(answer(200, {"face_match_id": JOB_ID, "status": "done"}))

    with pytest.raises(InvalidResponse) as caught:
        client.get_face_match(JOB_ID)

    assert "field 'status'" in str(caught.value)
    assert f"(getFaceMatch on {BASE_URL})" in str(caught.value)


@pytest.mark.parametrize(
    ("raised", "reason"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), "[Errno 111] Connection refused"),
        (httpx.ReadTimeout("timed out"), "no answer within 30 s (ReadTimeout)"),
        (httpx.ConnectTimeout("timed out"), "no answer within 30 s (ConnectTimeout)"),
        (httpx.RemoteProtocolError("Server disconnected"), "Server disconnected"),
    ],
)
def test_transport_failures_are_unreachable_chained_to_the_httpx_error(
    make_client: MakeClient, raised: httpx.TransportError, reason: str
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise raised

    client = make_client(handler, max_retries=0)

    with pytest.raises(Unreachable) as caught:
        client.get_face_match(JOB_ID)

    assert str(caught.value) == f"The face API at {BASE_URL} is unreachable: {reason}."
    assert caught.value.__cause__ is raised


def test_an_unexpected_redirect_is_an_invalid_response(make_client: MakeClient) -> None:
    client = make_client(answer(302, headers={"Location": "https://login.example.com/"}))

    with pytest.raises(InvalidResponse, match="unexpected HTTP 302"):
        client.list_face_matches()


def test_no_httpx_exception_escapes_any_operation(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset")

    client = make_client(handler, max_retries=0)
    calls = [
        lambda: client.get_face_match(JOB_ID),
        lambda: client.get_all_face_match_results(JOB_ID),
        lambda: client.list_face_matches(),
        lambda: client.delete_face_match(JOB_ID),
        lambda: client.get_file(new_id()),
        lambda: client.list_files(),
        lambda: client.upload_file("a.mp4", b"x"),
        lambda: client.fetch_thumbnail("/thumbs/1.jpg"),
    ]

    for call in calls:
        with pytest.raises(FaceApiError):
            call()
