"""The job runner: frame extraction, face detection and face match.

Plain functions called by the thin tasks in engine.tasks. Each job is claimed
with a conditional update (pending -> processing), so a job enqueued twice or
picked up by two workers runs once. While it runs it records progress and a
heartbeat; `recover_stale_jobs` treats a heartbeat older than
ENGINE_STALE_JOB_SECONDS as a dead worker. Any exception marks the job
failed with a message and never escapes to the worker.

A face match drives its face detection itself (in the same task) when the
detection has not run yet; detections and embeddings are stored per frame,
so a later match reusing the detection only compares vectors.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from facematch_ui.engine import frames, recovery, storage
from facematch_ui.engine.jobstate import J, Job, JobFailed, beat, claim, fail, failure_message
from facematch_ui.engine.models import (
    FINAL_STATUSES,
    DetectedFace,
    FaceDetection,
    FaceMatch,
    FaceMatchResult,
    FrameExtraction,
    JobStatus,
    embedding_to_bytes,
)
from facematch_ui.engine.pipeline import match as pipeline_match
from facematch_ui.engine.pipeline.source import find_source_face
from facematch_ui.engine.pipeline.types import Embedding, NoFaceFound, PipelineError, SourceFace

logger = logging.getLogger(__name__)

WAIT_POLL_SECONDS = 0.5

# --- Running ------------------------------------------------------------------


def _guarded(job: Job, work: Callable[[], None]) -> None:
    try:
        work()
    except Exception as err:
        if not isinstance(err, JobFailed | PipelineError):
            logger.exception("%s %s failed", type(job).__name__, job.pk)
        fail(job, failure_message(err))


# --- Entry points (one per task) ------------------------------------------------


def run_frame_extraction(extraction_id: str) -> None:
    recovery.recover_stale_jobs()
    extraction = claim(FrameExtraction, extraction_id)
    if extraction is not None:
        _guarded(extraction, lambda: frames.extract(extraction))


def run_face_detection(detection_id: str) -> None:
    recovery.recover_stale_jobs()
    detection = claim(FaceDetection, detection_id)
    if detection is not None:
        _guarded(detection, lambda: _detect(detection, owner=detection))


def run_face_match(face_match_id: str) -> None:
    recovery.recover_stale_jobs()
    face_match = claim(FaceMatch, face_match_id)
    if face_match is not None:
        _guarded(face_match, lambda: _match(face_match))


# --- Detection ------------------------------------------------------------------


def _detect(detection: FaceDetection, *, owner: Job) -> None:
    """Run a claimed detection, extracting its frames in the same pass if needed."""
    try:
        extraction = _claim_or_wait(FrameExtraction, detection.frame_extraction_id, owner)
        if isinstance(extraction, FrameExtraction):
            frames.extract(extraction, detection=detection)
        else:
            current = FrameExtraction.objects.get(pk=detection.frame_extraction_id)
            if current.status == JobStatus.FAILED:
                raise JobFailed(f"Frame extraction failed: {current.error}")
            frames.detect_on_extracted(current, detection)
    except BaseException:
        DetectedFace.objects.filter(detection=detection).delete()
        raise


def _claim_or_wait(model: type[J], job_id: uuid.UUID, owner: Job) -> J | str:
    """Claim the job to run it here, or wait until it is final and return its status."""
    while True:
        job = claim(model, job_id)
        if job is not None:
            return job
        status = model.objects.filter(pk=job_id).values_list("status", flat=True).first()
        if status is None:
            raise JobFailed(f"The {model._meta.verbose_name} this job needs was deleted.")
        if status in FINAL_STATUSES:
            return str(status)
        # Another worker runs it: keep our own heartbeat fresh while waiting.
        beat(owner)
        recovery.recover_stale_jobs()
        time.sleep(WAIT_POLL_SECONDS)


# --- Face match -------------------------------------------------------------------


def _match(face_match: FaceMatch) -> None:
    source = _source_face(face_match)
    if face_match.face_detection_id is None:
        raise JobFailed("The face detection this job used was deleted.")
    detection = _claim_or_wait(FaceDetection, face_match.face_detection_id, face_match)
    if isinstance(detection, FaceDetection):
        try:
            _detect(detection, owner=face_match)
        except Exception as err:
            fail(detection, failure_message(err))
            raise JobFailed(f"Face detection failed: {failure_message(err)}") from err
    detection_row = FaceDetection.objects.get(pk=face_match.face_detection_id)
    if detection_row.status == JobStatus.FAILED:
        raise JobFailed(f"Face detection failed: {detection_row.error}")
    _write_results(face_match, detection_row, source.embedding)


def _source_face(face_match: FaceMatch) -> SourceFace:
    try:
        data = storage.absolute(face_match.source_image).read_bytes()
    except (OSError, ValueError) as err:
        raise JobFailed("The source image of this job is missing.") from err
    try:
        source = find_source_face(
            data, detector=settings.ENGINE_DETECTOR, max_pixels=settings.ENGINE_MAX_IMAGE_PIXELS
        )
    except NoFaceFound as err:
        raise JobFailed(str(err) or "No face was found in the source image.") from err
    face_match.set_source_box(source.box)
    face_match.source_embedding = embedding_to_bytes(source.embedding)
    beat(
        face_match,
        source_box_top=face_match.source_box_top,
        source_box_left=face_match.source_box_left,
        source_box_width=face_match.source_box_width,
        source_box_height=face_match.source_box_height,
        source_embedding=face_match.source_embedding,
    )
    return source


def _write_results(
    face_match: FaceMatch, detection: FaceDetection, source_embedding: Embedding
) -> None:
    rows = list(
        DetectedFace.objects.filter(detection=detection).values_list(
            "id",
            "frame_id",
            "frame__timestamp",
            "box_top",
            "box_left",
            "box_width",
            "box_height",
            "embedding",
        )
    )
    results: list[FaceMatchResult] = []
    if rows:
        matrix = np.frombuffer(b"".join(bytes(row[7]) for row in rows), dtype="<f4")
        similarities = pipeline_match.score(source_embedding, matrix.reshape(len(rows), -1))
        threshold = settings.ENGINE_MATCH_THRESHOLD or pipeline_match.DEFAULT_THRESHOLD
        chosen = [i for i in range(len(rows)) if similarities[i] >= threshold]
        chosen.sort(key=lambda i: (-float(similarities[i]), rows[i][2]))
        if face_match.max_faces:
            chosen = chosen[: face_match.max_faces]
        for i in chosen:
            face_id, frame_id, timestamp, top, left, width, height, _ = rows[i]
            results.append(
                FaceMatchResult(
                    face_match=face_match,
                    detected_face_id=face_id,
                    frame_id=frame_id,
                    frame_uid=frame_id,
                    similarity=round(min(100.0, max(0.0, float(similarities[i]))), 4),
                    timestamp=timestamp,
                    box_top=top,
                    box_left=left,
                    box_width=width,
                    box_height=height,
                )
            )
    # One transaction: readers see no results or all of them, never half.
    with transaction.atomic():
        FaceMatchResult.objects.filter(face_match=face_match).delete()
        FaceMatchResult.objects.bulk_create(results, batch_size=500)
        FaceMatch.objects.filter(pk=face_match.pk).update(
            status=JobStatus.COMPLETED,
            match_count=len(results),
            frames_done=detection.frames_total or detection.frames_done,
            frames_total=detection.frames_total,
            heartbeat_at=timezone.now(),
        )
