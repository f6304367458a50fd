"""Verdicts: set, history, undo, conflicts, bulk actions, filters and progress."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import OperationalError, connection, connections
from django.test.utils import CaptureQueriesContext

from facematch_ui.review import queries
from facematch_ui.review.models import Match, Verdict, VerdictChange
from facematch_ui.review.verdict_queries import (
    _ORDERINGS,
    filter_by_verdict,
    next_unreviewed,
    review_progress,
    stacked_histogram,
)
from facematch_ui.review.verdicts import (
    VerdictConflict,
    bulk_set_verdict,
    clear_verdict,
    history,
    reject_below,
    set_verdict,
)
from tests.review.factories import make_job, make_matches, make_user
from tests.review.triage_factories import give_verdicts, match_named

pytestmark = pytest.mark.django_db


# --- One match -----------------------------------------------------------------------


def test_it_records_who_set_a_verdict_when_and_with_which_note() -> None:
    job = make_job()
    match = make_matches(job, 1)[0]
    ada = make_user("ada")

    verdict = set_verdict(match, "confirmed", note="  same scar  ", user=ada)

    stored = Verdict.objects.get(match=match)
    assert (stored.value, stored.note, stored.set_by, stored.version) == (
        "confirmed",
        "same scar",
        ada,
        1,
    )
    assert stored.set_at == verdict.set_at
    assert stored.source == "match"


def test_every_change_is_kept_in_the_history_newest_first() -> None:
    job = make_job()
    match = make_matches(job, 1)[0]
    ada, bob = make_user("ada"), make_user("bob")

    set_verdict(match, "unsure", user=ada)
    set_verdict(match, "confirmed", note="checked the jacket", user=bob)
    set_verdict(match, "rejected", user=ada)

    trail = [(c.previous_value, c.value, c.changed_by, c.version) for c in history(match)]
    assert trail == [
        ("confirmed", "rejected", ada, 3),
        ("unsure", "confirmed", bob, 2),
        ("", "unsure", ada, 1),
    ]
    assert Verdict.objects.get(match=match).version == 3


def test_it_refuses_an_unknown_value_or_an_overlong_note() -> None:
    match = make_matches(make_job(), 1)[0]
    user = make_user()

    with pytest.raises(ValueError, match="not a verdict"):
        set_verdict(match, "maybe", user=user)
    with pytest.raises(ValueError, match="at most 2000"):
        set_verdict(match, "unsure", note="x" * 2001, user=user)
    assert not VerdictChange.objects.exists()


def test_verdicts_survive_a_resync_and_the_job_vanishing() -> None:
    from facematch_ui.faceapi.types import BoundingBox, FaceMatchResult
    from facematch_ui.review.sync import upsert_matches

    job = make_job()
    match = make_matches(job, 1)[0]
    set_verdict(match, "confirmed", user=make_user())
    changed = FaceMatchResult(
        id=match.api_id,
        frame_id="frame-x",
        similarity=12.5,
        timestamp=3.0,
        box=BoundingBox(top=0.1, left=0.1, width=0.2, height=0.2),
        thumbnail_url=None,
    )

    upsert_matches(job, [changed])
    job.vanished_at = job.created_at
    job.save()

    match.refresh_from_db()
    assert match.similarity == 12.5
    assert match.verdict.value == "confirmed"


# --- Undo -------------------------------------------------------------------------------


def test_undo_walks_back_through_the_history_to_unreviewed() -> None:
    match = make_matches(make_job(), 1)[0]
    ada = make_user("ada")
    set_verdict(match, "unsure", note="blurry", user=ada)
    set_verdict(match, "confirmed", note="sharper frame later", user=ada)

    first = clear_verdict(match, user=ada)
    assert first is not None
    assert (first.value, first.note) == ("unsure", "blurry")

    second = clear_verdict(match, user=ada)
    assert second is not None
    assert second.value == ""
    assert filter_by_verdict(Match.objects.filter(pk=match.pk), "unreviewed").exists()

    # Nothing left to undo: no change, no history row.
    assert clear_verdict(match, user=ada) == Verdict.objects.get(match=match)
    assert [c.source for c in history(match)] == ["undo", "undo", "match", "match"]
    assert Verdict.objects.get(match=match).version == 4


def test_undo_of_a_match_without_verdict_does_nothing() -> None:
    match = make_matches(make_job(), 1)[0]

    assert clear_verdict(match, user=make_user()) is None
    assert not VerdictChange.objects.exists()


# --- Concurrency ---------------------------------------------------------------------


def test_a_save_from_a_stale_page_is_told_the_match_changed() -> None:
    match = make_matches(make_job(), 1)[0]
    ada, bob = make_user("ada"), make_user("bob")
    # Both analysts opened the match while it had no verdict (version 0).
    set_verdict(match, "confirmed", user=ada, expected_version=0)

    with pytest.raises(VerdictConflict) as caught:
        set_verdict(match, "rejected", user=bob, expected_version=0)

    assert caught.value.current is not None
    assert (caught.value.current.value, caught.value.current.set_by) == ("confirmed", ada)
    assert Verdict.objects.get(match=match).value == "confirmed"
    assert VerdictChange.objects.filter(match=match).count() == 1


def test_two_stale_versions_only_the_first_save_lands() -> None:
    match = make_matches(make_job(), 1)[0]
    ada, bob = make_user("ada"), make_user("bob")
    seen = set_verdict(match, "unsure", user=ada).version

    set_verdict(match, "confirmed", user=ada, expected_version=seen)
    with pytest.raises(VerdictConflict):
        set_verdict(match, "rejected", user=bob, expected_version=seen)
    with pytest.raises(VerdictConflict):
        clear_verdict(match, user=bob, expected_version=seen)

    assert Verdict.objects.get(match=match).value == "confirmed"


def test_a_save_without_a_version_wins_visibly_in_the_history() -> None:
    match = make_matches(make_job(), 1)[0]
    ada, bob = make_user("ada"), make_user("bob")
    set_verdict(match, "confirmed", user=ada)

    set_verdict(match, "rejected", user=bob)

    latest = history(match).first()
    assert latest is not None
    assert (latest.previous_value, latest.value, latest.changed_by) == (
        "confirmed",
        "rejected",
        bob,
    )


def _save_in_thread(
    barrier: threading.Barrier, save: Callable[[], object], outcomes: list[str]
) -> None:
    try:
        barrier.wait()
        # The test database is SQLite in shared-cache memory, which answers
        # "table is locked" at once where the real file database (WAL,
        # timeout=20) waits for the other writer: wait here instead.
        for _ in range(200):
            try:
                save()
                outcomes.append("saved")
                return
            except OperationalError as err:
                if "locked" not in str(err):
                    raise
                time.sleep(0.01)
        outcomes.append("never got the lock")
    except VerdictConflict:
        outcomes.append("conflict")
    finally:
        connections.close_all()


def _run_together(*saves: Callable[[], object]) -> list[str]:
    barrier = threading.Barrier(len(saves))
    outcomes: list[str] = []
    threads = [threading.Thread(target=_save_in_thread, args=(barrier, s, outcomes)) for s in saves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_threads_saving_from_the_same_version_one_is_told() -> None:
    match = make_matches(make_job(), 1)[0]
    ada, bob = make_user("ada"), make_user("bob")
    set_verdict(match, "unsure", user=ada)

    outcomes = _run_together(
        lambda: set_verdict(match, "confirmed", user=ada, expected_version=1),
        lambda: set_verdict(match, "rejected", user=bob, expected_version=1),
    )

    assert outcomes == ["conflict", "saved"]
    current = Verdict.objects.get(match=match)
    assert current.version == 2
    assert [c.value for c in history(match)] == [current.value, "unsure"]


@pytest.mark.django_db(transaction=True)
def test_two_threads_saving_without_a_version_are_both_in_the_history() -> None:
    match = make_matches(make_job(), 1)[0]
    ada, bob = make_user("ada"), make_user("bob")

    outcomes = _run_together(
        lambda: set_verdict(match, "confirmed", user=ada),
        lambda: set_verdict(match, "rejected", user=bob),
    )

    assert outcomes == ["saved", "saved"]
    trail = list(history(match))
    assert sorted(c.value for c in trail) == ["confirmed", "rejected"]
    # The later save replaced the earlier one, and says so.
    assert trail[0].previous_value == trail[1].value
    assert Verdict.objects.get(match=match).value == trail[0].value
    assert Verdict.objects.get(match=match).version == 2


# --- Bulk -----------------------------------------------------------------------------


def test_bulk_sets_the_chosen_matches_of_the_job_only() -> None:
    job, other = make_job(), make_job()
    matches = make_matches(job, 5)
    stranger = make_matches(other, 1)[0]
    user = make_user()
    set_verdict(matches[0], "rejected", user=user)
    set_verdict(matches[1], "confirmed", user=user)

    changed = bulk_set_verdict(
        job, [matches[0].pk, matches[1].pk, matches[2].pk, stranger.pk], "confirmed", user
    )

    assert changed == 2  # matches[1] was already confirmed; the stranger is another job's
    values = dict(Match.objects.filter(job=job).values_list("api_id", "verdict__value"))
    assert values == {
        "m-000000": "confirmed",
        "m-000001": "confirmed",
        "m-000002": "confirmed",
        "m-000003": None,
        "m-000004": None,
    }
    assert not Verdict.objects.filter(match=stranger).exists()
    change = history(matches[0]).first()
    assert change is not None
    assert (change.source, change.previous_value, change.version) == ("bulk", "rejected", 2)


def test_reject_below_preview_equals_what_it_applies_and_spares_reviewed_matches() -> None:
    job = make_job()
    make_matches(job, 200, seed=7)
    user = make_user()
    low = list(Match.objects.filter(job=job, similarity__lt=60).order_by("id"))
    set_verdict(low[0], "confirmed", user=user)
    set_verdict(low[1], "unsure", user=user)
    expected = len(low) - 2

    preview = reject_below(job, 60, user, dry_run=True)
    assert preview == expected
    assert not Verdict.objects.filter(value="rejected").exists()

    applied = reject_below(job, 60, user, dry_run=False)

    assert applied == preview
    assert Verdict.objects.get(match=low[0]).value == "confirmed"
    assert Verdict.objects.get(match=low[1]).value == "unsure"
    assert Match.objects.filter(job=job, verdict__value="rejected").count() == expected
    assert not Match.objects.filter(job=job, similarity__gte=60, verdict__isnull=False).exists()
    assert reject_below(job, 60, user, dry_run=True) == 0


def test_bulk_actions_use_a_few_queries_not_one_per_match() -> None:
    job = make_job()
    make_matches(job, 1200, similarity_range=(10, 20))
    user = make_user()

    with CaptureQueriesContext(connection) as queries_run:
        assert reject_below(job, 50, user, dry_run=False) == 1200

    # Batched inserts (SQLite takes ~140 verdict rows per INSERT): dozens, not 1,200.
    assert len(queries_run) < 40


# --- Reading -----------------------------------------------------------------------------


def test_filters_pick_each_verdict_and_the_unreviewed() -> None:
    job = make_job()
    make_matches(job, 6)
    ada = make_user()
    give_verdicts(job, {"m-000000": "confirmed", "m-000001": "rejected", "m-000002": "unsure"}, ada)
    set_verdict(match_named(job, "m-000003"), "confirmed", user=ada)
    clear_verdict(match_named(job, "m-000003"), user=ada)  # back to unreviewed
    everything = Match.objects.filter(job=job)

    def names(verdict: str) -> list[str]:
        return sorted(filter_by_verdict(everything, verdict).values_list("api_id", flat=True))

    assert names("confirmed") == ["m-000000"]
    assert names("rejected") == ["m-000001"]
    assert names("unsure") == ["m-000002"]
    assert names("unreviewed") == ["m-000003", "m-000004", "m-000005"]
    with pytest.raises(ValueError, match="not a verdict filter"):
        filter_by_verdict(everything, "maybe")


def test_progress_counts_each_verdict_in_one_query() -> None:
    job = make_job()
    make_matches(job, 10)
    give_verdicts(
        job,
        {
            "m-000000": "confirmed",
            "m-000001": "confirmed",
            "m-000002": "rejected",
            "m-000003": "unsure",
        },
        make_user(),
    )

    with CaptureQueriesContext(connection) as queries_run:
        progress = review_progress(job)

    assert len(queries_run) == 1
    assert (progress.reviewed, progress.total, progress.unreviewed) == (4, 10, 6)
    assert (progress.confirmed, progress.rejected, progress.unsure) == (2, 1, 1)
    assert progress.percent == 40.0


def test_next_unreviewed_follows_the_sort_order_and_wraps_around() -> None:
    job = make_job()
    make_matches(job, 6, seed=11)
    by_similarity = list(Match.objects.filter(job=job).order_by("-similarity", "timestamp", "id"))
    give_verdicts(job, {by_similarity[1].api_id: "rejected"}, make_user())

    assert next_unreviewed(job, None, "similarity") == by_similarity[0]
    assert next_unreviewed(job, by_similarity[0], "similarity") == by_similarity[2]
    assert next_unreviewed(job, by_similarity[5], "similarity") == by_similarity[0]


def test_next_unreviewed_in_time_order_skips_reviewed_matches() -> None:
    job = make_job()
    make_matches(job, 4)
    give_verdicts(job, {"m-000001": "rejected"}, make_user())

    after_first = next_unreviewed(job, match_named(job, "m-000000"), "time")
    after_last = next_unreviewed(job, match_named(job, "m-000003"), "time")

    assert after_first is not None and after_first.api_id == "m-000002"
    assert after_last is not None and after_last.api_id == "m-000000"


def test_next_unreviewed_is_none_when_everything_is_reviewed() -> None:
    job = make_job()
    matches = make_matches(job, 3)
    bulk_set_verdict(job, [m.pk for m in matches], "unsure", make_user())

    assert next_unreviewed(job, matches[0], "time") is None


def test_next_unreviewed_uses_the_gallery_orders() -> None:
    assert queries.ORDERINGS == _ORDERINGS


def test_stacked_histogram_splits_each_bin_by_verdict_in_one_query() -> None:
    job = make_job()
    make_matches(job, 4, similarity_range=(52, 54))  # all in bin 10 of 20 (50..55)
    make_matches(job, 2, similarity_range=(100, 100), start=4)  # folded into the top bin
    give_verdicts(
        job, {"m-000000": "confirmed", "m-000001": "rejected", "m-000004": "unsure"}, make_user()
    )

    with CaptureQueriesContext(connection) as queries_run:
        histogram = stacked_histogram(job, bins=20)

    assert len(queries_run) == 1
    assert histogram.total == 6
    middle, top = histogram.bins[10], histogram.bins[19]
    assert (middle.lower, middle.upper) == (50.0, 55.0)
    assert (middle.confirmed, middle.rejected, middle.unsure, middle.unreviewed) == (1, 1, 0, 2)
    assert (top.confirmed, top.rejected, top.unsure, top.unreviewed) == (0, 0, 1, 1)
    assert sum(b.total for i, b in enumerate(histogram.bins) if i not in (10, 19)) == 0
