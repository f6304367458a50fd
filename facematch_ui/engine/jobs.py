"""Creating jobs from /v1 request bodies: validate, reuse earlier work, enqueue.

Everything the caller can get wrong is checked here and raised as ApiError
(400) or NotFound (404) before any row is written.
"""

from __future__ import annotations

import base64
import binascii
import math
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction

from facematch_ui import imaging
from facematch_ui.engine import fetch, files, storage, tasks
from facematch_ui.engine.http import ApiError, NotFound, get_or_not_found
from facematch_ui.engine.models import FaceDetection, FaceMatch, File, FrameExtraction

FILE_URI_PREFIX = "cloudglue://files/"
MAX_FACES = 4000
MAX_SOURCE_IMAGE_BYTES = 20 * 1024**2


@dataclass(frozen=True, slots=True)
class ExtractionSettings:
    frames_per_second: float = 1.0
    max_width: int | None = None
    start_seconds: float | None = None
    end_seconds: float | None = None
    thumbnails: bool = True


def _number(value: Any, name: str, low: float, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ApiError(f"'{name}' must be a number.")
    if value < low or (high is not None and value > high):
        bounds = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise ApiError(f"'{name}' must be {bounds}, got {value}.")
    return float(value)


def _object(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ApiError(f"'{name}' must be an object.")
    return value


def parse_extraction_config(value: Any, file: File, name: str) -> ExtractionSettings:
    """FrameExtractionConfig (uniform only) -> settings, checked against the video."""
    config = _object(value, name)
    strategy = config.get("strategy", "uniform")
    if strategy != "uniform":
        raise ApiError(f"'{name}.strategy' must be 'uniform', got {strategy!r}.")
    uniform = _object(config.get("uniform_config"), f"{name}.uniform_config")
    thumbs = _object(config.get("thumbnails_config"), f"{name}.thumbnails_config")
    fps = uniform.get("frames_per_second", 1.0)
    fps = _number(fps, f"{name}.uniform_config.frames_per_second", 0.1, 30)
    max_width = None
    if uniform.get("max_width") is not None:
        max_width = int(_number(uniform["max_width"], f"{name}.uniform_config.max_width", 64, 4096))
    start = end = None
    if config.get("start_time_seconds") is not None:
        start = _number(config["start_time_seconds"], f"{name}.start_time_seconds", 0)
    if config.get("end_time_seconds") is not None:
        end = _number(config["end_time_seconds"], f"{name}.end_time_seconds", 0)
    if start is not None and end is not None and end <= start:
        raise ApiError(f"'{name}.end_time_seconds' must be after start_time_seconds.")
    duration = file.duration_seconds
    if duration is not None and start is not None and start >= duration:
        raise ApiError(
            f"'{name}.start_time_seconds' ({start:g}) is beyond the video's duration "
            f"({duration:.2f} s)."
        )
    enabled = thumbs.get("enable_frame_thumbnails", True)
    if not isinstance(enabled, bool):
        raise ApiError(f"'{name}.thumbnails_config.enable_frame_thumbnails' must be a boolean.")
    return ExtractionSettings(fps, max_width, start, end, enabled)


def _uuid_field(body: dict[str, Any], name: str) -> uuid.UUID | None:
    value = body.get(name)
    if value is None:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError as err:
        raise ApiError(f"'{name}' must be a UUID, got {value!r}.") from err


def get_file(file_id: uuid.UUID) -> File:
    return get_or_not_found(File, file_id, "File")


WorkT = TypeVar("WorkT", FrameExtraction, FaceDetection)


def _earlier_work(model: type[WorkT], work_id: uuid.UUID, file: File, what: str) -> WorkT:
    """An earlier extraction or detection named in a request, if it can be reused."""
    row = get_or_not_found(model, work_id, what)
    if row.file_id != file.id:
        raise ApiError(f"{what} {work_id} belongs to another file.")
    if row.status == "failed":
        raise ApiError(f"{what} {work_id} failed; start a new one.")
    return row


def resolve_target_video(url: Any, name: str) -> File:
    """A `cloudglue://files/<id>` uri, or an http(s) URL fetched into a new File."""
    if not isinstance(url, str) or not url.strip():
        raise ApiError(f"'{name}' is required: a cloudglue://files/<id> uri or a URL.")
    url = url.strip()
    if url.startswith(FILE_URI_PREFIX):
        raw_id = url[len(FILE_URI_PREFIX) :]
        try:
            file_id = uuid.UUID(raw_id)
        except ValueError as err:
            raise NotFound(f"File {raw_id!r} not found.") from err
        return get_file(file_id)
    if url.startswith(("http://", "https://")):
        return _fetch_video(url)
    raise ApiError(f"'{name}' must be a cloudglue://files/<id> uri or an http(s) URL.")


def _fetch_video(url: str) -> File:
    with tempfile.TemporaryDirectory(prefix="facematch-fetch-") as folder:
        target = Path(folder) / "download"
        try:
            fetched = fetch.fetch_to_path(url, target)
        except fetch.FetchError as err:
            raise ApiError(str(err)) from err
        return files.store_local_copy(fetched.path, fetched.filename, origin=File.Source.HTTP)


def _new_extraction(file: File, config: ExtractionSettings) -> FrameExtraction:
    return FrameExtraction.objects.create(
        file=file,
        frames_per_second=config.frames_per_second,
        max_width=config.max_width,
        start_seconds=config.start_seconds,
        end_seconds=config.end_seconds,
        thumbnails=config.thumbnails,
    )


_Row = TypeVar("_Row", FrameExtraction, FaceDetection, FaceMatch)


def _refresh(row: _Row) -> _Row:
    row.refresh_from_db()
    return row


# --- Frame extraction ---------------------------------------------------------


def create_frame_extraction(file: File, body: dict[str, Any]) -> FrameExtraction:
    config = parse_extraction_config(body, file, "frame_extraction_config")
    extraction = _new_extraction(file, config)
    tasks.run_frame_extraction.enqueue(str(extraction.id))
    return _refresh(extraction)


# --- Face detection -------------------------------------------------------------


def _reusable_extraction(body: dict[str, Any], file: File) -> FrameExtraction | None:
    extraction_id = _uuid_field(body, "frame_extraction_id")
    if extraction_id is None:
        return None
    return _earlier_work(FrameExtraction, extraction_id, file, "Frame extraction")


def create_face_detection(body: dict[str, Any]) -> FaceDetection:
    file = resolve_target_video(body.get("url"), "url")
    extraction = _reusable_extraction(body, file)
    with transaction.atomic():
        if extraction is None:
            config = parse_extraction_config(
                body.get("frame_extraction_config"), file, "frame_extraction_config"
            )
            extraction = _new_extraction(file, config)
        detection = FaceDetection.objects.create(
            file=file, frame_extraction=extraction, detector=settings.ENGINE_DETECTOR
        )
    tasks.run_face_detection.enqueue(str(detection.id))
    return _refresh(detection)


# --- Face match -------------------------------------------------------------------


def source_image_bytes(value: Any) -> bytes:
    """The source photo's bytes, checked to be a decodable image of sane size."""
    source = _object(value, "source_image")
    base64_image, url = source.get("base64_image"), source.get("url")
    if bool(base64_image) == bool(url):
        raise ApiError("'source_image' needs exactly one of 'base64_image' or 'url'.")
    if base64_image:
        if not isinstance(base64_image, str):
            raise ApiError("'source_image.base64_image' must be a string.")
        payload = base64_image.strip()
        if payload.startswith("data:") and "," in payload:  # tolerate a data: URL
            payload = payload.split(",", 1)[1]
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError) as err:
            raise ApiError("'source_image.base64_image' is not valid base64.") from err
    else:
        if not isinstance(url, str):
            raise ApiError("'source_image.url' must be a string.")
        try:
            data = fetch.fetch_bytes(url, max_bytes=MAX_SOURCE_IMAGE_BYTES)
        except fetch.FetchError as err:
            raise ApiError(str(err)) from err
    if not data:
        raise ApiError("The source image is empty.")
    try:
        imaging.image_size(data, max_pixels=settings.ENGINE_MAX_IMAGE_PIXELS)
    except imaging.ImageTooLarge as err:
        raise ApiError(f"The source image is too large: {err}") from err
    except imaging.ImagingError as err:
        raise ApiError(f"The source image is not a readable image: {err}") from err
    return data


def _reusable_detection(body: dict[str, Any], file: File) -> FaceDetection | None:
    detection_id = _uuid_field(body, "face_detection_id")
    if detection_id is None:
        return None
    detection = _earlier_work(FaceDetection, detection_id, file, "Face detection")
    extraction_id = _uuid_field(body, "frame_extraction_id")
    if extraction_id is not None and extraction_id != detection.frame_extraction_id:
        raise ApiError(
            f"Face detection {detection_id} used frame extraction "
            f"{detection.frame_extraction_id}, not {extraction_id}."
        )
    return detection


def _max_faces(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError("'max_faces' must be an integer.")
    if not 1 <= value <= MAX_FACES:
        raise ApiError(f"'max_faces' must be between 1 and {MAX_FACES}, got {value}.")
    return value


def create_face_match(body: dict[str, Any]) -> FaceMatch:
    if "source_image" not in body:
        raise ApiError("'source_image' is required.")
    max_faces = _max_faces(body.get("max_faces"))
    file = resolve_target_video(body.get("target_video_url"), "target_video_url")
    image = source_image_bytes(body.get("source_image"))
    detection = _reusable_detection(body, file)
    with transaction.atomic():
        if detection is None:
            extraction = _reusable_extraction(body, file)
            if extraction is None:
                config = parse_extraction_config(
                    body.get("frame_extraction_config"), file, "frame_extraction_config"
                )
                extraction = _new_extraction(file, config)
            detection = FaceDetection.objects.create(
                file=file, frame_extraction=extraction, detector=settings.ENGINE_DETECTOR
            )
        face_match = FaceMatch(
            file=file,
            face_detection=detection,
            frame_extraction_id=detection.frame_extraction_id,
            max_faces=max_faces,
        )
        path = storage.source_image_path(file.id, face_match.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(image)
        face_match.source_image = storage.relative(path)
        face_match.save()
    tasks.run_face_match.enqueue(str(face_match.id))
    return _refresh(face_match)


# --- Deleting ------------------------------------------------------------------------


def delete_extraction(extraction: FrameExtraction) -> None:
    """The extraction, its frames and thumbnails, and detections built on it."""
    frames_folder = storage.frames_dir(extraction.file_id, extraction.id)
    extraction.delete()
    storage.remove_tree(frames_folder)


def delete_face_match(face_match: FaceMatch) -> None:
    source = face_match.source_image
    face_match.delete()
    storage.remove_file(source)
