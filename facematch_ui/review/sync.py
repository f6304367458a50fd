"""Sync: copy face-match jobs and their results from the face API into the cache.

Rules every function here keeps:
- upsert, never delete: analysts' later work hangs on Match rows, so a match
  that disappeared upstream stays, and a job that 404s is only marked
  `vanished_at`;
- idempotent: syncing twice leaves the same rows;
- a match's thumbnail is fetched again only when its URL changed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.utils import timezone

from facematch_ui import imaging
from facematch_ui.faceapi.client import FaceApiClient
from facematch_ui.faceapi.errors import FaceApiError, NotFound
from facematch_ui.faceapi.types import FaceMatchJob, FaceMatchResult
from facematch_ui.faceapi.types import JobStatus as ApiJobStatus
from facematch_ui.review.api import client_or_default
from facematch_ui.review.counts_cache import bump_counts_version
from facematch_ui.review.models import Job, JobStatus, Match, ThumbnailState
from facematch_ui.review.thumbnails import save_source_image

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000

_MATCH_VALUE_FIELDS = (
    "frame_id",
    "similarity",
    "timestamp",
    "box_top",
    "box_left",
    "box_width",
    "box_height",
    "thumbnail_url",
)
_JOB_LIST_FIELDS = (
    "status",
    "created_at",
    "file_id",
    "face_detection_id",
    "frame_extraction_id",
    "source_top",
    "source_left",
    "source_width",
    "source_height",
    "vanished_at",
)


def describe_error(err: FaceApiError) -> str:
    """A sentence an analyst can act on, kept on the job."""
    return f"Could not sync with the face API: {err}"


def _job_values(upstream: FaceMatchJob) -> dict[str, Any]:
    box = upstream.source_box
    progress = upstream.progress
    return {
        "status": JobStatus(upstream.status.value),
        "created_at": upstream.created_at,
        "file_id": upstream.file_id or "",
        "face_detection_id": upstream.face_detection_id or "",
        "frame_extraction_id": upstream.frame_extraction_id or "",
        "source_top": box.top if box else None,
        "source_left": box.left if box else None,
        "source_width": box.width if box else None,
        "source_height": box.height if box else None,
        "vanished_at": None,
        "frames_done": progress.frames_done if progress else None,
        "frames_total": progress.frames_total if progress else None,
        "failure_message": upstream.error or "",
    }


def _match_values(result: FaceMatchResult) -> tuple[Any, ...]:
    box = result.box
    return (
        result.frame_id,
        result.similarity,
        result.timestamp,
        box.top,
        box.left,
        box.width,
        box.height,
        result.thumbnail_url or "",
    )


# --- One job ----------------------------------------------------------------


def sync_job(api_id: str, *, client: FaceApiClient | None = None) -> Job:
    """Bring job `api_id` and, once completed, all its matches into the cache.

    A job gone upstream (404) is marked vanished and returned; any other API
    error is recorded on the job (if we have it) and re-raised.
    """
    try:
        with client_or_default(client) as api:
            upstream, results = api.get_all_face_match_results(api_id)
    except NotFound:
        if not Job.objects.filter(api_id=api_id).update(
            vanished_at=timezone.now(),
            sync_error="This job no longer exists on the face API; what was synced is kept.",
        ):
            raise
        return Job.objects.get(api_id=api_id)
    except FaceApiError as err:
        Job.objects.filter(api_id=api_id).update(sync_error=describe_error(err))
        raise

    values = _job_values(upstream)
    values.update(sync_error="", synced_at=timezone.now())
    if upstream.status == ApiJobStatus.COMPLETED:
        values["match_total"] = upstream.page.total if upstream.page else len(results)
        values["matches_synced"] = len(results)
    elif upstream.match_count is not None:
        values["match_total"] = upstream.match_count

    with transaction.atomic():
        job, _ = Job.objects.update_or_create(api_id=upstream.id, defaults=values)
        if results:
            upsert_matches(job, results)
    return job


def upsert_matches(job: Job, results: Sequence[FaceMatchResult]) -> int:
    """Insert new and update changed matches of `job` in bulk; return rows written.

    Unchanged rows are not written at all, so a resync of a finished job is
    one read. A changed thumbnail URL puts the match back to `pending`; an
    unchanged one keeps its state (a stored thumbnail stays stored).
    """
    existing = {
        row[0]: row[1:]
        for row in Match.objects.filter(job=job).values_list("api_id", *_MATCH_VALUE_FIELDS)
    }
    rows = []
    for result in results:
        values = _match_values(result)
        if existing.get(result.id) != values:
            rows.append((job.pk, result.id, *values, ThumbnailState.PENDING.value))
    with transaction.atomic(), connection.cursor() as cursor:
        if rows:
            # Before the matches: the job row first, the lock order verdict writes keep.
            bump_counts_version(job.pk)
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(_upsert_matches_sql(), rows[start : start + BATCH_SIZE])
    return len(rows)


@cache
def _upsert_matches_sql() -> str:
    """INSERT ... ON CONFLICT (job, api_id) DO UPDATE, for SQLite and PostgreSQL.

    Why not `bulk_create(update_conflicts=True)`: for 10,000 matches it spends
    about 1.2 s building per-object SQL in Python (SQLite caps it at 90 rows
    per statement); one prepared statement run by executemany takes a tenth
    of that, which is most of a large job's sync time (bench/sync.py).
    """
    quote = connection.ops.quote_name
    table = quote(Match._meta.db_table)
    column_of = {f.name: f.column for f in Match._meta.concrete_fields if f.column}
    columns = [
        quote(column_of[name])
        for name in ("job", "api_id", *_MATCH_VALUE_FIELDS, "thumbnail_state")
    ]
    url, state = columns[-2], columns[-1]
    updates = [f"{c} = excluded.{c}" for c in columns[2:-1]]
    updates.append(
        f"{state} = CASE WHEN {table}.{url} = excluded.{url} "
        f"THEN {table}.{state} ELSE excluded.{state} END"
    )
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({columns[0]}, {columns[1]}) DO UPDATE SET {', '.join(updates)}"
    )


# --- The job list -------------------------------------------------------------


def sync_job_list(*, client: FaceApiClient | None = None, status: str | None = None) -> int:
    """Upsert every job the API lists (optionally of one status); return how many."""
    seen = 0
    page: list[FaceMatchJob] = []
    with client_or_default(client) as api:
        api_status = ApiJobStatus(status) if status else None
        for upstream in api.iter_face_matches(status=api_status):
            page.append(upstream)
            if len(page) >= BATCH_SIZE:
                seen += _upsert_listed_jobs(page)
                page = []
    seen += _upsert_listed_jobs(page)
    return seen


def _upsert_listed_jobs(listed: list[FaceMatchJob]) -> int:
    if not listed:
        return 0
    with_count = [
        Job(api_id=j.id, match_total=j.match_count, **_job_values(j))
        for j in listed
        if j.match_count is not None
    ]
    without_count = [Job(api_id=j.id, **_job_values(j)) for j in listed if j.match_count is None]
    with transaction.atomic():
        for rows, fields in (
            (with_count, [*_JOB_LIST_FIELDS, "match_total"]),
            # A count we do not know does not erase the one we have.
            (without_count, list(_JOB_LIST_FIELDS)),
        ):
            if rows:
                Job.objects.bulk_create(
                    rows,
                    batch_size=BATCH_SIZE,
                    update_conflicts=True,
                    unique_fields=["api_id"],
                    update_fields=fields,
                )
    return len(listed)


# --- A job created here ---------------------------------------------------------


def record_new_job(
    job: FaceMatchJob,
    *,
    source_image: bytes | None,
    user: AbstractBaseUser | AnonymousUser | None,
) -> Job:
    """Cache a job just created from the dashboard, with the analyst's photo."""
    values = _job_values(job)
    if user is not None and user.is_authenticated:
        values["added_by"] = user
    local, _ = Job.objects.update_or_create(api_id=job.id, defaults=values)
    if source_image:
        try:
            save_source_image(local, source_image)
        except (imaging.ImagingError, OSError) as err:
            # The API accepted the photo; losing our preview must not lose the job.
            logger.warning("Source photo of job %s not kept: %s", job.id, err)
    return local
