"""facematch_ui.imaging on images drawn in the test."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from facematch_ui import imaging

RED = (220, 30, 30)
BLUE = (30, 30, 220)


def jpeg_bytes(image: Image.Image, **save: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95, **save)
    return buffer.getvalue()


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def frame_with_red_square() -> Image.Image:
    """A 1280x720 blue frame with a red 'face' at top=0.25, left=0.5, 0.2x0.2 of height."""
    image = Image.new("RGB", (1280, 720), BLUE)
    ImageDraw.Draw(image).rectangle((640, 180, 640 + 144, 180 + 144), fill=RED)
    return image


def open_result(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def close_to(pixel: Any, colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=False))


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge image: a decompression bomb's shape."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_fit_jpeg_shrinks_a_large_frame_keeping_its_aspect() -> None:
    data = fit_jpeg_of(frame_with_red_square(), (640, 640))
    image = open_result(data)
    assert image.format == "JPEG"
    assert image.size == (640, 360)


def fit_jpeg_of(image: Image.Image, max_size: tuple[int, int]) -> bytes:
    return imaging.fit_jpeg(jpeg_bytes(image), max_size)


def test_fit_jpeg_never_enlarges_a_small_image() -> None:
    data = imaging.fit_jpeg(png_bytes(Image.new("RGB", (100, 50), RED)), (640, 640))
    image = open_result(data)
    assert image.size == (100, 50)
    assert close_to(image.getpixel((50, 25)), RED)


def test_fit_jpeg_flattens_transparency_onto_white() -> None:
    transparent = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    image = open_result(imaging.fit_jpeg(png_bytes(transparent), (100, 100)))
    assert close_to(image.getpixel((20, 20)), (255, 255, 255), tolerance=5)


def test_load_image_applies_exif_orientation() -> None:
    # Stored landscape, tagged "rotate 90° clockwise to display" (6): shown portrait.
    stored = Image.new("RGB", (300, 200), BLUE)
    ImageDraw.Draw(stored).rectangle((0, 0, 29, 199), fill=RED)  # red on the left edge
    exif = Image.Exif()
    exif[0x0112] = 6
    data = jpeg_bytes(stored, exif=exif.tobytes())

    image = imaging.load_image(data)

    assert image.size == (200, 300)
    assert imaging.image_size(data) == (200, 300)
    # The left edge, turned clockwise, is now the top.
    assert close_to(image.getpixel((100, 5)), RED)
    assert close_to(image.getpixel((100, 295)), BLUE)


def test_draft_decoding_still_yields_at_least_the_requested_size() -> None:
    image = imaging.load_image(jpeg_bytes(frame_with_red_square()), draft_size=(300, 300))
    assert image.width >= 300 and image.height >= 300
    assert image.width < 1280  # decoded at a reduced scale


def test_crop_box_jpeg_zooms_on_the_face_with_a_margin() -> None:
    data = jpeg_bytes(frame_with_red_square())
    # The red square, as the API would box it.
    box = (180 / 720, 640 / 1280, 144 / 1280, 144 / 720)

    crop = open_result(imaging.crop_box_jpeg(data, box, margin=0.35, size=(160, 160)))

    assert crop.size == (160, 160)
    assert close_to(crop.getpixel((80, 80)), RED)  # face in the middle
    assert close_to(crop.getpixel((3, 3)), BLUE)  # margin around it
    # The face covers 1/(1+2*0.35) of the side: about 94 of 160 pixels.
    red_columns = [x for x in range(160) if close_to(crop.getpixel((x, 80)), RED)]
    assert 85 <= len(red_columns) <= 103


def test_crop_region_stays_inside_the_image_at_a_corner() -> None:
    region = imaging.crop_region((1000, 500), (0.9, 0.95, 0.1, 0.1), margin=0.5)
    left, top, right, bottom = region
    assert 0 <= left < right <= 1000
    assert 0 <= top < bottom <= 500
    assert right - left == bottom - top  # still square, shifted not squashed
    assert (right, bottom) == (1000, 500)


def test_crop_region_shrinks_when_the_box_is_bigger_than_the_image_allows() -> None:
    left, top, right, bottom = imaging.crop_region((400, 300), (0.0, 0.0, 1.0, 1.0), margin=0.35)
    assert (left, top, right, bottom) == (50, 0, 350, 300)


def test_crop_box_accepts_a_bounding_box_object() -> None:
    from facematch_ui.faceapi.types import BoundingBox

    image = frame_with_red_square()
    crop = imaging.crop_box(image, BoundingBox(top=0.25, left=0.5, width=0.1125, height=0.2))
    assert crop.size == (160, 160)
    assert close_to(crop.getpixel((80, 80)), RED)


def test_encode_jpeg_accepts_a_numpy_frame() -> None:
    frame = np.zeros((48, 64, 3), dtype=np.uint8)
    frame[:, :, 0] = 200
    image = open_result(imaging.encode_jpeg(frame))
    assert image.size == (64, 48)
    assert close_to(image.getpixel((10, 10)), (200, 0, 0))


def test_decode_rgb_array_gives_height_width_channels() -> None:
    array = imaging.decode_rgb_array(png_bytes(Image.new("L", (30, 20), 128)))
    assert array.shape == (20, 30, 3)
    assert array.dtype == np.uint8
    assert int(array[5, 5, 0]) == 128


def test_placeholder_jpeg_has_the_requested_size() -> None:
    image = open_result(imaging.placeholder_jpeg((160, 160), "No image"))
    assert image.size == (160, 160)
    # Text is drawn: not every pixel is the background.
    assert len(image.getcolors(maxcolors=100_000) or []) > 1


def test_draw_boxes_outlines_without_touching_the_original() -> None:
    image = Image.new("RGB", (200, 100), BLUE)
    marked = imaging.draw_boxes(image, [(0.1, 0.1, 0.5, 0.5)])
    assert close_to(marked.getpixel((20, 10)), (255, 196, 0))
    assert image.getpixel((20, 10)) == BLUE


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = png_header_claiming(30_000, 30_000)  # 900 MP in 100 bytes
    with pytest.raises(imaging.ImageTooLarge):
        imaging.fit_jpeg(bomb, (640, 640))
    # Even with a caller limit above Pillow's own, Pillow's check is our error too.
    with pytest.raises(imaging.ImageTooLarge):
        imaging.load_image(bomb, max_pixels=10**10)


def test_an_image_above_the_caller_limit_is_refused_with_its_size() -> None:
    data = png_bytes(Image.new("RGB", (200, 100)))
    with pytest.raises(imaging.ImageTooLarge, match="200x100"):
        imaging.load_image(data, max_pixels=10_000)


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image at all", b"\xff\xd8\xff\xe0" + b"\x00" * 20],
    ids=["empty", "text", "truncated-jpeg"],
)
def test_bytes_that_are_not_an_image_raise_invalid_image(data: bytes) -> None:
    with pytest.raises(imaging.InvalidImage):
        imaging.fit_jpeg(data, (100, 100))


def test_a_truncated_image_body_raises_invalid_image() -> None:
    data = jpeg_bytes(frame_with_red_square())
    with pytest.raises(imaging.InvalidImage):
        imaging.load_image(data[: len(data) // 3])
