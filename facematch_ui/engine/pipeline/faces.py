"""Detect and embed: dlib's face detectors and its 128-d ResNet embedding.

These are face_recognition 1.3.0's defaults, so distances are comparable to
its documented tolerance: HOG (or the MMOD CNN) with one upsampling, the
5-point landmark predictor ("small", face_encodings' default) and one jitter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .models import DETECTORS, cnn_detector, models
from .types import Box

RGB = npt.NDArray[np.uint8]
NUM_JITTERS = 1


@dataclass(frozen=True, slots=True)
class Detection:
    """A face box in pixels (dlib's convention: right/bottom inclusive)."""

    left: int
    top: int
    right: int
    bottom: int
    score: float

    @property
    def width(self) -> int:
        return self.right - self.left + 1

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2

    @property
    def area(self) -> int:
        return max(0, self.right - self.left + 1) * max(0, self.bottom - self.top + 1)

    def box(self, width: int, height: int) -> Box:
        """Normalized box, clamped to the frame."""
        left = min(max(self.left, 0), width)
        top = min(max(self.top, 0), height)
        right = min(max(self.right + 1, 0), width)
        bottom = min(max(self.bottom + 1, 0), height)
        return Box(
            top=top / height,
            left=left / width,
            width=max(0, right - left) / width,
            height=max(0, bottom - top) / height,
        )

    def iou(self, other: Detection) -> float:
        left, top = max(self.left, other.left), max(self.top, other.top)
        right, bottom = min(self.right, other.right), min(self.bottom, other.bottom)
        inter = max(0, right - left + 1) * max(0, bottom - top + 1)
        union = self.area + other.area - inter
        return inter / union if union else 0.0


def detect(image: RGB, detector: str = "hog", upsample: int = 1) -> list[Detection]:
    """Faces in an RGB image. upsample=1 finds faces down to ~40 px."""
    if detector not in DETECTORS:
        raise ValueError(f"Unknown detector {detector!r}; choose one of {', '.join(DETECTORS)}")
    if detector == "cnn":
        return [
            _detection(found.rect, float(found.confidence))
            for found in cnn_detector()(image, upsample)
        ]
    rects, scores, _ = models().hog.run(image, upsample, 0.0)
    return [_detection(rect, float(score)) for rect, score in zip(rects, scores, strict=True)]


def embed(image: RGB, detections: Sequence[Detection]) -> npt.NDArray[np.float32]:
    """One 128-d embedding per detection (rows), computed in one batch call."""
    if not detections:
        return np.empty((0, 128), dtype=np.float32)
    import dlib

    m = models()
    shapes = dlib.full_object_detections()
    for found in detections:
        rect = dlib.rectangle(found.left, found.top, found.right, found.bottom)
        shapes.append(m.shape_predictor(image, rect))
    vectors = m.encoder.compute_face_descriptor(image, shapes, NUM_JITTERS)
    return np.asarray([np.asarray(v) for v in vectors], dtype=np.float32)


def _detection(rect: Any, score: float) -> Detection:
    return Detection(rect.left(), rect.top(), rect.right(), rect.bottom(), score)
