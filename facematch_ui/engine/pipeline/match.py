"""Match: Euclidean embedding distance -> similarity 0..100.

    similarity(d) = 100 / (1 + exp((d - MATCH_DISTANCE) / SCALE))

a logistic, strictly decreasing in d, bounded in (0, 100), equal to 50 at
MATCH_DISTANCE; DEFAULT_THRESHOLD (50) is therefore the decision distance.

MATCH_DISTANCE was chosen from measurements on the real sample photos
(face_recognition 1.3.0 test images, HOG + 5-point + 1 jitter, as here):
45 embeddings of Obama (obama, obama2, obama3, obama_partial_face) and Biden,
each original plus 8 variants (mirrored, faces scaled to 60/90/150 px,
cropped to the head, JPEG quality 25, brightness x0.55 and x1.5):

    same person        666 pairs  min 0.025  median 0.356  p95 0.447  max 0.478
    same, other photo  405 pairs  min 0.315  median 0.387  p95 0.453  max 0.478
    different people   324 pairs  min 0.767  median 0.835  p95 0.879  max 0.896

Any distance in 0.48..0.76 separates these perfectly. We take 0.55: 0.07
above the worst same-person pair (small, recompressed faces in video come
out further apart than photos) and below dlib's own 0.6 tolerance, because
two people only were measured and dlib reports different people of similar
appearance well below 0.76 (its LFW error is at 0.6). SCALE = 0.05 spreads
the measured range over the slider: d=0.36 -> 98, 0.45 -> 88, 0.48 -> 80,
0.60 -> 27, 0.77 -> 1.2.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .types import Embedding

MATCH_DISTANCE = 0.55
SCALE = 0.05
DEFAULT_THRESHOLD: float = 50.0


def similarity_from_distance(d: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The documented logistic mapping; works on scalars and arrays."""
    distance = np.asarray(d, dtype=np.float64)
    # exp overflows past ~709: clip the exponent, the result is 0 there anyway.
    exponent = np.clip((distance - MATCH_DISTANCE) / SCALE, -700.0, 700.0)
    return 100.0 / (1.0 + np.exp(exponent))


def distance_from_similarity(similarity: float) -> float:
    """The inverse mapping, e.g. to explain a threshold as a distance."""
    s = min(max(similarity, 1e-9), 100.0 - 1e-9)
    return float(MATCH_DISTANCE + SCALE * np.log(100.0 / s - 1.0))


def score(source: Embedding, embeddings: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    """Similarity (0..100) of each row of embeddings to the source embedding."""
    rows = np.asarray(embeddings, dtype=np.float32).reshape(-1, 128)
    distances = np.linalg.norm(rows - np.asarray(source, dtype=np.float32), axis=1)
    return similarity_from_distance(distances)
