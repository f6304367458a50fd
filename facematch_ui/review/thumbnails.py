"""The dashboard's image cache: match thumbnails and the analyst's source photo.

Files live under settings.REVIEW_THUMBNAIL_DIR/<job api_id>/:

- `<match api_id>.jpg`       the frame, at most 640 px on its long side
- `<match api_id>_face.jpg`  the matched face, zoomed, 160x160
- `_source.jpg`              the source photo (when created here)
- `_source_face.jpg`         its face, once the API has boxed it

A leading underscore cannot start a valid api id, so source files never
collide with a match's. Thumbnail URLs are fetched once: a match leaves the
`pending` state whatever happens, so a broken URL is not retried forever,
and never raises to the page or task that asked.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Literal

from django.conf import settings
from django.db import transaction

from facematch_ui import imaging
from facematch_ui.faceapi.client import FaceApiClient
from facematch_ui.faceapi.errors import FaceApiError
from facematch_ui.review.api import client_or_default
from facematch_ui.review.counts_cache import bump_counts_version
from facematch_ui.review.models import Job, Match, ThumbnailState

logger = logging.getLogger(__name__)

FRAME_MAX_SIZE = (640, 640)
FACE_SIZE = (160, 160)
SOURCE_MAX_SIZE = (1280, 1280)
MAX_THUMBNAIL_BYTES = 10 * 1024**2

# Ids the API hands us are UUIDs; accept a little more, but never a path.
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class UnsafeId(ValueError):
    """An api id that cannot be used as a file name."""


def _safe(api_id: str) -> str:
    if not _SAFE_ID.fullmatch(api_id) or ".." in api_id:
        raise UnsafeId(f"{api_id!r} is not a valid id.")
    return api_id


def _root() -> Path:
    return Path(settings.REVIEW_THUMBNAIL_DIR)


def _job_dir(job: Job) -> Path:
    return _root() / _safe(job.api_id)


def _match_path(job: Job, match_api_id: str, variant: Literal["frame", "face"]) -> Path:
    suffix = "_face" if variant == "face" else ""
    return _job_dir(job) / f"{_safe(match_api_id)}{suffix}.jpg"


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers see the old file or the whole new one, never a partial write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".jpg")
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(data)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


# --- Match thumbnails --------------------------------------------------------


def fetch_thumbnails(
    job: Job, *, client: FaceApiClient | None = None, limit: int | None = None
) -> int:
    """Fetch and store the thumbnails of `job`'s pending matches; return how many were stored.

    Best matches first, so with `limit` the gallery's first page fills first.
    """
    pending = Match.objects.filter(job=job, thumbnail_state=ThumbnailState.PENDING)
    # No URL: nothing will ever be fetched for these.
    pending.filter(thumbnail_url="").update(thumbnail_state=ThumbnailState.MISSING)
    rows = (
        pending.exclude(thumbnail_url="")
        .order_by("-similarity", "timestamp", "id")
        .values_list(
            "id", "api_id", "thumbnail_url", "box_top", "box_left", "box_width", "box_height"
        )
    )
    todo = list(rows if limit is None else rows[:limit])
    if not todo:
        return 0

    def store(api: FaceApiClient, row: tuple[int, str, str, float, float, float, float]) -> bool:
        _, api_id, url, *box = row
        return _fetch_and_store(api, job, api_id, url, (box[0], box[1], box[2], box[3]))

    # Threads only fetch, decode and write files; the database is touched
    # here, once, so no connection is opened per thread.
    workers = max(1, min(settings.FACE_API_CONCURRENCY, len(todo)))
    with (
        client_or_default(client) as api,
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="thumbnails") as pool,
    ):
        fetched = list(pool.map(partial(store, api), todo))

    stored = [row[0] for row, ok in zip(todo, fetched, strict=True) if ok]
    missing = [row[0] for row, ok in zip(todo, fetched, strict=True) if not ok]
    with transaction.atomic():
        if stored:
            # A stored frame draws the face box on the gallery's cached cards
            # (review.card_cache); "missing" shows as "pending" did, no bump.
            # Before the matches: the job row first, the lock order verdict writes keep.
            bump_counts_version(job.pk)
        _set_state(stored, ThumbnailState.STORED)
    _set_state(missing, ThumbnailState.MISSING)
    return len(stored)


def _set_state(pks: list[int], state: ThumbnailState) -> None:
    # Only rows still pending: a resync that changed the URL meanwhile reset
    # them and wants a fresh fetch. Batched to stay under SQLite's variable limit.
    for start in range(0, len(pks), 500):
        Match.objects.filter(
            pk__in=pks[start : start + 500], thumbnail_state=ThumbnailState.PENDING
        ).update(thumbnail_state=state)


def _fetch_and_store(
    client: FaceApiClient,
    job: Job,
    match_api_id: str,
    url: str,
    box: tuple[float, float, float, float],
) -> bool:
    try:
        frame_path = _match_path(job, match_api_id, "frame")
        face_path = _match_path(job, match_api_id, "face")
        data = client.fetch_thumbnail(url, max_bytes=MAX_THUMBNAIL_BYTES)
        frame = imaging.fit_jpeg(data, FRAME_MAX_SIZE)
        face = imaging.crop_box_jpeg(data, box, size=FACE_SIZE)
        _write_atomically(face_path, face)
        _write_atomically(frame_path, frame)
    except (FaceApiError, imaging.ImagingError, UnsafeId, OSError) as err:
        logger.warning("Thumbnail of match %s/%s unavailable: %s", job.api_id, match_api_id, err)
        return False
    return True


def thumbnail_file(match: Match, variant: Literal["frame", "face"]) -> Path | None:
    """The stored image of `match`, or None if it has none (any more)."""
    if match.thumbnail_state != ThumbnailState.STORED:
        return None
    try:
        path = _match_path(match.job, match.api_id, variant)
    except UnsafeId:
        return None
    return path if path.is_file() else None


# --- The source photo --------------------------------------------------------

_SOURCE_NAMES = {"full": "_source.jpg", "face": "_source_face.jpg"}


def _source_box(job: Job) -> tuple[float, float, float, float] | None:
    box = (job.source_top, job.source_left, job.source_width, job.source_height)
    if any(value is None for value in box):
        return None
    return box  # type: ignore[return-value]


def save_source_image(job: Job, data: bytes) -> None:
    """Keep the source photo of a job created here (the API never returns it).

    Raises imaging.ImagingError if `data` is not an image we accept.
    """
    normalized = imaging.fit_jpeg(data, SOURCE_MAX_SIZE)
    path = _job_dir(job) / _SOURCE_NAMES["full"]
    _write_atomically(path, normalized)
    _write_source_face(job, normalized)
    job.source_image = str(path.relative_to(_root()))
    Job.objects.filter(pk=job.pk).update(source_image=job.source_image)


def _write_source_face(job: Job, normalized: bytes) -> Path | None:
    box = _source_box(job)
    if box is None:
        return None
    path = _job_dir(job) / _SOURCE_NAMES["face"]
    _write_atomically(path, imaging.crop_box_jpeg(normalized, box, size=FACE_SIZE))
    return path


def source_image_file(job: Job, variant: Literal["full", "face"]) -> Path | None:
    """The stored source photo (or its face), or None if there is none.

    The face is cropped on first request: the API only boxes the source face
    when the job completes, long after the photo was saved.
    """
    if not job.source_image:
        return None
    try:
        full = _job_dir(job) / _SOURCE_NAMES["full"]
    except UnsafeId:
        return None
    if not full.is_file():
        return None
    if variant == "full":
        return full
    face = full.with_name(_SOURCE_NAMES["face"])
    if face.is_file():
        return face
    try:
        return _write_source_face(job, full.read_bytes())
    except (imaging.ImagingError, OSError) as err:
        logger.warning("Source face of job %s unavailable: %s", job.api_id, err)
        return None
