"""review.sync keeps the engine's progress and failure reason on the job."""

from __future__ import annotations

import pytest

from facematch_ui.review.models import Job, JobStatus
from facematch_ui.review.sync import sync_job, sync_job_list
from tests.review.fake_api import FakeFaceApi

pytestmark = pytest.mark.django_db

JOB_ID = "0c6f1a52-7d3e-4f7e-9a55-3b1c2d4e5f60"


def test_a_processing_job_keeps_its_frame_progress() -> None:
    api = FakeFaceApi()
    upstream = api.add_job(JOB_ID, status="processing")
    upstream.progress = {"frames_done": 12, "frames_total": 30}

    job = sync_job(JOB_ID, client=api.client())

    assert job.status == JobStatus.PROCESSING
    assert (job.frames_done, job.frames_total) == (12, 30)
    assert job.has_progress


def test_progress_moves_on_and_is_dropped_once_the_job_completes() -> None:
    api = FakeFaceApi()
    upstream = api.add_job(JOB_ID, status="processing")
    upstream.progress = {"frames_done": 3, "frames_total": 30}
    sync_job(JOB_ID, client=api.client())
    upstream.progress = {"frames_done": 29, "frames_total": 30}
    assert sync_job(JOB_ID, client=api.client()).frames_done == 29

    upstream.status, upstream.progress = "completed", None
    job = sync_job(JOB_ID, client=api.client())

    assert (job.frames_done, job.frames_total) == (None, None)
    assert not job.has_progress


def test_a_job_from_an_api_without_progress_has_none() -> None:
    api = FakeFaceApi()
    api.add_job(JOB_ID, status="processing")
    job = sync_job(JOB_ID, client=api.client())
    assert (job.frames_done, job.frames_total) == (None, None)
    assert not job.has_progress


def test_a_failed_job_keeps_the_reason_the_api_gave() -> None:
    api = FakeFaceApi()
    upstream = api.add_job(JOB_ID, status="failed")
    upstream.error = "No face was found in the source image."

    job = sync_job(JOB_ID, client=api.client())

    assert job.status == JobStatus.FAILED
    assert job.failure_message == "No face was found in the source image."
    assert job.sync_error == ""


def test_listing_jobs_keeps_the_progress_a_detail_sync_stored() -> None:
    api = FakeFaceApi()
    upstream = api.add_job(JOB_ID, status="processing")
    upstream.progress = {"frames_done": 12, "frames_total": 30}
    sync_job(JOB_ID, client=api.client())

    assert sync_job_list(client=api.client()) == 1

    job = Job.objects.get(api_id=JOB_ID)
    assert (job.frames_done, job.frames_total) == (12, 30)
