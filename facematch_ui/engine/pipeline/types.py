"""Typed values passed between the pipeline's steps.

decode (PyAV) -> detect (dlib HOG/CNN) -> embed (dlib ResNet, 128-d) ->
match (distance -> similarity) -> thumbnails. The steps know nothing of
Django models; the job runner (engine.runner) stores their output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Embedding = npt.NDArray[np.float32]  # shape (128,)


class PipelineError(Exception):
    """A problem with the input that the caller should report as-is."""


class InvalidMedia(PipelineError):
    """Not a decodable video (or image): unsupported, corrupt, truncated, empty."""


class NoFaceFound(PipelineError):
    """The source image has no detectable face."""


@dataclass(frozen=True, slots=True)
class Box:
    """Normalized face box (fractions of the frame, clamped to 0..1)."""

    top: float
    left: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class MediaProbe:
    """What PyAV reads from a container without decoding it all."""

    duration_seconds: float | None
    width: int | None
    height: int | None
    format: str | None
    has_audio: bool
    has_video: bool
    frame_rate: float | None


@dataclass(frozen=True, slots=True)
class SamplingConfig:
    """Uniform sampling of the video (FrameExtractionUniformConfig)."""

    frames_per_second: float = 1.0
    max_width: int | None = None
    start_seconds: float | None = None
    end_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class SampledFrame:
    index: int  # 0-based index among the sampled frames
    timestamp: float  # seconds
    image: npt.NDArray[np.uint8]  # RGB, shape (h, w, 3)


@dataclass(frozen=True, slots=True)
class Face:
    """A face found in a frame or image."""

    box: Box
    embedding: Embedding
    detection_score: float | None = None


@dataclass(frozen=True, slots=True)
class AnalysedFrame:
    index: int
    timestamp: float
    width: int
    height: int
    faces: tuple[Face, ...]
    thumbnail_jpeg: bytes | None  # None when thumbnails were not asked for


@dataclass(frozen=True, slots=True)
class SourceFace:
    box: Box  # in the source image
    embedding: Embedding
