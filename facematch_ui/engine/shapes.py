"""Model rows -> JSON objects in the spec's shapes (cloudglue-face-api)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest

from facematch_ui.engine.http import millis
from facematch_ui.engine.models import (
    DetectedFace,
    FaceDetection,
    FaceMatch,
    FaceMatchResult,
    File,
    Frame,
    FrameExtraction,
    JobStatus,
)
from facematch_ui.engine.pipeline.types import Box
from facematch_ui.engine.thumbnails import thumbnail_url


def box(value: Box) -> dict[str, float]:
    return {"top": value.top, "left": value.left, "width": value.width, "height": value.height}


def page(items: list[dict[str, Any]], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"object": "list", "data": items, "total": total, "limit": limit, "offset": offset}


def file(row: File) -> dict[str, Any]:
    info = {
        "duration_seconds": row.duration_seconds,
        "width": row.width,
        "height": row.height,
        "format": row.format or None,
        "has_audio": row.has_audio,
    }
    return {
        "id": str(row.id),
        "object": "file",
        "status": row.status,
        "bytes": row.bytes,
        "created_at": millis(row.created_at),
        "filename": row.filename,
        "uri": row.uri,
        "metadata": row.metadata,
        "media_type": "video",
        "source": row.source,
        "media_info": info,
        "video_info": dict(info),
    }


def extraction_config(row: FrameExtraction) -> dict[str, Any]:
    uniform: dict[str, Any] = {"frames_per_second": row.frames_per_second}
    if row.max_width is not None:
        uniform["max_width"] = row.max_width
    config: dict[str, Any] = {
        "strategy": "uniform",
        "uniform_config": uniform,
        "thumbnails_config": {"enable_frame_thumbnails": row.thumbnails},
    }
    if row.start_seconds is not None:
        config["start_time_seconds"] = row.start_seconds
    if row.end_seconds is not None:
        config["end_time_seconds"] = row.end_seconds
    return config


def extraction_summary(row: FrameExtraction) -> dict[str, Any]:
    body: dict[str, Any] = {
        "frame_extraction_id": str(row.id),
        "status": row.status,
        "created_at": millis(row.created_at),
        "file_id": str(row.file_id),
        "frame_extraction_config": extraction_config(row),
    }
    if row.status == JobStatus.COMPLETED and row.frame_count is not None:
        body["frame_count"] = row.frame_count
    return body


def extraction(
    request: HttpRequest, row: FrameExtraction, limit: int, offset: int
) -> dict[str, Any]:
    body = extraction_summary(row)
    if row.status == JobStatus.COMPLETED:
        frames = row.frames.order_by("index")
        body["data"] = {
            "object": "list",
            "frames": [_frame(request, f) for f in frames[offset : offset + limit]],
            "total": frames.count(),
            "limit": limit,
            "offset": offset,
        }
    return body


def _frame(request: HttpRequest, row: Frame) -> dict[str, Any]:
    body: dict[str, Any] = {"id": str(row.id), "timestamp": row.timestamp}
    if row.thumbnail:
        body["thumbnail_url"] = thumbnail_url(request, row.id)
    return body


def detection_summary(row: FaceDetection) -> dict[str, Any]:
    body: dict[str, Any] = {
        "job_id": str(row.id),
        "frame_extraction_id": str(row.frame_extraction_id),
        "file_id": str(row.file_id),
        "status": row.status,
        "created_at": millis(row.created_at),
    }
    if row.status == JobStatus.COMPLETED:
        body["total_faces"] = row.face_count or 0
    return body


def detection(request: HttpRequest, row: FaceDetection, limit: int, offset: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "face_detection_id": str(row.id),
        "frame_extraction_id": str(row.frame_extraction_id),
        "file_id": str(row.file_id),
        "status": row.status,
        "created_at": millis(row.created_at),
    }
    if row.status == JobStatus.COMPLETED:
        faces = DetectedFace.objects.filter(detection=row).select_related("frame")
        faces = faces.order_by("frame__index", "box_left", "id")
        body["data"] = {
            "object": "list",
            "total": faces.count(),
            "limit": limit,
            "offset": offset,
            "faces": [_detected_face(request, f) for f in faces[offset : offset + limit]],
        }
    return body


def _detected_face(request: HttpRequest, row: DetectedFace) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(row.id),
        "face_bounding_box": box(row.box),
        "frame_id": str(row.frame_id),
        "timestamp": row.frame.timestamp,
    }
    if row.frame.thumbnail:
        body["thumbnail_url"] = thumbnail_url(request, row.frame_id)
    return body


def _match_common(row: FaceMatch) -> dict[str, Any]:
    body: dict[str, Any] = {
        "file_id": str(row.file_id),
        "status": row.status,
        "created_at": millis(row.created_at),
        "source_face_bounding_box": None,
    }
    if row.face_detection_id is not None:
        body["face_detection_id"] = str(row.face_detection_id)
    if row.frame_extraction_id is not None:
        body["frame_extraction_id"] = str(row.frame_extraction_id)
    source = row.source_box
    if row.status == JobStatus.COMPLETED and source is not None:
        body["source_face_bounding_box"] = box(source)
    return body


def match_summary(row: FaceMatch) -> dict[str, Any]:
    body = {"job_id": str(row.id), **_match_common(row)}
    if row.status == JobStatus.COMPLETED:
        body["match_count"] = row.match_count or 0
    return body


def face_match(request: HttpRequest, row: FaceMatch, limit: int, offset: int) -> dict[str, Any]:
    body = {"face_match_id": str(row.id), **_match_common(row)}
    if row.status == JobStatus.FAILED and row.error:
        body["error"] = row.error
    if row.status == JobStatus.PROCESSING:
        progress = match_progress(row)
        if progress is not None:
            body["progress"] = progress
    if row.status == JobStatus.COMPLETED:
        results = row.results.select_related("frame").order_by("-similarity", "timestamp", "id")
        body["data"] = {
            "object": "list",
            "total": results.count(),
            "limit": limit,
            "offset": offset,
            "faces_matches": [_result(request, r) for r in results[offset : offset + limit]],
        }
    return body


def match_progress(row: FaceMatch) -> dict[str, int] | None:
    """`progress` of a running match, beyond the spec (its schema allows extra fields).

    The frames are counted by the detection the match drives (a match on an
    already finished detection only compares vectors, so it shows that
    detection's full count). None until the number of frames is known.
    """
    job: FaceMatch | FaceDetection = row
    if row.face_detection_id is not None:
        detection = FaceDetection.objects.filter(pk=row.face_detection_id).first()
        if detection is not None:
            job = detection
    if job.frames_total is None:
        return None
    total = max(job.frames_total, job.frames_done)
    return {"frames_done": job.frames_done, "frames_total": total}


def _result(request: HttpRequest, row: FaceMatchResult) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(row.id),
        "face_bounding_box": box(row.box),
        "similarity": row.similarity,
        "frame_id": str(row.frame_uid),
        "timestamp": row.timestamp,
    }
    if row.frame is not None and row.frame.thumbnail:
        body["thumbnail_url"] = thumbnail_url(request, row.frame_uid)
    return body


def ids(rows: Iterable[Any]) -> list[str]:
    return [str(r.pk) for r in rows]
