"""The engine's extras on a face match: `progress` while processing, `error` when failed.

The hosted API sends neither, so both are optional and a bad value is
ignored rather than failing the whole answer.
"""

from __future__ import annotations

import pytest

from facematch_ui.faceapi.parse import parse_face_match
from facematch_ui.faceapi.types import JobProgress

from .payloads import face_match_payload


def test_a_processing_job_carries_its_frame_progress() -> None:
    payload = face_match_payload(
        status="processing", progress={"frames_done": 12, "frames_total": 30}
    )
    assert parse_face_match(payload).progress == JobProgress(frames_done=12, frames_total=30)


def test_a_job_without_progress_has_none() -> None:
    assert parse_face_match(face_match_payload(status="processing")).progress is None


@pytest.mark.parametrize(
    "progress",
    [
        "half",
        [12, 30],
        {"frames_done": 12},
        {"frames_done": "12", "frames_total": 30},
        {"frames_done": 12.5, "frames_total": 30},
        {"frames_done": True, "frames_total": 30},
        {"frames_done": -1, "frames_total": 30},
        {"frames_done": 31, "frames_total": 30},
    ],
)
def test_unreadable_progress_is_ignored_not_an_error(progress: object) -> None:
    job = parse_face_match(face_match_payload(status="processing", progress=progress))
    assert job.progress is None
    assert job.status == "processing"


def test_progress_of_a_finished_job_is_ignored() -> None:
    payload = face_match_payload(progress={"frames_done": 30, "frames_total": 30})
    assert parse_face_match(payload).progress is None


def test_a_failed_job_carries_the_engines_message() -> None:
    payload = face_match_payload(
        status="failed", error="  No face was found in the source image.  "
    )
    assert parse_face_match(payload).error == "No face was found in the source image."


@pytest.mark.parametrize("error", [None, "", "   ", 42, {"message": "x"}])
def test_a_failed_job_without_a_readable_message_has_none(error: object) -> None:
    assert parse_face_match(face_match_payload(status="failed", error=error)).error is None


def test_an_error_field_on_a_job_that_did_not_fail_is_ignored() -> None:
    payload = face_match_payload(status="processing", error="stale")
    assert parse_face_match(payload).error is None
