"""Tiny real videos and images built in code for engine tests."""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np
from PIL import Image


def solid_video(
    path: Path,
    *,
    seconds: float = 2.0,
    fps: int = 5,
    size: tuple[int, int] = (160, 120),
    codec: str = "mpeg4",
) -> Path:
    """An MP4 of `seconds` of frames whose colour changes each frame."""
    width, height = size
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for i in range(int(seconds * fps)):
            pixels = np.full((height, width, 3), (i * 20) % 256, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def video_bytes(tmp_path: Path, **kwargs: object) -> bytes:
    return solid_video(tmp_path / "clip.mp4", **kwargs).read_bytes()  # type: ignore[arg-type]


def jpeg_bytes(
    size: tuple[int, int] = (64, 64), colour: tuple[int, int, int] = (200, 150, 120)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def bomb_png(pixels_per_side: int = 20_000) -> bytes:
    """A small PNG declaring an enormous canvas (a decompression bomb)."""
    buffer = io.BytesIO()
    Image.new("1", (pixels_per_side, pixels_per_side)).save(buffer, format="PNG")
    return buffer.getvalue()
