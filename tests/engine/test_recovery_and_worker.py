from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from facematch_ui.engine import recovery
from facematch_ui.engine.models import DetectedFace, FaceDetection, FaceMatch, JobStatus
from tests.engine.conftest import Api, FakeFaces
from tests.engine.media import jpeg_bytes

PHOTO = base64.b64encode(jpeg_bytes((64, 64))).decode()


def _stall(detection: FaceDetection, attempts: int) -> None:
    """Make the detection look like its worker died mid-way."""
    FaceDetection.objects.filter(pk=detection.pk).update(
        status=JobStatus.PROCESSING,
        attempts=attempts,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )


def test_a_dead_detection_is_cleaned_and_run_again(
    api: Api, uploaded: dict[str, Any], fake_faces: FakeFaces
) -> None:
    detection_id = api.post("/v1/face-detect", json={"url": uploaded["uri"]}).body[
        "face_detection_id"
    ]
    detection = FaceDetection.objects.get(pk=detection_id)
    _stall(detection, attempts=1)
    assert recovery.recover_stale_jobs() == 1  # immediate backend: the retry runs here
    detection.refresh_from_db()
    assert detection.status == JobStatus.COMPLETED and detection.attempts == 2
    assert DetectedFace.objects.filter(detection=detection).count() == detection.face_count


def test_a_job_that_died_three_times_fails_with_a_clear_message(
    api: Api, uploaded: dict[str, Any], fake_faces: FakeFaces
) -> None:
    detection_id = api.post("/v1/face-detect", json={"url": uploaded["uri"]}).body[
        "face_detection_id"
    ]
    _stall(FaceDetection.objects.get(pk=detection_id), attempts=3)
    body = api.get(f"/v1/face-detect/{detection_id}").body  # reading it recovers it
    assert body["status"] == "failed"
    assert FaceDetection.objects.get(pk=detection_id).error == recovery.WORKER_STOPPED
    assert not DetectedFace.objects.filter(detection_id=detection_id).exists()


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_survives_a_failing_job(
    uploaded: dict[str, Any], api: Api, fake_faces: FakeFaces
) -> None:
    tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=tasks):
        # django_tasks rebuilds its backends on setting_changed.
        no_face = base64.b64encode(jpeg_bytes((40, 40))).decode()
        ids = []
        for image in (no_face, PHOTO):
            body = {"source_image": {"base64_image": image}, "target_video_url": uploaded["uri"]}
            reply = api.post("/v1/face-match", json=body)
            assert reply.body["status"] == "pending"
            ids.append(reply.body["face_match_id"])
        call_command("db_worker", "--batch", "--interval", "0", verbosity=0)
    statuses = [FaceMatch.objects.get(pk=i).status for i in ids]
    assert statuses == [JobStatus.FAILED, JobStatus.COMPLETED]
