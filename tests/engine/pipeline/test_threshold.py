"""The decision distance holds on the real photos (see match.py's measurements)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageEnhance, ImageOps

from facematch_ui.engine.pipeline import match
from facematch_ui.engine.pipeline.source import find_source_face
from facematch_ui.lib.compose_video import FACE_BOXES
from tests.engine.pipeline.helpers import face_crop, jpeg

pytestmark = pytest.mark.slow


def variants(photos: Path) -> list[tuple[str, bytes]]:
    """Each person from different photos, mirrored, tiny, recompressed, darkened."""

    def crop(name: str, face: int) -> Image.Image:
        return face_crop(photos / name, face)

    return [
        ("obama", jpeg(crop("obama.jpg", 150))),
        ("obama", jpeg(ImageOps.mirror(crop("obama2.jpg", 150)))),
        ("obama", jpeg(crop("obama3.jpg", 60))),
        ("obama", jpeg(crop("obama2.jpg", 120), quality=25)),
        ("obama", jpeg(ImageEnhance.Brightness(crop("obama3.jpg", 150)).enhance(0.55))),
        ("biden", jpeg(crop("biden.jpg", 150))),
        ("biden", jpeg(ImageOps.mirror(crop("biden.jpg", 60)))),
        ("biden", jpeg(ImageEnhance.Brightness(crop("biden.jpg", 120)).enhance(1.5), quality=25)),
    ]


def test_same_people_match_and_different_people_do_not(photos: Path) -> None:
    assert set(FACE_BOXES) >= {"obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"}
    embedded = [(who, find_source_face(data).embedding) for who, data in variants(photos)]

    same, different = [], []
    for (a, ea), (b, eb) in itertools.combinations(embedded, 2):
        similarity = float(match.score(ea, eb[None, :])[0])
        (same if a == b else different).append(similarity)

    assert min(same) >= match.DEFAULT_THRESHOLD
    assert max(different) < match.DEFAULT_THRESHOLD
    assert np.median(same) > 80 and np.median(different) < 5
