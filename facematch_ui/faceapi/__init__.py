"""The service module: the dashboard's client of the face API (httpx).

Knows no Django: the caller builds a `FaceApiClient` from settings.
"""

from .client import FaceApiClient
from .errors import (
    FaceApiError,
    InvalidRequest,
    InvalidResponse,
    NotFound,
    RateLimited,
    Unauthorized,
    Unreachable,
    UpstreamError,
)
from .types import (
    BoundingBox,
    FaceMatchJob,
    FaceMatchResult,
    FileList,
    FrameExtractionConfig,
    JobList,
    JobStatus,
    MatchPage,
    MediaInfo,
    NewFaceMatch,
    UploadedFile,
)

__all__ = [
    "BoundingBox",
    "FaceApiClient",
    "FaceApiError",
    "FaceMatchJob",
    "FaceMatchResult",
    "FileList",
    "FrameExtractionConfig",
    "InvalidRequest",
    "InvalidResponse",
    "JobList",
    "JobStatus",
    "MatchPage",
    "MediaInfo",
    "NewFaceMatch",
    "NotFound",
    "RateLimited",
    "Unauthorized",
    "Unreachable",
    "UploadedFile",
    "UpstreamError",
]
