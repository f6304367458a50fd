"""Shots and face tracks: what lets the analysis skip work safely.

Sampled frames of one shot are close to one another: a face at an
overlapping box, looking the same, in the next sampled frame is the same
face, so its embedding is reused instead of recomputed (an embedding costs
~100 ms on CPU, more than detecting the whole frame). Shot cuts, told apart
by a large difference of tiny thumbnails, end every track.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .faces import Detection
from .types import Embedding

RGB = npt.NDArray[np.uint8]
Tiny = npt.NDArray[np.float32]

TINY_SIZE = (36, 64)  # rows, cols
CUT_DIFFERENCE = 30.0  # mean |difference| (0..255) of tiny thumbnails: a shot cut
MAX_SHIFT = 2.5  # face widths between the predicted and the found centre
MIN_SIZE_RATIO = 0.67  # a face continuing a track keeps its size within 1.5x
MIN_LIKENESS = 0.7  # correlation of face patches (colour, 8x8) to continue a track
PATCH = 8  # side of the face patch compared between frames


def tiny(image: RGB) -> Tiny:
    """A 64x36 colour thumbnail by block means: cheap, and robust to noise."""
    rows, cols = TINY_SIZE
    height, width = image.shape[:2]
    ys = (np.arange(rows + 1) * height) // rows
    xs = (np.arange(cols + 1) * width) // cols
    # Block means via cumulative sums over the exact block edges.
    summed = np.add.reduceat(np.add.reduceat(image.astype(np.float32), ys[:-1], 0), xs[:-1], 1)
    counts = np.outer(np.diff(ys), np.diff(xs))[:, :, None]
    return (summed / counts).astype(np.float32)


def is_cut(previous: Tiny | None, current: Tiny) -> bool:
    return previous is None or float(np.abs(previous - current).mean()) > CUT_DIFFERENCE


def face_patch(image: RGB, found: Detection) -> npt.NDArray[np.float32]:
    """The face's box averaged down to 8x8 RGB, zero-mean and unit-norm.

    Block means (not point samples) so that a box shifted by a pixel or
    re-encoded gives nearly the same patch.
    """
    height, width = image.shape[:2]
    top, bottom = max(0, found.top), min(height, found.bottom + 1)
    left, right = max(0, found.left), min(width, found.right + 1)
    if bottom - top < PATCH or right - left < PATCH:
        return np.zeros((PATCH, PATCH, 3), np.float32)
    ys = top + (np.arange(PATCH) * (bottom - top)) // PATCH
    xs = left + (np.arange(PATCH) * (right - left)) // PATCH
    region = image[top:bottom, left:right].astype(np.float32)
    patch = np.add.reduceat(np.add.reduceat(region, ys - top, 0), xs - left, 1)
    patch /= np.outer(np.diff([*ys, bottom]), np.diff([*xs, right]))[:, :, None]
    patch -= patch.mean()
    norm = float(np.linalg.norm(patch))
    return (patch / norm if norm else patch).astype(np.float32)


@dataclass(slots=True)
class Track:
    detection: Detection
    patch: npt.NDArray[np.float32]
    embedding: Embedding
    age: int = 0  # sampled frames since the embedding was computed
    velocity: tuple[float, float] = (0.0, 0.0)  # centre motion per sampled frame, px

    def predicted_centre(self) -> tuple[float, float]:
        x, y = self.detection.centre
        return x + self.velocity[0], y + self.velocity[1]

    def followed_by(self, found: Detection) -> tuple[float, float]:
        """The velocity of the track once continued by found."""
        (x0, y0), (x1, y1) = self.detection.centre, found.centre
        return x1 - x0, y1 - y0


def continue_tracks(
    tracks: list[Track], detections: list[Detection], patches: list[npt.NDArray[np.float32]]
) -> list[Track | None]:
    """For each detection, the track it continues (None: a new face).

    Greedy one-to-one matching, nearest to the track's predicted position
    first. A pair needs a similar size, a centre within MAX_SHIFT face
    widths of the prediction (1 fps samples of a pan move a face far), and a
    similar-looking face patch, so a different person stepping into the
    same spot (a missed cut, two people crossing) is embedded afresh.
    """
    pairs = []
    for i, found in enumerate(detections):
        for j, track in enumerate(tracks):
            ratio = found.width / max(1, track.detection.width)
            px, py = track.predicted_centre()
            x, y = found.centre
            shift = float(np.hypot(x - px, y - py)) / max(1, track.detection.width)
            if MIN_SIZE_RATIO <= ratio <= 1 / MIN_SIZE_RATIO and shift <= MAX_SHIFT:
                pairs.append((shift, i, j))
    pairs.sort()
    result: list[Track | None] = [None] * len(detections)
    used: set[int] = set()
    for _shift, i, j in pairs:
        if result[i] is not None or j in used:
            continue
        if float((patches[i] * tracks[j].patch).sum()) >= MIN_LIKENESS:
            result[i] = tracks[j]
            used.add(j)
    return result
