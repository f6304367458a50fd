"""Appearances: grouping by gaps, best frame, verdicts on a whole appearance."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facematch_ui.review.appearances import group_appearances, set_appearance_verdict
from facematch_ui.review.models import Job, Match, Verdict
from facematch_ui.review.verdicts import history, set_verdict
from tests.review.factories import make_job, make_user, match_row

pytestmark = pytest.mark.django_db


def _matches_at(job: Job, seconds_and_similarity: list[tuple[float, float]]) -> list[Match]:
    return Match.objects.bulk_create(
        match_row(job, f"t-{i:04d}", similarity, seconds, frame_id=f"frame-{i:04d}")
        for i, (seconds, similarity) in enumerate(seconds_and_similarity)
    )


def test_frames_within_the_gap_form_one_appearance() -> None:
    job = make_job()
    m = _matches_at(
        job,
        [(0.0, 60), (2.0, 80), (5.0, 70), (10.0, 90), (30.0, 50), (33.5, 55)],
    )

    appearances = group_appearances(job, max_gap=3.0)

    assert [(a.start, a.end, a.count) for a in appearances] == [
        (0.0, 5.0, 3),
        (10.0, 10.0, 1),  # a single frame is an appearance too
        (30.0, 30.0, 1),  # 3.5 s later is past the gap
        (33.5, 33.5, 1),
    ]
    first = appearances[0]
    assert first.index == 0
    assert first.match_ids == (m[0].pk, m[1].pk, m[2].pk)
    assert (first.best_match_id, first.best_similarity) == (m[1].pk, 80)
    assert first.duration == 5.0


def test_a_wider_gap_merges_appearances() -> None:
    job = make_job()
    _matches_at(job, [(0.0, 60), (4.0, 80), (30.0, 50)])

    assert [a.count for a in group_appearances(job, max_gap=5.0)] == [2, 1]
    assert [a.count for a in group_appearances(job, max_gap=3.0)] == [1, 1, 1]


def test_a_job_without_matches_has_no_appearances() -> None:
    assert group_appearances(make_job()) == []


def test_matches_in_the_same_frame_share_an_appearance_and_the_earliest_best_wins() -> None:
    job = make_job()
    m = _matches_at(job, [(1.0, 70), (1.0, 70), (2.0, 40)])

    (only,) = group_appearances(job)

    assert only.count == 3
    assert only.best_match_id == m[0].pk


def test_grouping_a_large_job_is_one_query() -> None:
    job = make_job()
    _matches_at(job, [(i * 0.5 + (i // 100) * 10, 50 + i % 40) for i in range(5000)])

    with CaptureQueriesContext(connection) as queries_run:
        appearances = group_appearances(job)

    assert len(queries_run) == 1
    assert len(appearances) == 50
    assert sum(a.count for a in appearances) == 5000


def test_summary_counts_the_verdicts_inside() -> None:
    job = make_job()
    m = _matches_at(job, [(0.0, 60), (1.0, 61), (2.0, 62)])
    user = make_user()
    set_verdict(m[0], "confirmed", user=user)

    (appearance,) = group_appearances(job)

    assert (appearance.verdicts.confirmed, appearance.verdicts.unreviewed) == (1, 2)
    assert appearance.verdicts.overall == "mixed"


def test_an_appearance_verdict_reaches_all_its_matches_and_no_others() -> None:
    job = make_job()
    m = _matches_at(job, [(0.0, 60), (1.0, 61), (2.0, 62), (20.0, 90)])
    user = make_user()

    changed = set_appearance_verdict(job, 0, "confirmed", user)

    assert changed == 3
    assert set(Verdict.objects.values_list("match_id", "value")) == {
        (m[0].pk, "confirmed"),
        (m[1].pk, "confirmed"),
        (m[2].pk, "confirmed"),
    }
    change = history(m[1]).first()
    assert change is not None
    assert (change.source, change.changed_by) == ("appearance", user)
    assert group_appearances(job)[0].verdicts.overall == "confirmed"


def test_an_individual_verdict_overrides_the_appearance_verdict() -> None:
    job = make_job()
    m = _matches_at(job, [(0.0, 60), (1.0, 61), (2.0, 62)])
    user = make_user()
    set_appearance_verdict(job, 0, "confirmed", user)
    set_verdict(m[1], "rejected", note="a lookalike", user=user)

    changed = set_appearance_verdict(job, [a.pk for a in m], "unsure", user)

    assert changed == 2
    values = dict(Verdict.objects.values_list("match_id", "value"))
    assert values == {m[0].pk: "unsure", m[1].pk: "rejected", m[2].pk: "unsure"}


def test_an_unknown_appearance_is_a_clear_error() -> None:
    job = make_job()
    _matches_at(job, [(0.0, 60)])

    with pytest.raises(ValueError, match="no appearance 3"):
        set_appearance_verdict(job, 3, "confirmed", make_user())


def test_match_ids_of_another_job_are_ignored() -> None:
    job, other = make_job(), make_job()
    _matches_at(job, [(0.0, 60)])
    stranger = _matches_at(other, [(0.0, 60)])[0]

    assert set_appearance_verdict(job, [stranger.pk], "rejected", make_user()) == 0
    assert not Verdict.objects.exists()
