"""Each operation sends what the spec asks and returns typed objects."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

import httpx
import pytest

from facematch_ui.faceapi import (
    FaceApiClient,
    FrameExtractionConfig,
    InvalidRequest,
    JobStatus,
    NewFaceMatch,
)

from .conftest import API_KEY, BASE_URL, MakeClient
from .handlers import Recorder
from .payloads import (
    face_match_payload,
    file_list_payload,
    file_payload,
    job_list_item_payload,
    job_list_payload,
    new_id,
)

FILE_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
VIDEO_URI = f"cloudglue://files/{FILE_ID}"


def replying(payload: object) -> Recorder:
    return Recorder(lambda request: httpx.Response(200, json=payload))


def test_requests_carry_the_bearer_key_and_our_user_agent(make_client: MakeClient) -> None:
    job_id = new_id()
    recorder = replying(face_match_payload(job_id, "pending"))

    make_client(recorder).get_face_match(job_id, limit=20, offset=40)

    (request,) = recorder.requests
    assert request.method == "GET"
    assert request.url.path == f"/v1/face-match/{job_id}"
    assert dict(request.url.params) == {"limit": "20", "offset": "40"}
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.headers["User-Agent"] == "facematch/0.1"


def test_without_a_key_no_authorization_header_is_sent(make_client: MakeClient) -> None:
    recorder = replying(job_list_payload([]))

    make_client(recorder, api_key=None).list_face_matches()

    assert "Authorization" not in recorder.requests[0].headers


def test_a_job_id_that_is_not_a_uuid_is_refused_without_a_request(
    make_client: MakeClient,
) -> None:
    recorder = replying({})
    client = make_client(recorder)

    for bad in ["", "42", "../files", "3f2a9c1e-8b7d-4c6e-9f01"]:
        with pytest.raises(InvalidRequest, match="not a valid id"):
            client.get_face_match(bad)
        with pytest.raises(InvalidRequest):
            client.delete_face_match(bad)

    assert recorder.count == 0


def test_creating_a_face_match_sends_the_spec_shaped_body(make_client: MakeClient) -> None:
    job_id = new_id()
    recorder = replying(face_match_payload(job_id, "pending"))
    request = NewFaceMatch(
        target_video_url=VIDEO_URI,
        source_image_base64="/9j/4AAQSkZJRg==",
        max_faces=50,
        frame_extraction=FrameExtractionConfig(
            frames_per_second=2.0,
            max_width=1024,
            start_time_seconds=5.0,
            end_time_seconds=65.0,
            thumbnails=True,
        ),
    )

    job = make_client(recorder).create_face_match(request)

    assert job.id == job_id
    assert job.status is JobStatus.PENDING
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("POST", "/v1/face-match")
    assert json.loads(sent.content) == {
        "source_image": {"base64_image": "/9j/4AAQSkZJRg=="},
        "target_video_url": VIDEO_URI,
        "max_faces": 50,
        "frame_extraction_config": {
            "strategy": "uniform",
            "uniform_config": {"frames_per_second": 2.0, "max_width": 1024},
            "thumbnails_config": {"enable_frame_thumbnails": True},
            "start_time_seconds": 5.0,
            "end_time_seconds": 65.0,
        },
    }


def test_a_minimal_face_match_sends_only_what_is_set(make_client: MakeClient) -> None:
    recorder = replying(face_match_payload(status="pending"))
    detection = new_id()

    make_client(recorder).create_face_match(
        NewFaceMatch(
            target_video_url=VIDEO_URI,
            source_image_url="https://example.com/face.jpg",
            face_detection_id=detection,
        )
    )

    assert json.loads(recorder.requests[0].content) == {
        "source_image": {"url": "https://example.com/face.jpg"},
        "target_video_url": VIDEO_URI,
        "face_detection_id": detection,
    }


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (NewFaceMatch(target_video_url=VIDEO_URI), "exactly one source image"),
        (
            NewFaceMatch(target_video_url=VIDEO_URI, source_image_url="u", source_image_base64="b"),
            "exactly one source image",
        ),
        (NewFaceMatch(target_video_url="", source_image_url="u"), "target video"),
        (NewFaceMatch(VIDEO_URI, source_image_url="u", max_faces=0), "between 1 and 4000"),
        (
            NewFaceMatch(
                VIDEO_URI,
                source_image_url="u",
                frame_extraction=FrameExtractionConfig(frames_per_second=60),
            ),
            "between 0.1 and 30",
        ),
        (
            NewFaceMatch(
                VIDEO_URI,
                source_image_url="u",
                frame_extraction=FrameExtractionConfig(max_width=32),
            ),
            "between 64 and 4096",
        ),
        (
            NewFaceMatch(
                VIDEO_URI,
                source_image_url="u",
                frame_extraction=FrameExtractionConfig(start_time_seconds=10, end_time_seconds=5),
            ),
            "after the start time",
        ),
        (NewFaceMatch(VIDEO_URI, source_image_url="u", frame_extraction_id="x"), "UUID"),
    ],
)
def test_a_bad_new_face_match_is_refused_before_sending(
    make_client: MakeClient, request_: NewFaceMatch, message: str
) -> None:
    recorder = replying({})

    with pytest.raises(InvalidRequest, match=message):
        make_client(recorder).create_face_match(request_)

    assert recorder.count == 0


def test_deleting_a_face_match_calls_delete(make_client: MakeClient) -> None:
    job_id = new_id()
    recorder = replying({"face_match_id": job_id, "object": "face_match"})

    make_client(recorder).delete_face_match(job_id.upper())

    (request,) = recorder.requests
    assert (request.method, request.url.path) == ("DELETE", f"/v1/face-match/{job_id}")


def test_uploading_sends_the_file_and_metadata_as_multipart(make_client: MakeClient) -> None:
    recorder = replying(file_payload(FILE_ID, filename="lobby.mp4", status="pending"))

    uploaded = make_client(recorder).upload_file(
        "lobby.mp4",
        io.BytesIO(b"\x00\x00\x00\x18ftypmp42"),
        metadata={"camera": "lobby"},
        content_type="video/mp4",
    )

    assert uploaded.id == FILE_ID
    assert uploaded.uri == VIDEO_URI
    assert uploaded.status == "pending"
    request = recorder.requests[0]
    assert (request.method, request.url.path) == ("POST", "/v1/files")
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    body = request.content
    assert b'name="file"; filename="lobby.mp4"' in body
    assert b"Content-Type: video/mp4" in body
    assert b"ftypmp42" in body
    assert b'name="metadata"' in body
    assert b'{"camera": "lobby"}' in body


@pytest.mark.parametrize("name", ["", "../etc/passwd", "a\\b.mp4"])
def test_an_upload_name_with_a_path_is_refused(make_client: MakeClient, name: str) -> None:
    recorder = replying({})

    with pytest.raises(InvalidRequest, match="plain file name"):
        make_client(recorder).upload_file(name, b"x")

    assert recorder.count == 0


def test_getting_a_file_quotes_its_id_into_the_path(make_client: MakeClient) -> None:
    recorder = replying(file_payload("odd/id"))

    uploaded = make_client(recorder).get_file("odd/id")

    assert uploaded.id == "odd/id"
    assert recorder.requests[0].url.raw_path == b"/v1/files/odd%2Fid"


def test_listing_files_pages_with_limit_and_offset(make_client: MakeClient) -> None:
    items = [file_payload(), file_payload()]
    recorder = replying(file_list_payload(items, total=12, limit=2, offset=10))

    files = make_client(recorder).list_files(limit=2, offset=10)

    assert (files.total, files.limit, files.offset) == (12, 2, 10)
    assert [f.id for f in files.files] == [i["id"] for i in items]
    assert dict(recorder.requests[0].url.params) == {"limit": "2", "offset": "10"}


def test_listing_face_matches_sends_the_filters(make_client: MakeClient) -> None:
    item = job_list_item_payload(match_count=9)
    recorder = replying(job_list_payload([item], total=1, limit=25))

    jobs = make_client(recorder).list_face_matches(
        status=JobStatus.COMPLETED,
        created_after=date(2024, 5, 1),
        created_before=datetime(2024, 6, 1, 15, 30, tzinfo=UTC),
        limit=25,
    )

    assert [(j.id, j.match_count) for j in jobs.jobs] == [(item["job_id"], 9)]
    assert dict(recorder.requests[0].url.params) == {
        "limit": "25",
        "offset": "0",
        "status": "completed",
        "created_after": "2024-05-01",
        "created_before": "2024-06-01",
    }


def test_iterating_face_matches_pages_through_all_without_repeats(
    make_client: MakeClient,
) -> None:
    items = [job_list_item_payload() for _ in range(5)]

    def handler(request: httpx.Request) -> httpx.Response:
        limit = int(request.url.params["limit"])
        offset = int(request.url.params["offset"])
        # A new job arrived between pages: the second page repeats one item.
        page = items[offset : offset + limit] if offset == 0 else items[offset - 1 : offset + 1]
        return httpx.Response(200, json=job_list_payload(page, total=5, limit=limit, offset=offset))

    recorder = Recorder(handler)

    jobs = list(make_client(recorder).iter_face_matches(status=JobStatus.FAILED, page_size=2))

    assert [j.id for j in jobs] == [i["job_id"] for i in items]
    assert [r.url.params["offset"] for r in recorder.requests] == ["0", "2", "4"]
    assert all(r.url.params["status"] == "failed" for r in recorder.requests)


def test_iterating_an_empty_list_makes_one_request(make_client: MakeClient) -> None:
    recorder = replying(job_list_payload([], total=0))

    assert list(make_client(recorder).iter_face_matches()) == []
    assert recorder.count == 1


def test_the_base_url_is_kept_without_a_trailing_slash() -> None:
    with FaceApiClient(
        "https://api.cloudglue.dev/v1/",
        transport=httpx.MockTransport(lambda r: httpx.Response(200)),
    ) as client:
        assert client.base_url == "https://api.cloudglue.dev/v1"


@pytest.mark.parametrize("url", ["ftp://files.example.com", "not a url", "/v1"])
def test_a_base_url_that_is_not_http_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="http"):
        FaceApiClient(url)


def test_closing_the_client_closes_its_connection_pool() -> None:
    recorder = replying(job_list_payload([]))
    with FaceApiClient(BASE_URL, transport=httpx.MockTransport(recorder)) as client:
        client.list_face_matches()

    with pytest.raises(RuntimeError, match="closed"):
        client.list_face_matches()
