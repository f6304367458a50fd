"""Face quality cues of matches: how big the face is and how sharp.

Both are measured on the stored frame thumbnail (review.thumbnails), since
the API does not tell us the original frame size:

- `face_px`: the shorter side of the face box in the thumbnail's pixels.
  Thumbnails are frames scaled down to at most 640 px, so this is a
  comparable size within a job, not the size in the original video;
- `sharpness`: the variance of the Laplacian of the grey face, resized to
  SHARPNESS_SIZE first, so a large face is not "sharper" for being large.
  Higher is sharper; motion blur and out-of-focus faces score low.

cache_match_images fetches thumbnails and scores them in one step; every
caller (the sync task, the demo, `sync_face_matches`) goes through it.
Matches without a stored thumbnail stay unscored (null).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from django.db import transaction

from facematch_ui import imaging
from facematch_ui.faceapi import FaceApiClient
from facematch_ui.review.counts_cache import bump_counts_version
from facematch_ui.review.models import Job, Match, ThumbnailState
from facematch_ui.review.thumbnails import fetch_thumbnails, thumbnail_file

logger = logging.getLogger(__name__)

SHARPNESS_SIZE = (64, 64)
_WORKERS = 2  # decoding releases the GIL; the machine has few cores
_WRITE_BATCH = 500

Box = tuple[float, float, float, float]


def laplacian_variance(gray: np.ndarray) -> float:
    """Variance of the 4-neighbour Laplacian of a 2-D grey image (0 if under 3x3)."""
    if gray.ndim != 2:
        raise ValueError("Expected a 2-D grey image.")
    if gray.shape[0] < 3 or gray.shape[1] < 3:
        return 0.0
    g = gray.astype(np.float64)
    laplacian = g[:-2, 1:-1] + g[2:, 1:-1] + g[1:-1, :-2] + g[1:-1, 2:] - 4 * g[1:-1, 1:-1]
    return float(laplacian.var())


def measure(data: bytes, box: Box) -> tuple[int, float]:
    """(face_px, sharpness) of the face in `box` of the frame image `data`."""
    gray, (width, height) = imaging.face_gray_array(data, box, size=SHARPNESS_SIZE)
    _, _, box_w, box_h = box
    face_px = round(min(box_w * width, box_h * height))
    return max(face_px, 0), laplacian_variance(gray)


def _score(job: Job, row: tuple[int, str, float, float, float, float]) -> Match | None:
    pk, api_id, *box = row
    match = Match(pk=pk, job=job, api_id=api_id, thumbnail_state=ThumbnailState.STORED)
    path = thumbnail_file(match, "frame")
    if path is None:
        return None
    try:
        match.face_px, match.sharpness = measure(
            path.read_bytes(), (box[0], box[1], box[2], box[3])
        )
    except (imaging.ImagingError, OSError) as err:
        logger.warning("Quality of match %s/%s not scored: %s", job.api_id, api_id, err)
        return None
    return match


def cache_match_images(job: Job, *, client: FaceApiClient | None = None) -> int:
    """Fetch the job's pending thumbnails once, then score the new ones.

    Returns how many thumbnails were stored.
    """
    stored = fetch_thumbnails(job, client=client)
    score_job(job)  # face size and sharpness need the stored frames
    return stored


def score_job(job: Job) -> int:
    """Score the job's matches with a stored thumbnail and no score yet; return how many."""
    rows = list(
        Match.objects.filter(job=job, thumbnail_state=ThumbnailState.STORED, sharpness=None)
        .order_by("id")
        .values_list("id", "api_id", "box_top", "box_left", "box_width", "box_height")
    )
    if not rows:
        return 0
    # Threads only read and decode files; the database is written here, in batches.
    with ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="quality") as pool:
        scored = [m for m in pool.map(lambda row: _score(job, row), rows) if m is not None]
    with transaction.atomic():
        if scored:
            # The cards show the scores and the quality filters select by
            # them: the cached cards (review.card_cache) must go.
            bump_counts_version(job.pk)
        Match.objects.bulk_update(scored, ["face_px", "sharpness"], batch_size=_WRITE_BATCH)
    return len(scored)
