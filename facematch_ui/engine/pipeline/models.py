"""The dlib models, loaded lazily once per process.

Loading the ResNet and the predictors takes ~0.5 s and ~100 MB, so each
process (web worker, task worker, analysis pool worker) loads them on first
use and keeps them. A lock makes the first load safe from several threads.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from typing import Any

DETECTORS = ("hog", "cnn")


@dataclass(frozen=True, slots=True)
class Models:
    hog: Any  # dlib.fhog_object_detector
    shape_predictor: Any  # dlib.shape_predictor, 5 landmarks
    encoder: Any  # dlib.face_recognition_model_v1


_lock = threading.Lock()
_models: Models | None = None
_cnn: Any = None


def _model_paths() -> Any:
    # face_recognition_models imports pkg_resources, which warns on import.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import face_recognition_models
    return face_recognition_models


def models() -> Models:
    """HOG detector, 5-point predictor and encoder (face_recognition's defaults)."""
    global _models
    if _models is None:
        with _lock:
            if _models is None:
                import dlib

                paths = _model_paths()
                _models = Models(
                    hog=dlib.get_frontal_face_detector(),
                    shape_predictor=dlib.shape_predictor(
                        paths.pose_predictor_five_point_model_location()
                    ),
                    encoder=dlib.face_recognition_model_v1(paths.face_recognition_model_location()),
                )
    return _models


def cnn_detector() -> Any:
    """dlib's MMOD CNN detector: more robust to pose, ~20x slower on CPU."""
    global _cnn
    if _cnn is None:
        with _lock:
            if _cnn is None:
                import dlib

                _cnn = dlib.cnn_face_detection_model_v1(
                    _model_paths().cnn_face_detector_model_location()
                )
    return _cnn
