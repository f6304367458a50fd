"""review.tasks: sync on demand, poll while running, thumbnails once completed."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks import default_task_backend

from facematch_ui.review.models import Job, JobStatus, ThumbnailState
from facematch_ui.review.tasks import (
    fetch_thumbnails_task,
    request_sync,
    sync_job_list_task,
    sync_job_task,
)
from tests.review.fake_api import CDN, FakeFaceApi

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thumbnail_dir")]

JOB_ID = "0c6f1a52-7d3e-4f7e-9a55-3b1c2d4e5f60"


@pytest.fixture
def deferring_backend(settings: Any) -> Any:
    """A backend that records enqueued tasks (with run_after) instead of running them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return default_task_backend


def test_request_sync_syncs_a_completed_job_and_fetches_its_thumbnails(
    configured_api: FakeFaceApi,
) -> None:
    configured_api.serve_thumbnails(configured_api.add_job(JOB_ID, results=3))

    result = request_sync(JOB_ID)

    assert result.return_value == "completed"
    job = Job.objects.get(api_id=JOB_ID)
    assert job.matches.count() == 3
    assert set(job.matches.values_list("thumbnail_state", flat=True)) == {ThumbnailState.STORED}
    assert len(configured_api.requests_to(CDN)) == 3


def test_without_deferred_tasks_a_running_job_is_synced_once_not_looped(
    configured_api: FakeFaceApi,
) -> None:
    configured_api.add_job(JOB_ID, status="processing")

    assert request_sync(JOB_ID).return_value == "processing"

    assert len(configured_api.requests) == 1


def test_a_running_job_is_polled_again_after_the_interval(
    configured_api: FakeFaceApi, deferring_backend: Any, settings: Any
) -> None:
    settings.REVIEW_SYNC_INTERVAL = 5.0
    configured_api.add_job(JOB_ID, status="processing")
    before = timezone.now()

    assert sync_job_task.call(JOB_ID) == "processing"

    [queued] = deferring_backend.results
    assert queued.task.name == "sync_job_task"
    assert queued.args == [JOB_ID]
    assert before + timedelta(seconds=5) <= queued.task.run_after
    assert queued.task.run_after <= timezone.now() + timedelta(seconds=5)


def test_a_completed_job_stops_polling_and_queues_its_thumbnails(
    configured_api: FakeFaceApi, deferring_backend: Any
) -> None:
    configured_api.add_job(JOB_ID, results=2)

    assert sync_job_task.call(JOB_ID) == "completed"

    assert [(r.task.name, r.args) for r in deferring_backend.results] == [
        ("fetch_thumbnails_task", [JOB_ID])
    ]


def test_a_failed_job_stops_polling_without_thumbnails(
    configured_api: FakeFaceApi, deferring_backend: Any
) -> None:
    configured_api.add_job(JOB_ID, status="failed")

    assert sync_job_task.call(JOB_ID) == "failed"

    assert deferring_backend.results == []


def test_a_transient_error_on_a_running_job_is_retried_later(
    configured_api: FakeFaceApi, deferring_backend: Any
) -> None:
    configured_api.add_job(JOB_ID, status="processing")
    sync_job_task.call(JOB_ID)
    deferring_backend.results.clear()
    configured_api.failures[JOB_ID] = (503, "maintenance")

    assert sync_job_task.call(JOB_ID) == "error"

    assert "maintenance" in Job.objects.get(api_id=JOB_ID).sync_error
    assert [r.task.name for r in deferring_backend.results] == ["sync_job_task"]


def test_a_permanent_error_stops_polling(
    configured_api: FakeFaceApi, deferring_backend: Any
) -> None:
    configured_api.add_job(JOB_ID, status="processing")
    sync_job_task.call(JOB_ID)
    deferring_backend.results.clear()
    configured_api.failures[JOB_ID] = (401, "key revoked")

    assert sync_job_task.call(JOB_ID) == "error"

    assert deferring_backend.results == []


def test_a_vanished_job_stops_polling(configured_api: FakeFaceApi, deferring_backend: Any) -> None:
    configured_api.add_job(JOB_ID, status="processing")
    sync_job_task.call(JOB_ID)
    deferring_backend.results.clear()
    del configured_api.jobs[JOB_ID]

    assert sync_job_task.call(JOB_ID) == "vanished"

    assert deferring_backend.results == []


def test_an_unknown_job_is_an_error_without_a_row(configured_api: FakeFaceApi) -> None:
    assert request_sync(JOB_ID).return_value == "error"
    assert not Job.objects.exists()


def test_fetch_thumbnails_task_ignores_a_job_we_do_not_have(configured_api: FakeFaceApi) -> None:
    assert fetch_thumbnails_task.call(JOB_ID) == 0


def test_the_list_task_syncs_the_list_then_the_jobs_that_need_details(
    configured_api: FakeFaceApi,
) -> None:
    done = configured_api.add_job(str(uuid.UUID(int=1)), results=4)
    configured_api.add_job(str(uuid.UUID(int=2)), status="processing")

    assert sync_job_list_task.enqueue().return_value == 2

    completed = Job.objects.get(api_id=done.id)
    assert completed.status == JobStatus.COMPLETED
    assert completed.matches.count() == 4
    assert Job.objects.get(api_id=str(uuid.UUID(int=2))).synced_at is not None
