from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from facematch_ui.engine.pipeline.source import find_source_face
from facematch_ui.engine.pipeline.types import InvalidMedia, NoFaceFound
from tests.engine.pipeline.helpers import face_crop, jpeg


def two_people(photos: Path, *, big: str, small: str) -> bytes:
    """A 900x500 picture with one face of 160 px on the left, one of 70 px on the right."""
    canvas = Image.new("RGB", (900, 500), (90, 100, 110))
    canvas.paste(face_crop(photos / big, 160), (20, 20))
    canvas.paste(face_crop(photos / small, 70), (650, 150))
    return jpeg(canvas, quality=92)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("big", "small"), [("obama2.jpg", "biden.jpg"), ("biden.jpg", "obama2.jpg")]
)
def test_it_picks_the_largest_face(photos: Path, big: str, small: str) -> None:
    alone = find_source_face((photos / big).read_bytes())

    source = find_source_face(two_people(photos, big=big, small=small))

    assert source.box.left < 0.4  # the big face is on the left
    assert source.box.width * 900 == pytest.approx(160, rel=0.25)
    assert float(np.linalg.norm(source.embedding - alone.embedding)) < 0.4
    assert source.embedding.shape == (128,) and source.embedding.dtype == np.float32


@pytest.mark.slow
def test_it_applies_the_exif_orientation(photos: Path) -> None:
    upright = find_source_face((photos / "obama2.jpg").read_bytes())
    # Store the pixels rotated and say so in EXIF, as phones do.
    image = Image.open(photos / "obama2.jpg").rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    rotated = jpeg(image, exif=exif, quality=95)

    source = find_source_face(rotated)

    assert source.box.left == pytest.approx(upright.box.left, abs=0.03)
    assert source.box.top == pytest.approx(upright.box.top, abs=0.03)


@pytest.mark.slow
def test_an_image_without_a_face_raises_no_face_found() -> None:
    gradient = np.tile(np.linspace(0, 255, 400, dtype=np.uint8), (300, 1))

    with pytest.raises(NoFaceFound, match="No face was found"):
        find_source_face(jpeg(Image.fromarray(gradient).convert("RGB")))


def test_bytes_that_are_not_an_image_are_invalid_media() -> None:
    with pytest.raises(InvalidMedia, match="Not a readable image"):
        find_source_face(b"%PDF-1.4 not a picture")


def test_a_decompression_bomb_is_invalid_media_before_decoding() -> None:
    buffer = io.BytesIO()
    Image.new("1", (8_000, 8_000)).save(buffer, format="PNG")  # 64 MP in a few kB

    with pytest.raises(InvalidMedia, match="too large"):
        find_source_face(buffer.getvalue(), max_pixels=40_000_000)


def test_the_pixel_limit_is_the_callers(photos: Path) -> None:
    with pytest.raises(InvalidMedia, match="too large"):
        find_source_face((photos / "obama2.jpg").read_bytes(), max_pixels=100_000)


@pytest.mark.slow
def test_the_cnn_detector_finds_the_face_too(photos: Path) -> None:
    image = Image.open(photos / "obama2.jpg")
    image.thumbnail((300, 300))
    hog = find_source_face(jpeg(image))

    cnn = find_source_face(jpeg(image), detector="cnn")

    assert cnn.box.left == pytest.approx(hog.box.left, abs=0.08)
    assert float(np.linalg.norm(cnn.embedding - hog.embedding)) < 0.3
