"""The job page's verdict counts, cached per job and counts version.

Counting every match of a job by similarity and verdict (one GROUP BY) is
the one query of the job page whose cost grows with the job: about 40 ms at
100,000 matches, on every request. Its result changes only when a verdict is
written or a sync changes the matches, and every such write bumps
`Job.counts_version` in its own transaction (bump_counts_version). The cache
key names the version, so a count cached before a write is never read after
it: no invalidation to miss, and it holds in every gunicorn worker even when
each has its own in-process cache.
"""

from __future__ import annotations

from django.core.cache import caches
from django.db.models import F

from facematch_ui.review.models import Job
from facematch_ui.review.similarity import SimilarityCounts, VerdictCounts, verdict_counts

COUNTS_CACHE_SECONDS = 3600


def bump_counts_version(job: Job | int) -> None:
    """Mark the job's cached counts out of date; call inside the writing transaction.

    An UPDATE with F(), so concurrent writers never lose a bump. A Job
    instance given is brought up to the new version, so a view that wrote
    and then renders the page with it reads the new counts.
    """
    job_id = job.pk if isinstance(job, Job) else job
    Job.objects.filter(pk=job_id).update(counts_version=F("counts_version") + 1)
    if isinstance(job, Job):
        job.refresh_from_db(fields=["counts_version"])


def _key(job: Job, version: int) -> str:
    # added_at tells apart a job row that reused a deleted one's primary key.
    created = job.added_at.timestamp() if job.added_at else 0
    return f"review:verdict-counts:{job.pk}:{created}:{version}"


def cached_verdict_counts(job: Job) -> VerdictCounts:
    """review.similarity.verdict_counts(job) as of `job`'s counts version.

    No query when cached, the GROUP BY otherwise. `job` is read by the
    request, so the counts are at least as new as the request's start; a
    writer that renders afterwards passes its Job to the write, which moves
    it to the new version (bump_counts_version).
    """
    key = _key(job, job.counts_version)
    stored = caches["local"].get(key)
    if stored is None:
        counts = verdict_counts(job)
        stored = {name: c.per_point for name, c in counts.by_verdict.items()}
        caches["local"].set(key, stored, timeout=COUNTS_CACHE_SECONDS)
        return counts
    return VerdictCounts(
        by_verdict={name: SimilarityCounts(per_point=tuple(p)) for name, p in stored.items()}
    )
