"""Builders of review cache rows for tests.

Deterministic (seeded) so a test can assert exact values, and bulk so a test
of a large gallery stays fast.
"""

from __future__ import annotations

import itertools
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from facematch_ui.review.models import Job, JobStatus, Match, ThumbnailState

_sequence = itertools.count(1)


def make_user(
    username: str | None = None, *, password: str = "correct horse battery", **extra: Any
) -> AbstractBaseUser:
    """A user who can log in with `password`."""
    username = username or f"analyst{next(_sequence)}"
    return get_user_model().objects.create_user(username=username, password=password, **extra)


def make_job(**overrides: Any) -> Job:
    """A completed job with a known source box; override any field.

    `api_id` is a UUID (the client refuses anything else), unique per call.
    """
    n = next(_sequence)
    values: dict[str, Any] = {
        "api_id": str(uuid.UUID(int=n)),  # the API's ids are UUIDs
        "status": JobStatus.COMPLETED,
        "created_at": datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=n),
        "file_id": f"file-{n:06d}",
        "face_detection_id": f"fd-{n:06d}",
        "frame_extraction_id": f"fe-{n:06d}",
        "source_top": 0.2,
        "source_left": 0.3,
        "source_width": 0.25,
        "source_height": 0.3,
        "match_total": 0,
        "matches_synced": 0,
    }
    values.update(overrides)
    return Job.objects.create(**values)


def match_row(
    job: Job,
    api_id: str,
    similarity: float,
    timestamp: float,
    box: tuple[float, float, float, float] = (0.1, 0.1, 0.2, 0.2),
    **fields: Any,
) -> Match:
    """An unsaved match with an exact similarity, time and box (top, left, width, height)."""
    top, left, width, height = box
    return Match(
        job=job,
        api_id=api_id,
        similarity=similarity,
        timestamp=timestamp,
        box_top=top,
        box_left=left,
        box_width=width,
        box_height=height,
        **fields,
    )


def make_matches(
    job: Job,
    n: int,
    *,
    similarity_range: tuple[float, float] = (40, 99),
    seed: int = 0,
    thumbnail_state: str = ThumbnailState.PENDING,
    with_thumbnail_urls: bool = False,
    start: int = 0,
) -> list[Match]:
    """`n` matches of `job`, one per second of video, similarity spread by `seed`.

    Ids are `m-<index>` (from `start`), so two calls with different `start`
    never collide and a test can name a match. Updates the job's counters.
    """
    rng = random.Random(seed)
    low, high = similarity_range
    rows = []
    for i in range(start, start + n):
        size = rng.uniform(0.05, 0.3)
        rows.append(
            Match(
                job=job,
                api_id=f"m-{i:06d}",
                frame_id=f"frame-{i:06d}",
                similarity=round(rng.uniform(low, high), 2),
                timestamp=float(i),
                box_top=round(rng.uniform(0, 1 - size), 4),
                box_left=round(rng.uniform(0, 1 - size), 4),
                box_width=round(size, 4),
                box_height=round(size, 4),
                thumbnail_url=(
                    f"https://cdn.example.test/{job.api_id}/{i:06d}.jpg"
                    if with_thumbnail_urls
                    else ""
                ),
                thumbnail_state=thumbnail_state,
            )
        )
    created = Match.objects.bulk_create(rows, batch_size=1000)
    count = job.matches.count()
    Job.objects.filter(pk=job.pk).update(match_total=count, matches_synced=count)
    job.match_total = job.matches_synced = count
    return created
