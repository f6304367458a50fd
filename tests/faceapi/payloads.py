"""Spec-shaped JSON payloads of the face API, for tests anywhere in the project.

Every builder returns what the API would send (plain dicts), with realistic
defaults and fresh UUIDs; keyword arguments override any field.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

# 2024-05-01 12:00:00 UTC, in the spec's milliseconds.
CREATED_AT_MS = 1_714_564_800_000


def new_id() -> str:
    return str(uuid.uuid4())


def box_payload(
    top: float = 0.2, left: float = 0.3, width: float = 0.12, height: float = 0.2
) -> dict[str, float]:
    return {"top": top, "left": left, "width": width, "height": height}


def result_payload(
    *,
    id: str | None = None,
    similarity: float = 87.5,
    timestamp: float = 12.0,
    frame_id: str | None = None,
    box: dict[str, float] | None = None,
    thumbnail_url: str | None = "https://cdn.example.com/frames/thumb.jpg",
    **extra: Any,
) -> dict[str, Any]:
    """One FaceMatchResult."""
    payload: dict[str, Any] = {
        "id": id or new_id(),
        "face_bounding_box": box if box is not None else box_payload(),
        "similarity": similarity,
        "frame_id": frame_id or new_id(),
        "timestamp": timestamp,
    }
    if thumbnail_url is not None:
        payload["thumbnail_url"] = thumbnail_url
    payload.update(extra)
    return payload


def results_payload(count: int, *, start: int = 0) -> list[dict[str, Any]]:
    """`count` results with distinct ids, one frame per second from `start`."""
    return [
        result_payload(similarity=round(99.0 - (start + i) % 60, 1), timestamp=float(start + i))
        for i in range(count)
    ]


def face_match_payload(
    job_id: str | None = None,
    status: str = "completed",
    *,
    total: int | None = None,
    results: Sequence[dict[str, Any]] | None = None,
    limit: int = 100,
    offset: int = 0,
    created_at: float | str = CREATED_AT_MS,
    source_box: dict[str, float] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A FaceMatch (getFaceMatch / createFaceMatch): `data` and the source box
    only when completed, as the API sends them."""
    completed = status == "completed"
    payload: dict[str, Any] = {
        "face_match_id": job_id or new_id(),
        "status": status,
        "created_at": created_at,
        "file_id": new_id(),
        "face_detection_id": new_id(),
        "frame_extraction_id": new_id(),
        "source_face_bounding_box": (source_box or box_payload(0.25, 0.35, 0.3, 0.4))
        if completed
        else None,
    }
    if completed:
        results = list(results if results is not None else [])
        payload["data"] = {
            "object": "list",
            "total": total if total is not None else len(results),
            "limit": limit,
            "offset": offset,
            "faces_matches": results,
        }
    payload.update(extra)
    return payload


def job_list_item_payload(
    job_id: str | None = None,
    status: str = "completed",
    *,
    match_count: int | None = 3,
    created_at: float | str = CREATED_AT_MS,
    **extra: Any,
) -> dict[str, Any]:
    """One item of listFaceMatch: keyed `job_id`, with `match_count`."""
    payload: dict[str, Any] = {
        "job_id": job_id or new_id(),
        "status": status,
        "created_at": created_at,
        "file_id": new_id(),
        "face_detection_id": new_id(),
        "frame_extraction_id": new_id(),
        "source_face_bounding_box": box_payload(0.25, 0.35, 0.3, 0.4)
        if status == "completed"
        else None,
    }
    if match_count is not None:
        payload["match_count"] = match_count
    payload.update(extra)
    return payload


def job_list_payload(
    items: Sequence[dict[str, Any]], *, total: int | None = None, limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    """A FaceMatchListResponse."""
    return {
        "object": "list",
        "total": total if total is not None else len(items),
        "limit": limit,
        "offset": offset,
        "data": list(items),
    }


def file_payload(
    file_id: str | None = None,
    *,
    filename: str = "lobby-camera.mp4",
    status: str = "completed",
    created_at: float = CREATED_AT_MS,
    **extra: Any,
) -> dict[str, Any]:
    """A File (uploadFile / getFile)."""
    file_id = file_id or new_id()
    payload: dict[str, Any] = {
        "id": file_id,
        "uri": f"cloudglue://files/{file_id}",
        "status": status,
        "bytes": 5_242_880,
        "created_at": created_at,
        "filename": filename,
        "metadata": None,
        "media_type": "video",
        "media_info": {
            "duration_seconds": 42.5,
            "width": 1280,
            "height": 720,
            "format": "mp4",
            "has_audio": True,
        },
        "source": "upload",
    }
    payload.update(extra)
    return payload


def file_list_payload(
    items: Sequence[dict[str, Any]], *, total: int | None = None, limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    """A FileList."""
    return {
        "object": "list",
        "total": total if total is not None else len(items),
        "limit": limit,
        "offset": offset,
        "data": list(items),
    }


def error_payload(message: str) -> dict[str, str]:
    return {"error": message}
