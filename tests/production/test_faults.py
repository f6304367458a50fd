"""Fault injection: a sync that meets a broken face API loses nothing.

Every scenario starts from a job already synced (500 matches, 5 pages of
100) with analysts' verdicts on it, resyncs through a fault, and checks:
- the sync ends in a defined state: an error on the job (Job.sync_error) an
  analyst can read, the job marked vanished, or a clean sync when the fault
  is one we tolerate (retried away, extra fields, one bad row dropped);
- every cached match and every verdict (and its history) is unchanged;
- the next sync, with the API healthy again, recovers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from facematch_ui.faceapi.errors import FaceApiError
from facematch_ui.review.models import Job, Match, Verdict, VerdictChange
from facematch_ui.review.sync import sync_job
from facematch_ui.review.verdicts import set_verdict
from tests.production import faulty_api as faults
from tests.production.faulty_api import Fault, FaultyFaceApi
from tests.review.factories import make_user

pytestmark = pytest.mark.django_db

JOB_ID = "0c6f1a52-7d3e-4f7e-9a55-3b1c2d4e5f60"
MATCHES = 500
PAGE_3 = 200  # offsets 0, 100, 200, 300, 400: the third page of five


def _drop_similarity(body: dict[str, Any]) -> None:
    for result in body["data"]["faces_matches"]:
        del result["similarity"]


def _add_fields(body: dict[str, Any]) -> None:
    body["model_version"] = "2025-06"
    for result in body["data"]["faces_matches"]:
        result["emotion"] = "neutral"


def _score_out_of_range(body: dict[str, Any]) -> None:
    body["data"]["faces_matches"][0]["similarity"] = 250.0


def _status_as_number(body: dict[str, Any]) -> None:
    body["status"] = 3


@dataclass(frozen=True)
class Scenario:
    name: str
    fault: Fault
    # "error": sync_error set and FaceApiError raised; "vanished": job marked
    # gone; "synced": the fault is absorbed, the sync succeeds.
    outcome: str
    says: str = ""  # a phrase the analyst reads in sync_error (lower case)


def scenarios() -> list[Scenario]:
    return [
        Scenario("connection refused", Fault(PAGE_3, faults.refuse_connection), "error", "reach"),
        Scenario("timeout", Fault(PAGE_3, faults.time_out), "error", "no answer"),
        Scenario("timeout on the first page", Fault(0, faults.time_out), "error", "no answer"),
        Scenario("500", Fault(PAGE_3, faults.status(500)), "error", "500"),
        Scenario("502", Fault(PAGE_3, faults.status(502)), "error", "502"),
        Scenario("503", Fault(PAGE_3, faults.status(503)), "error", "503"),
        Scenario(
            "429 with Retry-After",
            Fault(PAGE_3, faults.status(429, **{"Retry-After": "7"})),
            "error",
            "limiting",
        ),
        Scenario("429 without Retry-After", Fault(PAGE_3, faults.status(429)), "error", "limiting"),
        Scenario("503 once, then fine", Fault(PAGE_3, faults.status(503), times=1), "synced"),
        Scenario(
            "429 once, then fine",
            Fault(PAGE_3, faults.status(429, **{"Retry-After": "1"}), times=1),
            "synced",
        ),
        Scenario("refused once, then fine", Fault(0, faults.refuse_connection, 1), "synced"),
        Scenario("truncated JSON", Fault(PAGE_3, faults.truncate), "error", "json"),
        Scenario("an HTML page instead of JSON", Fault(PAGE_3, faults.html), "error", "json"),
        Scenario(
            "a required field missing",
            Fault(PAGE_3, faults.drift(_drop_similarity)),
            "error",
            "similarity",
        ),
        Scenario(
            "a field of the wrong type",
            Fault(0, faults.drift(_status_as_number)),
            "error",
            "status",
        ),
        Scenario("extra fields", Fault(PAGE_3, faults.drift(_add_fields)), "synced"),
        Scenario(
            "one score out of range", Fault(PAGE_3, faults.drift(_score_out_of_range)), "synced"
        ),
        Scenario(
            "job deleted mid-sync (404 on page 3)",
            Fault(PAGE_3, faults.status(404, '{"error": "Face match not found"}')),
            "vanished",
            "no longer exists",
        ),
        Scenario(
            "key revoked mid-sync (401 on page 3)",
            Fault(PAGE_3, faults.status(401, '{"error": "Invalid API key"}')),
            "error",
            "key",
        ),
    ]


@dataclass(frozen=True)
class Snapshot:
    matches: list[tuple[Any, ...]]
    verdicts: list[tuple[Any, ...]]
    history: int


def snapshot(job: Job) -> Snapshot:
    return Snapshot(
        matches=list(
            Match.objects.filter(job=job)
            .order_by("api_id")
            .values_list("api_id", "similarity", "timestamp", "box_top", "thumbnail_url")
        ),
        verdicts=list(
            Verdict.objects.filter(match__job=job)
            .order_by("match__api_id")
            .values_list("match__api_id", "value", "note", "version")
        ),
        history=VerdictChange.objects.filter(match__job=job).count(),
    )


@pytest.fixture(autouse=True)
def thumbnail_dir(settings: Any, tmp_path: Path) -> None:
    settings.REVIEW_THUMBNAIL_DIR = tmp_path / "thumbnails"


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.name)
def test_a_sync_through_a_fault_loses_nothing_and_the_next_sync_recovers(
    scenario: Scenario,
) -> None:
    api = FaultyFaceApi()
    api.add_job(JOB_ID, results=MATCHES)
    slept: list[float] = []
    client = api.client(max_retries=2, sleep=slept.append)
    job = sync_job(JOB_ID, client=client)
    analyst = make_user()
    for api_id, value in (("r-00007", "confirmed"), ("r-00250", "rejected"), ("r-00499", "unsure")):
        set_verdict(job.matches.get(api_id=api_id), value, note="checked", user=analyst)
    before = snapshot(job)
    assert (len(before.matches), len(before.verdicts), before.history) == (MATCHES, 3, 3)

    api.faults.append(scenario.fault)
    if scenario.outcome == "error":
        with pytest.raises(FaceApiError):
            sync_job(JOB_ID, client=client)
    else:
        sync_job(JOB_ID, client=client)
    job.refresh_from_db()

    assert snapshot(job) == before, "the cache or the verdicts changed"
    if scenario.outcome == "error":
        assert job.sync_error.startswith("Could not sync with the face API")
        assert scenario.says in job.sync_error.lower(), job.sync_error
        assert "test-key" not in job.sync_error
        assert job.vanished_at is None
    elif scenario.outcome == "vanished":
        assert job.vanished_at is not None
        assert scenario.says in job.sync_error.lower()
    else:
        assert (job.sync_error, job.vanished_at) == ("", None)
    api.faults.clear()
    recovered = sync_job(JOB_ID, client=client)

    assert (recovered.sync_error, recovered.vanished_at) == ("", None)
    assert (recovered.match_total, recovered.matches_synced) == (MATCHES, MATCHES)
    assert snapshot(recovered) == before


def test_a_retry_after_is_waited_for_before_the_next_attempt() -> None:
    api = FaultyFaceApi()
    api.add_job(JOB_ID, results=MATCHES)
    api.faults.append(Fault(PAGE_3, faults.status(429, **{"Retry-After": "3"}), times=1))
    slept: list[float] = []

    sync_job(JOB_ID, client=api.client(max_retries=2, sleep=slept.append))

    assert 3.0 in slept
