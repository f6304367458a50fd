"""The status partial every open job page polls every 2 s: a few small queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from facematch_ui.review.models import JobStatus
from tests.review.factories import make_job, make_matches
from tests.review.fake_api import FakeFaceApi

pytestmark = pytest.mark.django_db

JOB_ID = "6d0c1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f"
HTMX = {"HX-Request": "true"}


def poll(client: Client) -> tuple[int, list[str]]:
    seen: list[str] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        status = client.get(f"/jobs/{JOB_ID}/status/", headers=HTMX).status_code
    return status, seen


@pytest.mark.parametrize("status", [JobStatus.COMPLETED, JobStatus.FAILED])
def test_a_poll_of_a_final_job_reads_only_the_session_user_and_job(
    analyst: Client, face_api: FakeFaceApi, status: JobStatus
) -> None:
    job = make_job(api_id=JOB_ID, status=status)
    make_matches(job, 50)

    code, queries = poll(analyst)

    assert code == 286
    assert len(queries) == 3
    assert not any("review_match" in sql for sql in queries)
    assert face_api.requests_to(f"http://api.test/v1/face-match/{JOB_ID}") == []


def test_a_running_job_is_read_once_when_no_sync_is_due(
    analyst: Client, face_api: FakeFaceApi
) -> None:
    make_job(api_id=JOB_ID, status=JobStatus.PROCESSING, match_total=None)
    face_api.add_job(JOB_ID, "processing")
    first_code, first = poll(analyst)  # asks for a sync: then reads the job again

    code, queries = poll(analyst)

    assert first_code == code == 200
    assert len(first) > len(queries) == 3
    assert len(face_api.requests_to(f"http://api.test/v1/face-match/{JOB_ID}")) == 1
