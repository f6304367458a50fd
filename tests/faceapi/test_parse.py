"""API JSON -> typed objects: clamping, rejection, timestamps, tolerance."""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime

import pytest

from facematch_ui.faceapi import BoundingBox, InvalidResponse, JobStatus
from facematch_ui.faceapi.parse import (
    parse_face_match,
    parse_file,
    parse_file_list,
    parse_job_list,
    parse_timestamp,
)

from .payloads import (
    box_payload,
    face_match_payload,
    file_list_payload,
    file_payload,
    job_list_item_payload,
    job_list_payload,
    result_payload,
)

MAY_2024 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def only_match(payload: dict) -> object:
    page = parse_face_match(payload).page
    assert page is not None
    return page


def test_it_reads_a_completed_job_with_its_page_of_results() -> None:
    first = result_payload(similarity=91.25, timestamp=3.5, box=box_payload(0.1, 0.2, 0.3, 0.4))
    payload = face_match_payload("job-1", total=7, results=[first], limit=1, offset=2)

    job = parse_face_match(payload)

    assert job.id == "job-1"
    assert job.status is JobStatus.COMPLETED
    assert job.created_at == MAY_2024
    assert job.file_id == payload["file_id"]
    assert job.source_box == BoundingBox(top=0.25, left=0.35, width=0.3, height=0.4)
    assert job.page is not None
    assert (job.page.total, job.page.limit, job.page.offset) == (7, 1, 2)
    (match,) = job.page.matches
    assert match.id == first["id"]
    assert match.frame_id == first["frame_id"]
    assert match.similarity == 91.25
    assert match.timestamp == 3.5
    assert match.box == BoundingBox(top=0.1, left=0.2, width=0.3, height=0.4)
    assert match.thumbnail_url == "https://cdn.example.com/frames/thumb.jpg"


def test_a_pending_job_has_no_page_and_no_source_box() -> None:
    job = parse_face_match(face_match_payload(status="pending"))

    assert job.status is JobStatus.PENDING
    assert job.page is None
    assert job.source_box is None


def test_data_sent_with_an_unfinished_job_is_ignored() -> None:
    payload = face_match_payload(status="processing")
    payload["data"] = {"total": 1, "limit": 100, "offset": 0, "faces_matches": "garbage"}

    assert parse_face_match(payload).page is None


@pytest.mark.parametrize(
    ("created_at", "expected"),
    [
        (1_714_564_800, MAY_2024),  # seconds, as the public docs say
        (1_714_564_800_000, MAY_2024),  # milliseconds, as the spec says
        (1_714_564_800_500.0, MAY_2024.replace(microsecond=500_000)),
        ("2024-05-01T12:00:00Z", MAY_2024),
        ("2024-05-01T14:00:00+02:00", MAY_2024),
        ("2024-05-01T12:00:00", MAY_2024),  # naive ISO: taken as UTC
    ],
)
def test_created_at_in_seconds_milliseconds_or_iso_becomes_aware_utc(
    created_at: object, expected: datetime
) -> None:
    parsed = parse_timestamp(created_at)

    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize("created_at", [None, "yesterday", True, -5, float("nan"), [1]])
def test_an_unreadable_created_at_is_an_invalid_response_naming_the_field(
    created_at: object,
) -> None:
    with pytest.raises(InvalidResponse, match="'created_at'"):
        parse_face_match(face_match_payload(created_at=created_at))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        (box_payload(-0.01, 0.0, 0.5, 0.5), BoundingBox(0.0, 0.0, 0.5, 0.5)),
        (box_payload(0.5, -0.04, 0.3, 0.3), BoundingBox(0.5, 0.0, 0.3, 0.3)),
        (box_payload(0.0, 0.0, 1.02, 1.0), BoundingBox(0.0, 0.0, 1.0, 1.0)),
        # The box pokes 0.03 past the right edge: trimmed to the frame.
        (box_payload(0.1, 0.75, 0.28, 0.2), BoundingBox(0.1, 0.75, 0.25, 0.2)),
    ],
)
def test_boxes_slightly_outside_the_frame_are_clamped(sent: dict, expected: BoundingBox) -> None:
    page = only_match(face_match_payload(results=[result_payload(box=sent)]))

    assert page.matches[0].box == expected  # type: ignore[attr-defined]
    assert page.dropped == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "bad_box",
    [
        box_payload(float("nan"), 0.1, 0.2, 0.2),
        box_payload(0.1, 0.1, 1.2, 0.2),  # wider than the frame
        box_payload(0.1, 0.1, -0.2, 0.2),  # negative width
        box_payload(0.1, 0.1, 0.2, 0.0),  # no height
        box_payload(1.3, 0.1, 0.2, 0.2),
        box_payload(0.1, 0.9, 0.3, 0.2),  # right edge at 1.2
        box_payload(0.1, 0.1, 0.2, float("inf")),
    ],
)
def test_a_match_with_a_clearly_wrong_box_is_dropped_and_counted_not_the_page(
    bad_box: dict, caplog: pytest.LogCaptureFixture
) -> None:
    good = result_payload()
    payload = face_match_payload(results=[result_payload(box=bad_box), good], total=2)

    with caplog.at_level(logging.WARNING, logger="facematch_ui.faceapi"):
        page = only_match(payload)

    assert [m.id for m in page.matches] == [good["id"]]  # type: ignore[attr-defined]
    assert page.dropped == 1  # type: ignore[attr-defined]
    assert page.total == 2  # type: ignore[attr-defined]
    assert "faces_matches[0]" in caplog.text


@pytest.mark.parametrize(("sent", "kept"), [(100.4, 100.0), (-0.3, 0.0), (0.0, 0.0), (55.5, 55.5)])
def test_similarity_slightly_out_of_range_is_clamped(sent: float, kept: float) -> None:
    page = only_match(face_match_payload(results=[result_payload(similarity=sent)]))

    assert page.matches[0].similarity == kept  # type: ignore[attr-defined]


@pytest.mark.parametrize("sent", [float("nan"), 150.0, -20.0, math.inf])
def test_a_match_with_a_wild_similarity_is_dropped(sent: float) -> None:
    page = only_match(face_match_payload(results=[result_payload(similarity=sent)]))

    assert page.matches == ()  # type: ignore[attr-defined]
    assert page.dropped == 1  # type: ignore[attr-defined]


def test_a_clearly_wrong_source_box_is_left_out_not_the_job() -> None:
    job = parse_face_match(face_match_payload(source_box=box_payload(0.1, 0.1, 2.0, 0.1)))

    assert job.source_box is None
    assert job.status is JobStatus.COMPLETED


def test_missing_optional_fields_become_none() -> None:
    payload = {"face_match_id": "job-2", "status": "failed", "created_at": 1_714_564_800}
    result = result_payload(thumbnail_url=None)

    job = parse_face_match(payload)
    match = only_match(face_match_payload(results=[result])).matches[0]  # type: ignore[attr-defined]

    assert job.file_id is None
    assert job.face_detection_id is None
    assert job.frame_extraction_id is None
    assert job.source_box is None
    assert job.page is None
    assert job.match_count is None
    assert match.thumbnail_url is None


def test_unknown_fields_are_ignored() -> None:
    payload = face_match_payload(
        results=[result_payload(emotion="happy", landmarks=[1, 2])], region="eu", object="x"
    )
    payload["data"]["next_cursor"] = "abc"

    page = only_match(payload)

    assert len(page.matches) == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("face_match_id", 42, "'face_match_id'"),
        ("face_match_id", None, "'face_match_id'"),
        ("status", "exploded", "'status'"),
        ("file_id", 7, "'file_id'"),
    ],
)
def test_a_wrong_type_in_the_job_is_an_invalid_response_naming_the_field(
    field: str, value: object, named: str
) -> None:
    payload = face_match_payload(**{field: value})  # type: ignore[arg-type]

    with pytest.raises(InvalidResponse, match=named):
        parse_face_match(payload)


@pytest.mark.parametrize(
    ("field", "value"),
    [("similarity", "high"), ("id", 17), ("timestamp", "12s"), ("face_bounding_box", "box")],
)
def test_a_wrong_type_in_a_result_names_the_result_field(field: str, value: object) -> None:
    result = result_payload(**{field: value})  # type: ignore[arg-type]

    with pytest.raises(InvalidResponse, match=rf"'data\.faces_matches\[0\]\.{field}"):
        parse_face_match(face_match_payload(results=[result]))


def test_a_missing_results_array_is_an_invalid_response() -> None:
    payload = face_match_payload()
    del payload["data"]["faces_matches"]

    with pytest.raises(InvalidResponse, match=r"'data\.faces_matches'"):
        parse_face_match(payload)


def test_a_non_object_body_is_an_invalid_response() -> None:
    with pytest.raises(InvalidResponse, match="must be an object"):
        parse_face_match(["not", "a", "job"])


def test_list_items_use_job_id_and_carry_match_count() -> None:
    items = [job_list_item_payload("a", match_count=4), job_list_item_payload("b", "pending")]

    jobs = parse_job_list(job_list_payload(items, total=12, limit=2, offset=4))

    assert (jobs.total, jobs.limit, jobs.offset) == (12, 2, 4)
    assert [j.id for j in jobs.jobs] == ["a", "b"]
    assert jobs.jobs[0].match_count == 4
    assert jobs.jobs[1].status is JobStatus.PENDING
    assert jobs.jobs[1].source_box is None


def test_a_list_item_with_a_bad_status_names_its_index() -> None:
    items = [job_list_item_payload(), job_list_item_payload(status="odd")]

    with pytest.raises(InvalidResponse, match=r"'data\[1\]\.status'"):
        parse_job_list(job_list_payload(items))


def test_a_file_is_read_with_its_media_info() -> None:
    payload = file_payload("f-1", metadata={"camera": "lobby"})

    uploaded = parse_file(payload)

    assert uploaded.id == "f-1"
    assert uploaded.uri == "cloudglue://files/f-1"
    assert uploaded.status == "completed"
    assert uploaded.filename == "lobby-camera.mp4"
    assert uploaded.bytes == 5_242_880
    assert uploaded.created_at == MAY_2024
    assert uploaded.metadata == {"camera": "lobby"}
    assert uploaded.media_info is not None
    assert uploaded.media_info.duration_seconds == 42.5
    assert (uploaded.media_info.width, uploaded.media_info.height) == (1280, 720)


def test_a_file_with_only_the_required_fields_is_read() -> None:
    uploaded = parse_file({"id": "f-2", "uri": "cloudglue://files/f-2", "status": "pending"})

    assert uploaded.filename is None
    assert uploaded.bytes is None
    assert uploaded.created_at is None
    assert uploaded.media_info is None
    assert uploaded.metadata is None


def test_older_files_with_video_info_still_give_media_info() -> None:
    payload = file_payload()
    payload["video_info"] = payload.pop("media_info")

    uploaded = parse_file(payload)

    assert uploaded.media_info is not None
    assert uploaded.media_info.format == "mp4"


def test_a_file_list_names_the_bad_item() -> None:
    with pytest.raises(InvalidResponse, match=r"'data\[1\]\.uri'"):
        parse_file_list(file_list_payload([file_payload(), file_payload(uri=None)]))
