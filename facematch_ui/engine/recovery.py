"""Crash recovery: jobs whose worker died are retried or failed.

A job in processing whose heartbeat is older than ENGINE_STALE_JOB_SECONDS is
considered dead. Called at the start of every task and when a job is read,
so recovery needs no scheduler.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from facematch_ui.engine import storage
from facematch_ui.engine.jobstate import Job
from facematch_ui.engine.models import (
    DetectedFace,
    FaceDetection,
    FaceMatch,
    FaceMatchResult,
    Frame,
    FrameExtraction,
    JobStatus,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
WORKER_STOPPED = "The worker stopped while processing this job"


def discard_frames(extraction: FrameExtraction) -> None:
    """Remove the extraction's frames (rows, faces on them, thumbnails)."""
    Frame.objects.filter(extraction=extraction).delete()
    storage.remove_tree(storage.frames_dir(extraction.file_id, extraction.id))


def recover_stale_jobs() -> int:
    """Requeue (or fail, after MAX_ATTEMPTS) processing jobs whose worker died.

    Returns how many jobs were recovered. Partial output of a dead job
    (frames, detected faces, results) is discarded first, so the retry
    starts clean.
    """
    from facematch_ui.engine import tasks  # tasks import this module

    cutoff = timezone.now() - timedelta(seconds=settings.ENGINE_STALE_JOB_SECONDS)
    requeue: list[Callable[[], object]] = []
    recovered = 0
    kinds: list[tuple[type[Job], Callable[[str], object]]] = [
        (FrameExtraction, tasks.run_frame_extraction.enqueue),
        (FaceDetection, tasks.run_face_detection.enqueue),
        (FaceMatch, tasks.run_face_match.enqueue),
    ]
    for model, enqueue in kinds:
        stale = model.objects.filter(status=JobStatus.PROCESSING, heartbeat_at__lt=cutoff)
        for job in stale:
            retry = job.attempts < MAX_ATTEMPTS
            with transaction.atomic():
                taken = model.objects.filter(
                    pk=job.pk, status=JobStatus.PROCESSING, heartbeat_at=job.heartbeat_at
                ).update(
                    status=JobStatus.PENDING if retry else JobStatus.FAILED,
                    error="" if retry else WORKER_STOPPED,
                    frames_done=0,
                    heartbeat_at=None if retry else timezone.now(),
                )
                if not taken:
                    continue  # it beat again, or another process recovered it
                _discard_partial_output(job)
            recovered += 1
            logger.warning("Recovered stale %s %s (retry=%s)", model.__name__, job.pk, retry)
            if retry:
                requeue.append(functools.partial(enqueue, str(job.pk)))
    for enqueue_one in requeue:
        enqueue_one()
    return recovered


def _discard_partial_output(job: Model) -> None:
    if isinstance(job, FrameExtraction):
        discard_frames(job)
    elif isinstance(job, FaceDetection):
        DetectedFace.objects.filter(detection=job).delete()
    elif isinstance(job, FaceMatch):
        FaceMatchResult.objects.filter(face_match=job).delete()
