"""JSON of the face API -> the typed objects of `types`.

Two kinds of problems, two answers:
- A value of the wrong type, or a missing required field, means the answer
  does not fit the contract: `InvalidResponse`, naming the field.
- A value of the right type slightly out of range (a box edge at -0.01, a
  similarity of 100.2: rounding upstream) is clamped; one clearly wrong
  (NaN, a box past 1.05) drops that one match, logged and counted in
  `MatchPage.dropped`, so one bad row does not hide a whole page.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from datetime import UTC, datetime

from .errors import InvalidResponse
from .types import (
    BoundingBox,
    FaceMatchJob,
    FaceMatchResult,
    FileList,
    JobList,
    JobProgress,
    JobStatus,
    MatchPage,
    MediaInfo,
    UploadedFile,
)

logger = logging.getLogger(__name__)

BOX_TOLERANCE = 0.05
SIMILARITY_TOLERANCE = 1.0
# Epoch values above this are milliseconds: 1e11 seconds is the year 5138,
# 1e11 milliseconds is March 1973, before any job of this API existed.
MILLISECONDS_THRESHOLD = 1e11

Json = Mapping[str, object]


class OutOfRange(ValueError):
    """A value of the right type but clearly wrong: drop the item holding it."""


# --- field readers -----------------------------------------------------------


def _invalid(what: str, field: str, expected: str, value: object) -> InvalidResponse:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return InvalidResponse(
        f"The face API sent an invalid {what}: field '{field}' must be {expected}, got {shown}."
    )


def _object(value: object, what: str, field: str) -> Json:
    if not isinstance(value, Mapping):
        raise _invalid(what, field, "an object", value)
    return value


def _str(data: Json, key: str, what: str, prefix: str = "") -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise _invalid(what, prefix + key, "a non-empty string", value)
    return value


def _opt_str(data: Json, key: str, what: str, prefix: str = "") -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _invalid(what, prefix + key, "a string", value)
    return value or None


def _is_number(value: object) -> bool:
    # bool is an int subclass; true/false is never a number in this contract.
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(data: Json, key: str, what: str, prefix: str = "") -> float:
    value = data.get(key)
    if not _is_number(value):
        raise _invalid(what, prefix + key, "a number", value)
    return float(value)  # type: ignore[arg-type]


def _opt_number(data: Json, key: str, what: str, prefix: str = "") -> float | None:
    if data.get(key) is None:
        return None
    return _number(data, key, what, prefix)


def _int(data: Json, key: str, what: str, prefix: str = "", *, minimum: int = 0) -> int:
    value = data.get(key)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise _invalid(what, prefix + key, f"an integer >= {minimum}", value)
    return value


def _opt_int(data: Json, key: str, what: str, prefix: str = "") -> int | None:
    if data.get(key) is None:
        return None
    return _int(data, key, what, prefix)


def _list(data: Json, key: str, what: str, prefix: str = "") -> list[object]:
    value = data.get(key)
    if not isinstance(value, list):
        raise _invalid(what, prefix + key, "an array", value)
    return value


def parse_timestamp(value: object) -> datetime:
    """Seconds or milliseconds since the epoch, or an ISO 8601 string -> aware UTC."""
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            return parsed.astimezone(UTC)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        raise ValueError(f"not a timestamp: {value!r}")
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"not a timestamp: {value!r}")
    if number > MILLISECONDS_THRESHOLD:
        number /= 1000.0
    return datetime.fromtimestamp(number, tz=UTC)


def _timestamp(data: Json, key: str, what: str, prefix: str = "") -> datetime:
    value = data.get(key)
    try:
        return parse_timestamp(value)
    except (ValueError, OverflowError, OSError) as err:
        raise _invalid(
            what, prefix + key, "seconds or milliseconds since the epoch, or ISO 8601", value
        ) from err


# --- range checks ------------------------------------------------------------


def _clamp_unit(name: str, value: float) -> float:
    if not math.isfinite(value) or value < -BOX_TOLERANCE or value > 1 + BOX_TOLERANCE:
        raise OutOfRange(f"box {name} {value!r} is outside 0..1")
    return min(max(value, 0.0), 1.0)


def parse_box(value: object, what: str, field: str) -> BoundingBox:
    """A normalized box, clamped into the frame; `OutOfRange` when clearly wrong."""
    data = _object(value, what, field)
    prefix = field + "."
    top = _clamp_unit("top", _number(data, "top", what, prefix))
    left = _clamp_unit("left", _number(data, "left", what, prefix))
    width = _number(data, "width", what, prefix)
    height = _number(data, "height", what, prefix)
    if not (width > 0 and height > 0):  # also rejects NaN
        raise OutOfRange(f"box size {width!r} x {height!r} is not positive")
    width = _clamp_unit("width", width)
    height = _clamp_unit("height", height)
    if left + width > 1 + BOX_TOLERANCE or top + height > 1 + BOX_TOLERANCE:
        raise OutOfRange("box extends past the frame")
    return BoundingBox(
        top=top, left=left, width=min(width, 1.0 - left), height=min(height, 1.0 - top)
    )


def _similarity(value: float) -> float:
    if not math.isfinite(value) or not (
        -SIMILARITY_TOLERANCE <= value <= 100 + SIMILARITY_TOLERANCE
    ):
        raise OutOfRange(f"similarity {value!r} is outside 0..100")
    return min(max(value, 0.0), 100.0)


# --- objects -----------------------------------------------------------------


def parse_result(value: object, field: str = "result") -> FaceMatchResult:
    """One FaceMatchResult; raises `OutOfRange` for a clearly wrong box or score."""
    what = "face match result"
    data = _object(value, what, field)
    prefix = field + "."
    timestamp = _number(data, "timestamp", what, prefix)
    if not math.isfinite(timestamp) or timestamp < 0:
        raise OutOfRange(f"timestamp {timestamp!r} is negative or not finite")
    return FaceMatchResult(
        id=_str(data, "id", what, prefix),
        box=parse_box(data.get("face_bounding_box"), what, prefix + "face_bounding_box"),
        similarity=_similarity(_number(data, "similarity", what, prefix)),
        frame_id=_str(data, "frame_id", what, prefix),
        timestamp=timestamp,
        thumbnail_url=_opt_str(data, "thumbnail_url", what, prefix),
    )


def parse_match_page(value: object, job_id: str) -> MatchPage:
    what = "face match"
    data = _object(value, what, "data")
    matches: list[FaceMatchResult] = []
    dropped = 0
    for index, item in enumerate(_list(data, "faces_matches", what, "data.")):
        field = f"data.faces_matches[{index}]"
        try:
            matches.append(parse_result(item, field))
        except OutOfRange as err:
            dropped += 1
            logger.warning("Dropped %s of face match %s: %s", field, job_id, err)
    return MatchPage(
        total=_int(data, "total", what, "data."),
        limit=_int(data, "limit", what, "data."),
        offset=_int(data, "offset", what, "data."),
        matches=tuple(matches),
        dropped=dropped,
    )


def _status(data: Json, what: str, field: str = "status") -> JobStatus:
    value = data.get("status")
    try:
        return JobStatus(str(value))
    except ValueError as err:
        expected = "one of " + ", ".join(status.value for status in JobStatus)
        raise _invalid(what, field, expected, value) from err


def _source_box(data: Json, what: str, job_id: str) -> BoundingBox | None:
    value = data.get("source_face_bounding_box")
    if value is None:
        return None
    try:
        return parse_box(value, what, "source_face_bounding_box")
    except OutOfRange as err:
        logger.warning("Ignored the source box of face match %s: %s", job_id, err)
        return None


def _progress(data: Json, job_id: str) -> JobProgress | None:
    """The engine's optional `progress`; anything unreadable is no progress, not an error."""
    value = data.get("progress")
    if value is None:
        return None
    done = total = None
    if isinstance(value, Mapping):
        done, total = value.get("frames_done"), value.get("frames_total")
    if not (_is_count(done) and _is_count(total)) or done > total:  # type: ignore[operator]
        logger.warning("Ignored the progress of face match %s: %r", job_id, value)
        return None
    return JobProgress(frames_done=int(done), frames_total=int(total))  # type: ignore[arg-type]


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _failure(data: Json) -> str | None:
    """The engine's optional `error` of a failed job (the hosted API sends none)."""
    value = data.get("error")
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()


def parse_face_match(value: object) -> FaceMatchJob:
    """A FaceMatch (getFaceMatch, createFaceMatch)."""
    what = "face match"
    data = _object(value, what, "(body)")
    job_id = _str(data, "face_match_id", what)
    status = _status(data, what)
    page = None
    if status is JobStatus.COMPLETED and data.get("data") is not None:
        page = parse_match_page(data["data"], job_id)
    return FaceMatchJob(
        id=job_id,
        status=status,
        created_at=_timestamp(data, "created_at", what),
        file_id=_opt_str(data, "file_id", what),
        face_detection_id=_opt_str(data, "face_detection_id", what),
        frame_extraction_id=_opt_str(data, "frame_extraction_id", what),
        source_box=_source_box(data, what, job_id),
        page=page,
        progress=_progress(data, job_id) if status is JobStatus.PROCESSING else None,
        error=_failure(data) if status is JobStatus.FAILED else None,
    )


def _parse_job_list_item(value: object, field: str) -> FaceMatchJob:
    what = "face match list"
    data = _object(value, what, field)
    prefix = field + "."
    # The list item names its id `job_id`; tolerate the getFaceMatch name too.
    key = "job_id" if "job_id" in data else "face_match_id"
    job_id = _str(data, key, what, prefix)
    return FaceMatchJob(
        id=job_id,
        status=_status(data, what, prefix + "status"),
        created_at=_timestamp(data, "created_at", what, prefix),
        file_id=_opt_str(data, "file_id", what, prefix),
        face_detection_id=_opt_str(data, "face_detection_id", what, prefix),
        frame_extraction_id=_opt_str(data, "frame_extraction_id", what, prefix),
        source_box=_source_box(data, what, job_id),
        match_count=_opt_int(data, "match_count", what, prefix),
    )


def parse_job_list(value: object) -> JobList:
    """A FaceMatchListResponse (listFaceMatch)."""
    what = "face match list"
    data = _object(value, what, "(body)")
    items = _list(data, "data", what)
    return JobList(
        total=_int(data, "total", what),
        limit=_int(data, "limit", what),
        offset=_int(data, "offset", what),
        jobs=tuple(_parse_job_list_item(item, f"data[{i}]") for i, item in enumerate(items)),
    )


def _media_info(data: Json, what: str, prefix: str) -> MediaInfo | None:
    # Older answers only have `video_info`; same fields.
    key = "media_info" if data.get("media_info") is not None else "video_info"
    if data.get(key) is None:
        return None
    info = _object(data[key], what, prefix + key)
    sub = f"{prefix}{key}."
    has_audio = info.get("has_audio")
    if has_audio is not None and not isinstance(has_audio, bool):
        raise _invalid(what, sub + "has_audio", "a boolean", has_audio)
    return MediaInfo(
        duration_seconds=_opt_number(info, "duration_seconds", what, sub),
        width=_opt_int(info, "width", what, sub),
        height=_opt_int(info, "height", what, sub),
        format=_opt_str(info, "format", what, sub),
        has_audio=has_audio,
    )


def parse_file(value: object, field: str = "(body)") -> UploadedFile:
    """A File (uploadFile, getFile, listFiles item)."""
    what = "file"
    data = _object(value, what, field)
    prefix = "" if field == "(body)" else field + "."
    metadata = data.get("metadata")
    if metadata is not None:
        metadata = dict(_object(metadata, what, prefix + "metadata"))
    created_at = None
    if data.get("created_at") is not None:
        created_at = _timestamp(data, "created_at", what, prefix)
    return UploadedFile(
        id=_str(data, "id", what, prefix),
        uri=_str(data, "uri", what, prefix),
        status=_str(data, "status", what, prefix),
        filename=_opt_str(data, "filename", what, prefix),
        bytes=_opt_int(data, "bytes", what, prefix),
        created_at=created_at,
        media_info=_media_info(data, what, prefix),
        metadata=metadata,
    )


def parse_file_list(value: object) -> FileList:
    """A FileList (listFiles)."""
    what = "file list"
    data = _object(value, what, "(body)")
    items = _list(data, "data", what)
    return FileList(
        total=_int(data, "total", what),
        limit=_int(data, "limit", what),
        offset=_int(data, "offset", what),
        files=tuple(parse_file(item, f"data[{i}]") for i, item in enumerate(items)),
    )
