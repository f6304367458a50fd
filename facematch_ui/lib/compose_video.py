"""Compose short MP4 videos from real face photos, with known ground truth.

Each video is a sequence of shots (hard cuts between them). A shot is a
synthetic background with zero or more "sprites": head-and-shoulders crops of
the sample photos (see sample_faces) whose face centre pans and whose face
size zooms linearly over the shot. Because we place every face ourselves, we
know at each instant who is visible and where, independently of any detector.

Identities: the sample photos hold two people only, Barack Obama and Joe
Biden. Obama appears from obama.jpg and obama3.jpg (and mirrored); obama2.jpg
is kept out of the videos so it can serve as an unseen source photo.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter, ImageOps

from facematch_ui.lib.sample_faces import face_photo

RGB = npt.NDArray[np.uint8]

# Face boxes (left, top, width, height in pixels) in the sample photos,
# measured once with dlib's HOG detector, the box a detector reports.
FACE_BOXES: dict[str, tuple[int, int, int, int]] = {
    "obama.jpg": (349, 142, 269, 268),
    "obama2.jpg": (171, 290, 268, 269),
    "obama3.jpg": (633, 277, 322, 322),
    "biden.jpg": (419, 241, 322, 322),
}
IDENTITY = {
    "obama.jpg": "obama",
    "obama2.jpg": "obama",
    "obama3.jpg": "obama",
    "biden.jpg": "biden",
}


@dataclass(frozen=True, slots=True)
class Sprite:
    """A face moving from (x0, y0) to (x1, y1) (face centre, fractions of the
    frame) while its size goes from size0 to size1 pixels."""

    photo: str
    x0: float
    y0: float
    size0: float
    x1: float | None = None
    y1: float | None = None
    size1: float | None = None
    mirror: bool = False

    def at(self, progress: float) -> tuple[float, float, float]:
        def lerp(a: float, b: float | None) -> float:
            return a if b is None else a + (b - a) * progress

        return lerp(self.x0, self.x1), lerp(self.y0, self.y1), lerp(self.size0, self.size1)


@dataclass(frozen=True, slots=True)
class Shot:
    seconds: float
    sprites: tuple[Sprite, ...] = ()
    background: tuple[int, int, int] = (70, 80, 95)


@dataclass(frozen=True, slots=True)
class TruthBox:
    """Normalized like the API's boxes (fractions of the frame)."""

    top: float
    left: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class TruthFace:
    identity: str
    box: TruthBox


@dataclass(frozen=True, slots=True)
class TruthFrame:
    timestamp: float
    shot: int
    faces: tuple[TruthFace, ...]

    def identities(self) -> set[str]:
        return {face.identity for face in self.faces}


@dataclass(frozen=True, slots=True)
class GroundTruth:
    """Who is where, once per second of the video (at t = 0, 1, 2, ...)."""

    duration: float
    size: tuple[int, int]
    fps: int
    shots: tuple[Shot, ...]
    frames: tuple[TruthFrame, ...] = field(default=())

    def at(self, timestamp: float) -> TruthFrame:
        return _truth_at(self.shots, self.size, timestamp)


# ~30 s: every situation the accuracy tests need, Obama in 22 of 30 seconds.
TEST_SHOTS: tuple[Shot, ...] = (
    Shot(4, (Sprite("obama.jpg", 0.25, 0.45, 110, 0.7, 0.5),), (60, 70, 90)),
    Shot(2, (), (40, 120, 90)),  # no face
    Shot(4, (Sprite("biden.jpg", 0.5, 0.45, 80, 0.55, 0.5, 140),), (90, 60, 60)),
    Shot(
        5,
        (
            Sprite("obama3.jpg", 0.25, 0.45, 95, 0.3, 0.45),
            Sprite("biden.jpg", 0.72, 0.45, 95, 0.78, 0.5),
        ),
        (50, 50, 70),
    ),
    Shot(4, (Sprite("obama.jpg", 0.2, 0.4, 48, 0.8, 0.55, 60),), (100, 110, 80)),  # small
    Shot(2, (), (150, 150, 160)),  # no face
    Shot(5, (Sprite("obama3.jpg", 0.5, 0.5, 160, 0.45, 0.45, 70, mirror=True),), (30, 60, 60)),
    Shot(
        4,
        (
            Sprite("biden.jpg", 0.3, 0.5, 50, 0.35, 0.5, 60),
            Sprite("obama.jpg", 0.7, 0.45, 100, 0.65, 0.45, 110, mirror=True),
        ),
        (80, 80, 80),
    ),
)

DEMO_SHOTS: tuple[Shot, ...] = (
    Shot(3, (), (40, 50, 70)),
    Shot(4, (Sprite("obama.jpg", 0.3, 0.45, 120, 0.6, 0.5),), (60, 70, 90)),
    Shot(4, (Sprite("biden.jpg", 0.5, 0.45, 90, 0.5, 0.5, 150),), (90, 60, 60)),
    Shot(
        5,
        (
            Sprite("obama3.jpg", 0.28, 0.45, 100, 0.32, 0.48),
            Sprite("biden.jpg", 0.72, 0.45, 100, 0.68, 0.48),
        ),
        (50, 50, 70),
    ),
    Shot(3, (), (150, 150, 160)),
    Shot(4, (Sprite("obama3.jpg", 0.5, 0.5, 170, 0.5, 0.45, 80, mirror=True),), (30, 60, 60)),
    Shot(3, (Sprite("obama.jpg", 0.2, 0.45, 55, 0.8, 0.5, 65),), (100, 110, 80)),
)


def compose_video(
    out_path: Path,
    *,
    shots: Sequence[Shot] = TEST_SHOTS,
    fps: int = 15,
    size: tuple[int, int] = (640, 360),
    audio: bool = False,
    photos: Path | None = None,
) -> GroundTruth:
    """Write an H.264 MP4 of the shots and return where every face is."""
    shots = tuple(shots)
    duration = sum(shot.seconds for shot in shots)
    with av.open(str(out_path), mode="w", options={"movflags": "+faststart"}) as container:
        video = container.add_stream("libx264", rate=fps)
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        video.options = {"preset": "ultrafast", "crf": "20", "g": str(fps * 2)}
        tone = _tone_stream(container) if audio else None
        for index in range(round(duration * fps)):
            image = _render(shots, size, index / fps, photos)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            container.mux(video.encode(frame))
        container.mux(video.encode())
        if tone is not None:
            _write_tone(container, tone, duration)
    frames = tuple(_truth_at(shots, size, float(t)) for t in range(math.ceil(duration)))
    return GroundTruth(duration, size, fps, shots, frames)


def compose_demo_video(out_path: Path, *, photos: Path | None = None) -> GroundTruth:
    """A ~26 s video for the demo: two people, cuts, pans, zooms, empty shots."""
    return compose_video(out_path, shots=DEMO_SHOTS, audio=True, photos=photos)


def _shot_at(shots: Sequence[Shot], timestamp: float) -> tuple[int, float]:
    start = 0.0
    for index, shot in enumerate(shots):
        if timestamp < start + shot.seconds or index == len(shots) - 1:
            return index, min(1.0, max(0.0, (timestamp - start) / shot.seconds))
        start += shot.seconds
    raise ValueError("no shots")


def _truth_at(shots: Sequence[Shot], size: tuple[int, int], timestamp: float) -> TruthFrame:
    index, progress = _shot_at(shots, timestamp)
    faces = []
    for sprite in shots[index].sprites:
        x, y, face = sprite.at(progress)
        w, h = face / size[0], face / size[1]
        left, top = max(0.0, x - w / 2), max(0.0, y - h / 2)
        box = TruthBox(
            top=top,
            left=left,
            width=min(1.0, x + w / 2) - left,
            height=min(1.0, y + h / 2) - top,
        )
        faces.append(TruthFace(IDENTITY[sprite.photo], box))
    return TruthFrame(timestamp, index, tuple(faces))


def _render(shots: Sequence[Shot], size: tuple[int, int], t: float, photos: Path | None) -> RGB:
    index, progress = _shot_at(shots, t)
    shot = shots[index]
    canvas = Image.fromarray(_background(shot.background, size))
    for sprite in shot.sprites:
        x, y, face = sprite.at(progress)
        crop, (fx, fy, fw) = _head_and_shoulders(sprite.photo, sprite.mirror, photos)
        scale = face / fw
        scaled = crop.resize(
            (max(1, round(crop.width * scale)), max(1, round(crop.height * scale))),
            Image.Resampling.BILINEAR,
        )
        # Place the scaled crop so its face centre lands on (x, y).
        canvas.paste(scaled, (round(x * size[0] - fx * scale), round(y * size[1] - fy * scale)))
    return np.asarray(canvas)


@cache
def _head_and_shoulders(
    photo: str, mirror: bool, photos: Path | None
) -> tuple[Image.Image, tuple[float, float, float]]:
    """The photo cropped around its face, downscaled once to a face of 200 px.

    Returns the crop and the face centre (x, y) and width within the crop.
    """
    path = (photos / photo) if photos else face_photo(photo)
    image = Image.open(path).convert("RGB")
    left, top, width, height = FACE_BOXES[photo]
    box = (
        max(0, round(left - 0.9 * width)),
        max(0, round(top - 0.7 * height)),
        min(image.width, round(left + 1.9 * width)),
        min(image.height, round(top + 2.3 * height)),
    )
    crop = image.crop(box)
    scale = min(1.0, 200 / width)
    crop = crop.resize(
        (round(crop.width * scale), round(crop.height * scale)), Image.Resampling.LANCZOS
    )
    cx = (left + width / 2 - box[0]) * scale
    cy = (top + height / 2 - box[1]) * scale
    if mirror:
        crop, cx = ImageOps.mirror(crop), crop.width - cx
    return crop, (cx, cy, width * scale)


@cache
def _background(color: tuple[int, int, int], size: tuple[int, int]) -> RGB:
    """A soft, faceless texture: a vertical gradient with blurred noise."""
    rng = np.random.default_rng(sum(color))
    width, height = size
    noise = rng.integers(0, 60, (height // 8, width // 8, 3), dtype=np.uint8)
    blurred = Image.fromarray(noise).resize(size, Image.Resampling.BICUBIC)
    blurred = blurred.filter(ImageFilter.GaussianBlur(6))
    gradient = np.linspace(0.7, 1.15, height, dtype=np.float32)[:, None, None]
    base = np.asarray(color, dtype=np.float32)[None, None, :] * gradient
    return np.clip(base + np.asarray(blurred, dtype=np.float32) - 30, 0, 255).astype(np.uint8)


_AUDIO_RATE = 44_100


def _tone_stream(container: av.container.OutputContainer) -> av.AudioStream:
    stream = container.add_stream("aac", rate=_AUDIO_RATE)
    stream.layout = "mono"
    return stream


def _write_tone(
    container: av.container.OutputContainer, stream: av.AudioStream, duration: float
) -> None:
    """A quiet 440 Hz AAC track, so the file has audio like real footage."""
    rate = _AUDIO_RATE
    chunk = 1024
    samples = np.sin(2 * np.pi * 440 * np.arange(round(duration * rate)) / rate) * 0.1
    for start in range(0, len(samples) - chunk + 1, chunk):
        frame = av.AudioFrame.from_ndarray(
            samples[None, start : start + chunk].astype(np.float32), format="fltp", layout="mono"
        )
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        container.mux(stream.encode(frame))
    container.mux(stream.encode())
