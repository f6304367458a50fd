"""Media built in code for the pipeline's tests."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import av
import numpy as np
from PIL import Image

from facematch_ui.lib.compose_video import FACE_BOXES


def counter_video(
    path: Path,
    *,
    seconds: float = 4.0,
    fps: int = 10,
    size: tuple[int, int] = (320, 180),
    faststart: bool = True,
) -> Path:
    """An H.264 MP4 whose frame i is a flat grey of level 10 * (i % 25)."""
    options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), mode="w", options=options) as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        stream.options = {"preset": "ultrafast", "g": str(fps)}
        for i in range(round(seconds * fps)):
            pixels = np.full((size[1], size[0], 3), 10 * (i % 25), dtype=np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")))
        container.mux(stream.encode())
    return path


def truncated(path: Path, fraction: float) -> Path:
    data = path.read_bytes()
    out = path.with_name(f"truncated-{path.name}")
    out.write_bytes(data[: int(len(data) * fraction)])
    return out


def face_crop(photo: Path, face_width: int) -> Image.Image:
    """Head and shoulders of a sample photo, scaled so the face is face_width px."""
    left, top, width, height = FACE_BOXES[photo.name]
    image = Image.open(photo).convert("RGB")
    crop = image.crop(
        (
            max(0, left - width),
            max(0, top - height),
            min(image.width, left + 2 * width),
            min(image.height, top + 2 * height),
        )
    )
    scale = face_width / width
    return crop.resize((round(crop.width * scale), round(crop.height * scale)))


def jpeg(image: Image.Image, **save: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", **save)
    return buffer.getvalue()


def rotated_90(path: Path) -> Path:
    """The same MP4 with a display matrix saying "turn 90 degrees clockwise",
    as phones write for portrait video (patched into the track header)."""
    data = bytearray(path.read_bytes())
    tkhd = data.index(b"tkhd")
    if data[tkhd + 4] != 0:
        raise ValueError("expected a version 0 tkhd box")
    # type, version/flags, 2 dates, track id, reserved, duration, 8 reserved,
    # layer, group, volume, reserved: then the 3x3 matrix (16.16 / 2.30 fixed).
    matrix = tkhd + 4 + 4 + 4 * 5 + 8 + 2 * 4
    data[matrix : matrix + 36] = struct.pack(">9i", 0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000)
    out = path.with_name(f"rotated-{path.name}")
    out.write_bytes(bytes(data))
    return out


def left_band_video(path: Path, size: tuple[int, int] = (320, 180)) -> Path:
    """2 s of black frames with a white band on the left quarter."""
    with av.open(str(path), mode="w", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream("libx264", rate=5)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        pixels = np.zeros((size[1], size[0], 3), dtype=np.uint8)
        pixels[:, : size[0] // 4] = 255
        for _ in range(10):
            container.mux(stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")))
        container.mux(stream.encode())
    return path
