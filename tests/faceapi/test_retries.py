"""Retries: only transient failures, exponential full-jitter backoff, bounded."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from facematch_ui.faceapi import (
    FaceMatchJob,
    InvalidRequest,
    InvalidResponse,
    NewFaceMatch,
    NotFound,
    RateLimited,
    Unauthorized,
    Unreachable,
    UpstreamError,
)
from facematch_ui.faceapi.responses import parse_retry_after

from .conftest import MakeClient, UpperJitter
from .handlers import Recorder, respond_in_turn
from .payloads import error_payload, face_match_payload, file_payload

JOB_ID = "0b4e7a52-5d3c-4f7e-a1b2-c3d4e5f60718"
NEW_MATCH = NewFaceMatch(
    target_video_url="cloudglue://files/0b4e7a52-5d3c-4f7e-a1b2-c3d4e5f60719",
    source_image_url="https://example.com/face.jpg",
)


def ok_job() -> httpx.Response:
    return httpx.Response(200, json=face_match_payload(JOB_ID, "pending"))


def failing(status: int = 503, **kwargs: object) -> httpx.Response:
    return httpx.Response(status, json=error_payload("try later"), **kwargs)  # type: ignore[arg-type]


def test_a_transient_failure_is_retried_until_it_works(
    make_client: MakeClient, sleeps: list[float]
) -> None:
    recorder = Recorder(respond_in_turn(failing(503), failing(502), ok_job()))
    client = make_client(recorder)

    job = client.get_face_match(JOB_ID)

    assert isinstance(job, FaceMatchJob)
    assert recorder.count == 3
    assert len(sleeps) == 2


def test_backoff_doubles_each_retry_and_stops_after_max_retries(
    make_client: MakeClient, sleeps: list[float]
) -> None:
    recorder = Recorder(respond_in_turn(failing(500)))
    client = make_client(recorder, max_retries=4, backoff_base=0.5, rng=UpperJitter())

    with pytest.raises(UpstreamError):
        client.get_face_match(JOB_ID)

    assert recorder.count == 5
    assert sleeps == [0.5, 1.0, 2.0, 4.0]


def test_jitter_stays_between_zero_and_the_exponential_ceiling(
    make_client: MakeClient, sleeps: list[float]
) -> None:
    client = make_client(
        Recorder(respond_in_turn(failing(503))),
        max_retries=8,
        retry_budget=1000,
        backoff_base=0.5,
        rng=random.Random(1234),
    )

    with pytest.raises(UpstreamError):
        client.list_face_matches()

    assert len(sleeps) == 8
    for retry, delay in enumerate(sleeps):
        assert 0 <= delay <= 0.5 * 2**retry
    ceilings = [0.5 * 2**retry for retry in range(8)]
    assert sleeps != ceilings  # jittered, not the bare exponential


def test_retry_after_in_seconds_is_waited_exactly(
    make_client: MakeClient, sleeps: list[float]
) -> None:
    recorder = Recorder(respond_in_turn(failing(429, headers={"Retry-After": "7"}), ok_job()))
    client = make_client(recorder)

    client.get_face_match(JOB_ID)

    assert sleeps == [7.0]
    assert recorder.count == 2


def test_retry_after_as_an_http_date_is_honoured(
    make_client: MakeClient, sleeps: list[float]
) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    recorder = Recorder(respond_in_turn(failing(429, headers={"Retry-After": when}), ok_job()))
    client = make_client(recorder)

    client.get_face_match(JOB_ID)

    assert len(sleeps) == 1
    assert 25 <= sleeps[0] <= 30


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("-5", 0.0),
        ("Wed, 01 May 2024 12:00:30 GMT", 30.0),
        ("Wed, 01 May 2024 11:00:00 GMT", 0.0),  # already past
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_http_date(
    header: str | None, seconds: float | None
) -> None:
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

    assert parse_retry_after(header, now=now) == seconds


def test_a_retry_after_beyond_the_budget_gives_up_at_once(
    make_client: MakeClient, sleeps: list[float]
) -> None:
    recorder = Recorder(respond_in_turn(failing(429, headers={"Retry-After": "3600"})))
    client = make_client(recorder, retry_budget=60)

    with pytest.raises(RateLimited) as caught:
        client.get_face_match(JOB_ID)

    assert caught.value.retry_after == 3600
    assert sleeps == []
    assert recorder.count == 1


def test_the_time_budget_stops_retrying_before_max_retries(
    make_client: MakeClient, sleeps: list[float]
) -> None:
    recorder = Recorder(respond_in_turn(failing(503)))
    client = make_client(
        recorder, max_retries=10, retry_budget=2.5, backoff_base=1.0, rng=UpperJitter()
    )

    with pytest.raises(UpstreamError):
        client.get_face_match(JOB_ID)

    # 1 s, then the 2 s backoff is cut to the 1.5 s left; then nothing is left.
    assert sleeps == [1.0, 1.5]
    assert sum(sleeps) <= 2.5
    assert recorder.count == 3


def test_a_zero_budget_means_a_single_attempt(make_client: MakeClient, sleeps: list[float]) -> None:
    recorder = Recorder(respond_in_turn(failing(503)))
    client = make_client(recorder, retry_budget=0)

    with pytest.raises(UpstreamError):
        client.get_face_match(JOB_ID)

    assert (recorder.count, sleeps) == (1, [])


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(404, json=error_payload("gone")), NotFound),
        (httpx.Response(400, json=error_payload("bad")), InvalidRequest),
        (httpx.Response(401, json=error_payload("key")), Unauthorized),
        (httpx.Response(200, content=b"not json"), InvalidResponse),
    ],
)
def test_permanent_errors_are_never_retried(
    make_client: MakeClient, sleeps: list[float], response: httpx.Response, error: type
) -> None:
    recorder = Recorder(respond_in_turn(response))
    client = make_client(recorder)

    with pytest.raises(error):
        client.get_face_match(JOB_ID)

    assert (recorder.count, sleeps) == (1, [])


@pytest.mark.parametrize(
    "failure",
    [failing(500), failing(503), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("cut")],
)
def test_creating_a_face_match_is_not_retried_once_it_may_have_arrived(
    make_client: MakeClient, sleeps: list[float], failure: httpx.Response | Exception
) -> None:
    recorder = Recorder(respond_in_turn(failure, ok_job()))
    client = make_client(recorder)

    with pytest.raises((UpstreamError, Unreachable)):
        client.create_face_match(NEW_MATCH)

    assert (recorder.count, sleeps) == (1, [])


@pytest.mark.parametrize(
    "failure",
    [
        failing(429, headers={"Retry-After": "2"}),
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("no route"),
    ],
)
def test_creating_a_face_match_is_retried_when_it_surely_did_not_run(
    make_client: MakeClient, failure: httpx.Response | Exception
) -> None:
    recorder = Recorder(respond_in_turn(failure, ok_job()))
    client = make_client(recorder)

    job = client.create_face_match(NEW_MATCH)

    assert job.id == JOB_ID
    assert recorder.count == 2


def test_an_upload_refused_at_connect_is_sent_again_in_full(make_client: MakeClient) -> None:
    recorder = Recorder(
        respond_in_turn(httpx.ConnectError("refused"), httpx.Response(200, json=file_payload()))
    )
    client = make_client(recorder)

    client.upload_file("clip.mp4", b"\x00\x01video-bytes")

    assert recorder.count == 2
    assert b"video-bytes" in recorder.requests[1].content


def test_an_upload_is_not_retried_on_a_server_error(
    make_client: MakeClient, sleeps: list[float]
) -> None:
    recorder = Recorder(respond_in_turn(failing(500), httpx.Response(200, json=file_payload())))
    client = make_client(recorder)

    with pytest.raises(UpstreamError):
        client.upload_file("clip.mp4", b"video")

    assert (recorder.count, sleeps) == (1, [])


@pytest.mark.parametrize(
    "failure", [httpx.ReadTimeout("slow"), httpx.ConnectError("refused"), failing(502)]
)
def test_reads_and_deletes_retry_every_transient_failure(
    make_client: MakeClient, failure: httpx.Response | Exception
) -> None:
    deleted = httpx.Response(200, json={"face_match_id": JOB_ID, "object": "face_match"})
    recorder = Recorder(respond_in_turn(failure, deleted))
    client = make_client(recorder)

    client.delete_face_match(JOB_ID)

    assert recorder.count == 2
    assert all(request.method == "DELETE" for request in recorder.requests)


def test_the_last_error_is_raised_when_retries_run_out(make_client: MakeClient) -> None:
    recorder = Recorder(respond_in_turn(failing(503), failing(503), httpx.ReadTimeout("slow")))
    client = make_client(recorder, max_retries=2)

    with pytest.raises(Unreachable) as caught:
        client.get_face_match(JOB_ID)

    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert recorder.count == 3
