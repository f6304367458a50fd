"""Background work of the dashboard (django-tasks): syncing jobs, fetching thumbnails.

Arguments are api ids (JSON), never model instances. A job that is not final
yet is polled: its sync task enqueues itself again REVIEW_SYNC_INTERVAL
seconds later, on backends that can defer (the database and RQ backends);
the immediate backend cannot, and then the job page's polling or the
analyst's "sync now" asks again.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import TaskResult, task

from facematch_ui.faceapi.errors import FaceApiError
from facematch_ui.review.models import Job, JobStatus
from facematch_ui.review.quality import cache_match_images
from facematch_ui.review.sync import sync_job, sync_job_list

logger = logging.getLogger(__name__)


@task()
def sync_job_task(api_id: str) -> str:
    """Sync one job; poll again later while it runs; then fetch its thumbnails.

    Returns the job's status (or "error"), for the task result.
    """
    try:
        job = sync_job(api_id)
    except FaceApiError as err:
        # sync_job stored the message on the job. Transient trouble (5xx,
        # timeouts, rate limits) is worth another try while the job runs.
        logger.warning("Sync of job %s failed: %s", api_id, err)
        local = Job.objects.filter(api_id=api_id).first()
        if not err.permanent and local is not None and not local.is_final:
            _poll_later(api_id)
        return "error"
    if job.vanished_at is not None:
        return "vanished"
    if not job.is_final:
        _poll_later(api_id)
    elif job.status == JobStatus.COMPLETED:
        fetch_thumbnails_task.enqueue(api_id)
    return str(job.status)


def _poll_later(api_id: str) -> bool:
    """Enqueue the next sync of `api_id` after the interval, if the backend can wait."""
    if not sync_job_task.get_backend().supports_defer:
        return False
    run_after = timezone.now() + timedelta(seconds=settings.REVIEW_SYNC_INTERVAL)
    sync_job_task.using(run_after=run_after).enqueue(api_id)
    return True


@task()
def fetch_thumbnails_task(api_id: str) -> int:
    """Fetch the pending thumbnails of a job; returns how many were stored."""
    job = Job.objects.filter(api_id=api_id).first()
    if job is None:
        return 0
    return cache_match_images(job)


@task()
def sync_job_list_task() -> int:
    """Refresh the job list, then sync in detail the jobs that need it.

    Needing it: never synced in detail, or completed with fewer matches
    cached than the API counts. Returns how many jobs the API listed.
    """
    listed = sync_job_list()
    for api_id in jobs_needing_detail_sync():
        sync_job_task.enqueue(api_id)
    return listed


def jobs_needing_detail_sync() -> list[str]:
    return list(
        Job.objects.filter(vanished_at=None)
        .filter(
            Q(synced_at=None) | Q(status=JobStatus.COMPLETED, matches_synced__lt=F("match_total"))
        )
        .values_list("api_id", flat=True)
    )


def request_sync(api_id: str) -> TaskResult[str]:
    """Ask for a sync of `api_id` now (the "on demand" path of the views)."""
    return sync_job_task.enqueue(api_id)
