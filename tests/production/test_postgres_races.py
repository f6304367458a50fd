"""Concurrency on PostgreSQL: two real sessions doing the same thing at once.

SQLite serialises every write, so these races only exist on PostgreSQL;
`make test` runs this file in its PostgreSQL pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from facematch_ui.engine import runner
from facematch_ui.engine.jobstate import claim
from facematch_ui.engine.models import FaceMatch, File, JobStatus
from facematch_ui.review.models import Job, Match, Verdict, VerdictChange
from facematch_ui.review.sync import sync_job
from facematch_ui.review.verdicts import VerdictConflict, set_verdict
from tests.production.races import race
from tests.review.factories import make_job, make_matches, make_user
from tests.review.fake_api import FakeFaceApi

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

JOB_ID = "0c6f1a52-7d3e-4f7e-9a55-3b1c2d4e5f60"
ROUNDS = 5  # races are probabilistic: several rounds make a lucky pass unlikely


@pytest.fixture(autouse=True)
def on_postgres(settings: Any, tmp_path: Path) -> None:
    assert connection.vendor == "postgresql", "run with FACEMATCH_TEST_DATABASE=postgres"
    settings.REVIEW_THUMBNAIL_DIR = tmp_path / "thumbnails"


def test_two_analysts_saving_from_the_same_version_one_wins_one_conflicts() -> None:
    job = make_job()
    matches = make_matches(job, ROUNDS)
    alice, bob = make_user("alice"), make_user("bob")
    for match in matches:
        users = iter([alice, bob])

        def save(match: Match = match, users: Any = users) -> Verdict:
            return set_verdict(match, "confirmed", user=next(users), expected_version=0)

        outcomes = race(save)

        assert len(outcomes.results) == 1, outcomes.errors
        assert [type(e) for e in outcomes.errors] == [VerdictConflict]
        assert outcomes.errors[0].current.version == 1
        verdict = Verdict.objects.get(match=match)
        assert (verdict.version, verdict.value) == (1, "confirmed")
        assert VerdictChange.objects.filter(match=match).count() == 1


def test_saves_without_a_version_both_land_in_the_history() -> None:
    job = make_job()
    [match] = make_matches(job, 1)
    values = iter(["confirmed", "rejected"])

    outcomes = race(lambda: set_verdict(match, next(values), user=None))

    assert outcomes.errors == []
    assert Verdict.objects.get(match=match).version == 2
    assert sorted(VerdictChange.objects.filter(match=match).values_list("version", flat=True)) == [
        1,
        2,
    ]


def test_two_syncs_of_the_same_job_at_once_leave_one_job_and_no_duplicates() -> None:
    api = FakeFaceApi()
    api.add_job(JOB_ID, results=2500)
    for _ in range(ROUNDS):
        outcomes = race(lambda: sync_job(JOB_ID, client=api.client()))

        assert outcomes.errors == []
        assert Job.objects.filter(api_id=JOB_ID).count() == 1
        job = Job.objects.get(api_id=JOB_ID)
        assert job.matches.count() == 2500
        assert job.matches.values("api_id").distinct().count() == 2500
        assert (job.match_total, job.matches_synced, job.sync_error) == (2500, 2500, "")


def _pending_face_match() -> FaceMatch:
    file = File.objects.create(filename="clip.mp4", bytes=1, path="files/clip.mp4")
    return FaceMatch.objects.create(file=file)


def test_two_workers_claiming_the_same_job_one_gets_it() -> None:
    for _ in range(ROUNDS):
        pending = _pending_face_match()

        outcomes = race(lambda pending=pending: claim(FaceMatch, pending.pk))

        assert outcomes.errors == []
        claimed = [job for job in outcomes.results if job is not None]
        assert len(claimed) == 1
        stored = FaceMatch.objects.get(pk=pending.pk)
        assert (stored.status, stored.attempts) == (JobStatus.PROCESSING, 1)


def test_a_job_enqueued_twice_runs_once(monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[str] = []
    monkeypatch.setattr(runner, "_match", lambda face_match: runs.append(str(face_match.pk)))
    pending = _pending_face_match()

    outcomes = race(lambda: runner.run_face_match(str(pending.pk)))

    assert outcomes.errors == []
    assert runs == [str(pending.pk)]
