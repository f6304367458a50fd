"""Analyse a video: sampled frames -> faces with boxes and embeddings.

The runner of the pipeline: decode (decode.py) -> cut into shots (track.py)
-> per shot: detect (faces.py), track, embed what is new -> thumbnails.

Why it is fast (bench/engine.py compares it side by side with
face_recognition's standard usage, detect + embed every sampled frame):
- Embedding (~100 ms a face on CPU) dominates. A face continuing a track
  within a shot (near the position the track predicts, same size, similar
  face patch; track.py) reuses the track's embedding, recomputed every
  REEMBED_EVERY frames. A cut ends every track.
- Full detection (HOG upsampled once, so ~40 px faces are found) runs on a
  shot's first frame and every FULL_DETECT_EVERY frames. In between, HOG
  without upsampling finds faces >= ~90 px anywhere for a quarter of the
  cost, and small tracked faces are searched for, upsampled, in a window
  around their predicted position. The price: a face smaller than ~90 px
  that appears mid-shot is found up to FULL_DETECT_EVERY - 1 frames late.
- HOG runs on the grey image (a third faster than RGB, same detections on
  our test media); a frame identical to the previous one reuses its faces.
- Chunks of shots are shared between this process and helper processes
  (pool.py; dlib holds the GIL), which load the models once and stay warm.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from .decode import sample_frames
from .faces import RGB, Detection, detect, embed
from .pool import run_ordered
from .probe import probe_media
from .thumbnails import frame_thumbnail
from .track import Track, continue_tracks, face_patch, is_cut, tiny
from .types import AnalysedFrame, Face, MediaProbe, SampledFrame, SamplingConfig

REEMBED_EVERY = 5  # sampled frames a track's embedding is reused for
CHUNK_FRAMES = 10  # most frames handed to one worker at a time
STILL_DIFFERENCE = 2.0  # largest |difference| of tiny thumbnails for "the same frame"
MAX_WORKERS = 4
FULL_DETECT_EVERY = 3  # frames of a shot between full (upsampled) detections
LARGE_FACE = 90  # px: HOG finds faces this large without upsampling (window: 80 px)
ROI_FACES = 3.0  # side of the search window around a small tracked face, in face widths
POOL_MIN_FRAMES = 16  # below this many sampled frames a pool costs more than it saves


@dataclass(frozen=True, slots=True)
class Options:
    detector: str = "hog"
    thumbnails: bool = True
    max_thumbnail_width: int = 640


def count_sampled_frames(probe: MediaProbe, config: SamplingConfig) -> int:
    """How many frames analyse_video will sample (0 when the duration is unknown)."""
    if probe.duration_seconds is None or config.frames_per_second <= 0:
        return 0
    start = max(0.0, config.start_seconds or 0.0)
    end = probe.duration_seconds
    if config.end_seconds is not None:
        end = min(end, config.end_seconds)
    return max(0, math.ceil((end - start) * config.frames_per_second - 1e-9))


def analyse_video(
    path: Path,
    config: SamplingConfig,
    *,
    detector: str = "hog",
    thumbnails: bool = True,
    max_thumbnail_width: int = 640,
    workers: int | None = None,
) -> Iterator[AnalysedFrame]:
    """Yield every sampled frame, in order, with its faces (and thumbnail)."""
    options = Options(detector, thumbnails, max_thumbnail_width)
    detect(np.zeros((8, 8, 3), np.uint8), detector)  # reject a bad name before any work
    if workers is None:
        expected = count_sampled_frames(probe_media(path), config)
        workers = default_workers() if expected >= POOL_MIN_FRAMES else 1
    chunks = shot_chunks(sample_frames(path, config))
    yield from run_ordered(partial(analyse_chunk, options=options), chunks, workers)


def default_workers() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_WORKERS, cores or 1))


def shot_chunks(frames: Iterable[SampledFrame]) -> Iterator[list[SampledFrame]]:
    """Consecutive frames grouped by shot, at most CHUNK_FRAMES per group."""
    chunk: list[SampledFrame] = []
    previous = None
    for frame in frames:
        current = tiny(frame.image)
        if chunk and (is_cut(previous, current) or len(chunk) >= CHUNK_FRAMES):
            yield chunk
            chunk = []
        chunk.append(frame)
        previous = current
    if chunk:
        yield chunk


def analyse_chunk(frames: list[SampledFrame], options: Options) -> list[AnalysedFrame]:
    """Analyse consecutive frames of one shot, tracking faces across them."""
    tracks: list[Track] = []
    previous: tuple[np.ndarray, tuple[Face, ...]] | None = None
    results = []
    for position, frame in enumerate(frames):
        small = tiny(frame.image)
        if previous is not None and _is_still(previous[0], small):
            faces = previous[1]
        else:
            full = position % FULL_DETECT_EVERY == 0 or not tracks
            faces, tracks = _faces(frame.image, tracks, options.detector, full)
        previous = (small, faces)
        height, width = frame.image.shape[:2]
        thumbnail = (
            frame_thumbnail(frame.image, options.max_thumbnail_width)
            if options.thumbnails
            else None
        )
        results.append(AnalysedFrame(frame.index, frame.timestamp, width, height, faces, thumbnail))
    return results


def _is_still(previous: np.ndarray, current: np.ndarray) -> bool:
    return float(np.abs(previous - current).max()) <= STILL_DIFFERENCE


def _faces(
    image: RGB, tracks: list[Track], detector: str, full: bool
) -> tuple[tuple[Face, ...], list[Track]]:
    """Detect, continue tracks, embed the faces that need it (one batch)."""
    if full or detector != "hog":
        detections = _detect(image, detector)
    else:
        detections = _detect_near_tracks(_grey(image), tracks)
    patches = [face_patch(image, found) for found in detections]
    continued = continue_tracks(tracks, detections, patches)
    fresh = [
        i for i, track in enumerate(continued) if track is None or track.age + 1 >= REEMBED_EVERY
    ]
    vectors = embed(image, [detections[i] for i in fresh])
    new_tracks = []
    for i, (found, track) in enumerate(zip(detections, continued, strict=True)):
        if i in fresh:
            track = Track(found, patches[i], vectors[fresh.index(i)])
        else:
            assert track is not None
            velocity = track.followed_by(found)
            track = Track(found, patches[i], track.embedding, track.age + 1, velocity)
        new_tracks.append(track)
    height, width = image.shape[:2]
    faces = tuple(
        Face(t.detection.box(width, height), t.embedding, t.detection.score) for t in new_tracks
    )
    return faces, new_tracks


def _detect(image: RGB, detector: str) -> list[Detection]:
    if detector == "hog":
        # dlib's HOG on RGB keeps the strongest channel gradient; on grey it
        # finds the same faces for a third less time.
        return detect(_grey(image), "hog")
    return detect(image, detector)


def _grey(image: RGB) -> np.ndarray:
    return (image @ np.array([0.299, 0.587, 0.114], np.float32)).astype(np.uint8)


def _detect_near_tracks(grey: np.ndarray, tracks: list[Track]) -> list[Detection]:
    """Between full detections: faces >= ~80 px anywhere (no upsampling, a
    quarter of the cost), smaller ones only around where tracks predict them."""
    found = detect(grey, "hog", upsample=0)
    height, width = grey.shape
    for track in tracks:
        if track.detection.width >= LARGE_FACE:
            continue
        x, y = track.predicted_centre()
        # A new track has no velocity yet: search wider around it.
        faces = ROI_FACES + (2 if track.velocity == (0.0, 0.0) else 0)
        half = track.detection.width * faces / 2
        left, top = max(0, int(x - half)), max(0, int(y - half))
        right, bottom = min(width, int(x + half)), min(height, int(y + half))
        if right - left < 20 or bottom - top < 20:
            continue
        for near in detect(np.ascontiguousarray(grey[top:bottom, left:right]), "hog"):
            near = Detection(
                near.left + left, near.top + top, near.right + left, near.bottom + top, near.score
            )
            if all(near.iou(other) < 0.3 for other in found):
                found.append(near)
    return found
