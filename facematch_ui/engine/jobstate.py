"""Status transitions of engine jobs: claim, heartbeat, fail.

Claims are conditional updates (pending -> processing), so a job enqueued
twice, or picked up by two workers, runs once.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.utils import timezone

from facematch_ui.engine.models import FaceDetection, FaceMatch, FrameExtraction, JobStatus
from facematch_ui.engine.pipeline.types import PipelineError

Job = FrameExtraction | FaceDetection | FaceMatch
J = TypeVar("J", FrameExtraction, FaceDetection, FaceMatch)


class JobFailed(Exception):
    """Ends a job with this message (already phrased for the API caller)."""


def claim(model: type[J], job_id: str | uuid.UUID) -> J | None:
    """Move a pending job to processing; None if it is not pending (any more)."""
    claimed = model.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
        status=JobStatus.PROCESSING, heartbeat_at=timezone.now(), frames_done=0, error=""
    )
    if not claimed:
        return None
    job = model.objects.get(pk=job_id)
    model.objects.filter(pk=job.pk).update(attempts=job.attempts + 1)
    job.attempts += 1
    return job


def beat(job: Job, **fields: object) -> None:
    """Record that the job is alive (and any progress fields)."""
    type(job).objects.filter(pk=job.pk).update(heartbeat_at=timezone.now(), **fields)


def complete(job: Job, **fields: object) -> None:
    type(job).objects.filter(pk=job.pk).update(
        status=JobStatus.COMPLETED, heartbeat_at=timezone.now(), **fields
    )


def fail(job: Job, message: str) -> None:
    type(job).objects.filter(pk=job.pk).exclude(status=JobStatus.COMPLETED).update(
        status=JobStatus.FAILED, error=message[:2000], heartbeat_at=timezone.now()
    )


def failure_message(err: BaseException) -> str:
    if isinstance(err, JobFailed | PipelineError):
        return str(err)
    return f"Processing failed unexpectedly ({type(err).__name__}: {err})"
