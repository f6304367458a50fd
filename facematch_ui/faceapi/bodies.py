"""Typed requests -> the JSON bodies of the spec, checked before anything is sent."""

from __future__ import annotations

import re

from .errors import InvalidRequest
from .types import FrameExtractionConfig, NewFaceMatch

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def require_uuid(value: str, what: str) -> str:
    if not isinstance(value, str) or not UUID_RE.match(value.strip()):
        raise InvalidRequest(f"{what} {value!r} is not a valid id (expected a UUID).")
    return value.strip().lower()


def _frame_extraction_body(config: FrameExtractionConfig) -> dict[str, object]:
    if not 0.1 <= config.frames_per_second <= 30:
        raise InvalidRequest(
            f"Frames per second must be between 0.1 and 30, not {config.frames_per_second:g}."
        )
    uniform: dict[str, object] = {"frames_per_second": config.frames_per_second}
    if config.max_width is not None:
        if not 64 <= config.max_width <= 4096:
            raise InvalidRequest(
                f"Maximum frame width must be between 64 and 4096 pixels, not {config.max_width}."
            )
        uniform["max_width"] = config.max_width
    # Per the spec the time window sits beside uniform_config, not inside it.
    body: dict[str, object] = {
        "strategy": "uniform",
        "uniform_config": uniform,
        "thumbnails_config": {"enable_frame_thumbnails": config.thumbnails},
    }
    start, end = config.start_time_seconds, config.end_time_seconds
    if start is not None:
        if start < 0:
            raise InvalidRequest(f"Start time must not be negative, not {start:g} s.")
        body["start_time_seconds"] = start
    if end is not None:
        if end <= (start or 0):
            raise InvalidRequest(f"End time ({end:g} s) must be after the start time.")
        body["end_time_seconds"] = end
    return body


def face_match_body(request: NewFaceMatch) -> dict[str, object]:
    """A FaceMatchRequest (createFaceMatch)."""
    has_base64 = bool(request.source_image_base64)
    has_url = bool(request.source_image_url)
    if has_base64 == has_url:
        raise InvalidRequest(
            "A face match needs exactly one source image: a photo (base64) or an image URL."
        )
    if not request.target_video_url:
        raise InvalidRequest("A face match needs a target video (a cloudglue:// file URI or URL).")
    source = (
        {"base64_image": request.source_image_base64}
        if has_base64
        else {"url": request.source_image_url}
    )
    body: dict[str, object] = {
        "source_image": source,
        "target_video_url": request.target_video_url,
    }
    if request.max_faces is not None:
        if not 1 <= request.max_faces <= 4000:
            raise InvalidRequest(
                f"Maximum faces must be between 1 and 4000, not {request.max_faces}."
            )
        body["max_faces"] = request.max_faces
    if request.face_detection_id is not None:
        body["face_detection_id"] = require_uuid(request.face_detection_id, "Face detection")
    if request.frame_extraction_id is not None:
        body["frame_extraction_id"] = require_uuid(request.frame_extraction_id, "Frame extraction")
    if request.frame_extraction is not None:
        body["frame_extraction_config"] = _frame_extraction_body(request.frame_extraction)
    return body
