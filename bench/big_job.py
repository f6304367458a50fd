"""A completed job with N synthetic cached matches, for the gallery benches.

Import after django.setup(). Deterministic (seeded), bulk-inserted.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from facematch_ui.review.models import Job, JobStatus, Match


def build_job(api_id: str, n: int) -> Job:
    job = Job.objects.create(
        api_id=api_id,
        status=JobStatus.COMPLETED,
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        match_total=n,
        matches_synced=n,
    )
    rng = random.Random(1)
    rows = []
    for i in range(n):
        size = rng.uniform(0.05, 0.3)
        rows.append(
            Match(
                job=job,
                api_id=f"m-{i:07d}",
                frame_id=f"f-{i:07d}",
                similarity=round(rng.uniform(0, 100), 2),
                timestamp=i / 2,
                box_top=rng.uniform(0, 1 - size),
                box_left=rng.uniform(0, 1 - size),
                box_width=size,
                box_height=size,
                thumbnail_url=f"https://cdn.example.test/{i}.jpg",
                thumbnail_state="stored",
            )
        )
    Match.objects.bulk_create(rows, batch_size=5000)
    return job
