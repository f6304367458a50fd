"""review.counts_cache: the job page's verdict counts, cached but never stale."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from facematch_ui.faceapi.types import BoundingBox, FaceMatchResult
from facematch_ui.review import verdicts
from facematch_ui.review.appearances import set_appearance_verdict
from facematch_ui.review.counts_cache import cached_verdict_counts
from facematch_ui.review.models import Job, Match
from facematch_ui.review.similarity import verdict_counts
from facematch_ui.review.sync import upsert_matches
from tests.review.factories import make_job, make_matches, make_user

pytestmark = pytest.mark.django_db


def fresh(job: Job) -> Job:
    """The job as the next request loads it."""
    return Job.objects.get(pk=job.pk)


def confirmed(job: Job) -> int:
    return cached_verdict_counts(fresh(job)).progress().confirmed


def test_a_second_read_is_served_from_the_cache_without_a_query() -> None:
    job = make_job()
    make_matches(job, 30)
    first = cached_verdict_counts(fresh(job))
    again = fresh(job)

    with CaptureQueriesContext(connection) as queries:
        second = cached_verdict_counts(again)

    assert len(queries) == 0
    assert second == first == verdict_counts(job)
    assert second.counts().total == 30


def test_counts_after_a_verdict_write_are_fresh_though_the_old_key_is_still_cached() -> None:
    job = make_job()
    match = make_matches(job, 10)[0]
    before = fresh(job)
    assert cached_verdict_counts(before).progress().confirmed == 0

    verdicts.set_verdict(Match.objects.get(pk=match.pk), "confirmed", user=make_user())

    assert confirmed(job) == 1
    # Nothing was deleted: the old entry is simply never asked for again.
    assert cached_verdict_counts(before).progress().confirmed == 0


def test_two_processes_with_their_own_caches_both_see_a_write() -> None:
    job = make_job()
    matches = make_matches(job, 10)

    def counts_in(worker: str) -> int:
        # Each worker process has its own in-process "local" cache.
        own = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": worker}
        with override_settings(CACHES={**settings.CACHES, "local": own}):
            return confirmed(job)

    assert counts_in("worker-a") == counts_in("worker-b") == 0
    verdicts.set_verdict(matches[0], "confirmed", user=make_user())  # served by worker b

    assert counts_in("worker-a") == 1
    assert counts_in("worker-b") == 1


def _set(job: Job, ids: list[int]) -> None:
    verdicts.set_verdict(Match.objects.get(pk=ids[0]), "confirmed", user=None)


def _undo(job: Job, ids: list[int]) -> None:
    verdicts.set_verdict(Match.objects.get(pk=ids[0]), "confirmed", user=None)
    assert confirmed(job) == 1
    verdicts.clear_verdict(Match.objects.get(pk=ids[0]), user=None)


def _bulk(job: Job, ids: list[int]) -> None:
    verdicts.bulk_set_verdict(job, ids[:3], "confirmed", None)


def _reject_below(job: Job, ids: list[int]) -> None:
    verdicts.reject_below(job, 101, None, dry_run=False)


def _appearance(job: Job, ids: list[int]) -> None:
    set_appearance_verdict(job, ids[:4], "confirmed", None)


@pytest.mark.parametrize(
    ("write", "expected"),
    [
        (_set, {"confirmed": 1}),
        (_undo, {"confirmed": 0}),
        (_bulk, {"confirmed": 3}),
        (_reject_below, {"rejected": 8}),
        (_appearance, {"confirmed": 4}),
    ],
    ids=["set", "undo", "bulk", "reject-below", "appearance"],
)
def test_every_verdict_write_shows_in_the_next_counts(
    write: Callable[[Job, list[int]], None], expected: dict[str, int]
) -> None:
    job = make_job()
    ids = [m.pk for m in make_matches(job, 8)]
    assert cached_verdict_counts(fresh(job)).progress().reviewed == 0

    write(fresh(job), ids)

    progress = cached_verdict_counts(fresh(job)).progress()
    for name, count in expected.items():
        assert getattr(progress, name) == count
    assert cached_verdict_counts(fresh(job)) == verdict_counts(job)


def test_the_job_a_bulk_write_was_given_reads_the_new_counts() -> None:
    # The bulk views render the gallery with the Job they passed to the write.
    job = fresh(make_job())
    ids = [m.pk for m in make_matches(job, 5)]
    assert cached_verdict_counts(job).progress().rejected == 0

    verdicts.bulk_set_verdict(job, ids, "rejected", None)

    assert cached_verdict_counts(job).progress().rejected == 5


def _result(match: Match, similarity: float) -> FaceMatchResult:
    return FaceMatchResult(
        id=match.api_id,
        frame_id=match.frame_id,
        similarity=similarity,
        timestamp=match.timestamp,
        box=BoundingBox(
            top=match.box_top, left=match.box_left, width=match.box_width, height=match.box_height
        ),
        thumbnail_url=None,
    )


def test_a_sync_that_changes_matches_shows_in_the_next_counts() -> None:
    job = make_job()
    match = make_matches(job, 5, similarity_range=(40, 60))[0]
    assert cached_verdict_counts(fresh(job)).counts().at_or_above(90) == 0

    upsert_matches(job, [_result(match, 95.0)])

    assert cached_verdict_counts(fresh(job)).counts().at_or_above(90) == 1


def test_a_sync_that_changes_nothing_keeps_the_cached_counts() -> None:
    job = make_job()
    match = make_matches(job, 5)[0]
    version = fresh(job).counts_version

    assert upsert_matches(job, [_result(match, match.similarity)]) == 0

    assert fresh(job).counts_version == version
