"""The timeline strip: one mark per match, or the best match of each slice of time."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facematch_ui.review.models import Match
from facematch_ui.review.timeline import build_timeline
from tests.review.factories import make_job, make_matches, make_user
from tests.review.triage_factories import give_verdicts

pytestmark = pytest.mark.django_db


def test_each_match_is_a_mark_when_they_fit() -> None:
    job = make_job()
    make_matches(job, 5)
    timeline = build_timeline(job, current_id="m-000002", duration=10.0)
    assert [m.match_id for m in timeline.marks] == [f"m-{i:06d}" for i in range(5)]
    assert [m.x for m in timeline.marks] == [0.0, 10.0, 20.0, 30.0, 40.0]
    assert not timeline.grouped
    assert timeline.current is not None and timeline.current.match_id == "m-000002"


def test_the_duration_is_the_last_match_when_the_video_is_unknown_or_shorter() -> None:
    job = make_job()
    make_matches(job, 5)  # 0..4 s
    assert build_timeline(job).duration == 4.0
    assert build_timeline(job, duration=2.0).duration == 4.0
    assert build_timeline(job, duration=8.0).duration == 8.0


def test_many_matches_are_grouped_keeping_the_best_of_each_slice() -> None:
    job = make_job()
    make_matches(job, 1000, seed=3)  # one per second, 0..999 s
    timeline = build_timeline(job, duration=1000.0, max_marks=100)
    assert len(timeline.marks) == 100 and timeline.grouped
    assert sum(m.count for m in timeline.marks) == 1000
    rows = list(Match.objects.filter(job=job).values_list("timestamp", "similarity"))
    for index, mark in enumerate(timeline.marks):
        in_slice = [s for t, s in rows if index * 10 <= t < (index + 1) * 10]
        assert mark.similarity == max(in_slice)
        assert index * 10 <= mark.timestamp < (index + 1) * 10


def test_it_never_draws_more_than_the_cap() -> None:
    job = make_job()
    make_matches(job, 2500)
    assert len(build_timeline(job).marks) <= 600


def test_marks_are_coloured_by_verdict_then_similarity() -> None:
    job = make_job()
    make_matches(job, 4)
    for i, value in enumerate([95, 90, 85, 10]):
        Match.objects.filter(job=job, api_id=f"m-{i:06d}").update(similarity=value)
    give_verdicts(
        job, {"m-000000": "confirmed", "m-000001": "rejected", "m-000002": "unsure"}, make_user()
    )
    tones = [m.tone for m in build_timeline(job).marks]
    assert tones == ["confirmed", "rejected", "unsure", "s0"]


def test_it_reads_the_matches_in_one_query() -> None:
    job = make_job()
    make_matches(job, 50)
    with CaptureQueriesContext(connection) as queries:
        build_timeline(job, current_id="m-000001")
    assert len(queries) == 1
