"""Typed objects of the face API, as the client returns them.

Parsing from JSON lives in `facematch_ui.faceapi.parse`; these classes only
hold validated values. Times are timezone-aware datetimes (the API sends
seconds or milliseconds since the epoch; the parser tells them apart), boxes
are normalized to 0..1 and similarity is 0..100.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class JobStatus(enum.StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED)


@dataclass(frozen=True, slots=True)
class BoundingBox:
    """A face box, each value a fraction of the frame (0..1)."""

    top: float
    left: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class FaceMatchResult:
    """One matched face in one frame of the target video."""

    id: str
    box: BoundingBox
    similarity: float  # 0..100
    frame_id: str
    timestamp: float  # seconds from the start of the video
    thumbnail_url: str | None = None


@dataclass(frozen=True, slots=True)
class MatchPage:
    """One page of a completed job's results (`data` of getFaceMatch)."""

    total: int
    limit: int
    offset: int
    matches: tuple[FaceMatchResult, ...]
    # Matches left out because their box or score was clearly wrong (logged).
    dropped: int = 0


@dataclass(frozen=True, slots=True)
class JobProgress:
    """How far a running job got (`progress`, sent by the embedded engine only)."""

    frames_done: int
    frames_total: int


@dataclass(frozen=True, slots=True)
class FaceMatchJob:
    """A face-match job (getFaceMatch / createFaceMatch / listFaceMatch item)."""

    id: str
    status: JobStatus
    created_at: datetime
    file_id: str | None = None
    face_detection_id: str | None = None
    frame_extraction_id: str | None = None
    source_box: BoundingBox | None = None
    match_count: int | None = None  # listFaceMatch only
    page: MatchPage | None = None  # getFaceMatch of a completed job only
    # Beyond the spec, sent by the embedded engine; the hosted API omits them.
    progress: JobProgress | None = None  # while processing
    error: str | None = None  # why a failed job failed


@dataclass(frozen=True, slots=True)
class JobList:
    total: int
    limit: int
    offset: int
    jobs: tuple[FaceMatchJob, ...]


@dataclass(frozen=True, slots=True)
class MediaInfo:
    duration_seconds: float | None = None
    width: int | None = None
    height: int | None = None
    format: str | None = None
    has_audio: bool | None = None


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file known to the API (uploadFile / getFile)."""

    id: str
    uri: str  # cloudglue://files/<id>, the value for target_video_url
    status: str
    filename: str | None = None
    bytes: int | None = None
    created_at: datetime | None = None
    media_info: MediaInfo | None = None
    metadata: dict[str, object] | None = None


@dataclass(frozen=True, slots=True)
class FileList:
    total: int
    limit: int
    offset: int
    files: tuple[UploadedFile, ...]


@dataclass(frozen=True, slots=True)
class FrameExtractionConfig:
    """Uniform sampling, the only strategy the dashboard asks for."""

    frames_per_second: float = 1.0
    max_width: int | None = None
    start_time_seconds: float | None = None
    end_time_seconds: float | None = None
    thumbnails: bool = True


@dataclass(frozen=True, slots=True)
class NewFaceMatch:
    """What createFaceMatch needs. Exactly one of the two image sources."""

    target_video_url: str
    source_image_base64: str | None = None
    source_image_url: str | None = None
    max_faces: int | None = None
    face_detection_id: str | None = None
    frame_extraction_id: str | None = None
    frame_extraction: FrameExtractionConfig | None = field(default=None)
