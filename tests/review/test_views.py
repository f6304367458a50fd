"""The dashboard's pages: login, jobs list, open by id, refresh, job page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from facematch_ui.review.models import Job, JobStatus, ThumbnailState
from tests.review.conftest import FACE_API_KEY as API_KEY
from tests.review.factories import make_job, make_matches
from tests.review.fake_api import FakeFaceApi

pytestmark = pytest.mark.django_db

UNKNOWN_ID = "3f2b8c1e-7d4a-4c55-9a0e-1b2c3d4e5f60"


# --- Login -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/open/?id=" + UNKNOWN_ID,
        "/jobs/job-x/",
        "/jobs/job-x/status/",
        "/jobs/job-x/matches/m-1/frame.jpg",
        "/jobs/job-x/source/face.jpg",
    ],
)
def test_every_page_sends_a_stranger_to_the_login_page(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_refresh_sends_a_stranger_to_the_login_page(client: Client) -> None:
    response = client.post("/refresh/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_login_page_renders(client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content


# --- Jobs list ---------------------------------------------------------------


def test_the_list_shows_cached_jobs_newest_first_and_vanished_ones_last(analyst: Client) -> None:
    old = make_job(api_id="job-old", created_at=datetime(2025, 1, 1, tzinfo=UTC), match_total=7)
    new = make_job(
        api_id="job-new", status=JobStatus.PROCESSING, created_at=datetime(2025, 3, 1, tzinfo=UTC)
    )
    gone = make_job(
        api_id="job-gone",
        created_at=datetime(2025, 6, 1, tzinfo=UTC),
        vanished_at=datetime(2025, 6, 2, tzinfo=UTC),
    )

    response = analyst.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(f'href="/jobs/{job.api_id}/"') for job in (new, old, gone)]
    assert positions == sorted(positions)
    assert "badge-processing" in html and "badge-vanished" in html
    assert 'title="2025-01-01 00:00:00 UTC"' in html
    assert f'src="/jobs/{old.api_id}/source/face.jpg"' in html
    assert '<td class="num">7</td>' in html


def test_the_list_filters_by_status_and_htmx_gets_only_the_list(analyst: Client) -> None:
    make_job(api_id="job-done")
    make_job(api_id="job-running", status=JobStatus.PROCESSING)

    full = analyst.get("/?status=processing")
    partial = analyst.get("/?status=processing", headers={"HX-Request": "true"})

    assert b"job-running" in full.content and b"job-done" not in full.content
    assert b"<html" in full.content
    assert partial.content.lstrip().startswith(b'<section id="job-list"')
    assert b"job-running" in partial.content and b"job-done" not in partial.content
    assert "HX-Request" in partial["Vary"]


def test_an_unknown_status_filter_shows_all_jobs(analyst: Client) -> None:
    make_job(api_id="job-done")
    response = analyst.get("/?status=bogus")
    assert response.status_code == 200
    assert b"job-done" in response.content


def test_with_no_jobs_the_list_explains_and_links_to_a_new_face_match(analyst: Client) -> None:
    response = analyst.get("/")
    assert b"No face matches yet" in response.content
    assert b'href="/new/"' in response.content


# --- Open by id ----------------------------------------------------------------


def test_a_malformed_id_is_a_clear_inline_error(analyst: Client, face_api: FakeFaceApi) -> None:
    response = analyst.get("/open/?id=not-a-uuid")
    assert response.status_code == 400
    assert "“not-a-uuid” is not a face match id" in response.content.decode()
    assert b'aria-invalid="true"' in response.content
    assert face_api.requests == []


def test_an_unknown_id_is_fetched_from_the_api_and_opened(
    analyst: Client, face_api: FakeFaceApi
) -> None:
    face_api.add_job(UNKNOWN_ID, "completed", results=3)

    response = analyst.get(f"/open/?id={UNKNOWN_ID.upper()}")

    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{UNKNOWN_ID}/"
    job = Job.objects.get(api_id=UNKNOWN_ID)
    assert (job.status, job.matches.count()) == (JobStatus.COMPLETED, 3)


def test_an_id_the_api_does_not_know_says_so(analyst: Client, face_api: FakeFaceApi) -> None:
    response = analyst.get(f"/open/?id={UNKNOWN_ID}")
    assert response.status_code == 404
    assert f"No face match with id {UNKNOWN_ID} exists on the face API." in (
        response.content.decode()
    )
    assert not Job.objects.exists()


def test_an_api_failure_while_opening_shows_its_message(
    analyst: Client, face_api: FakeFaceApi
) -> None:
    face_api.failures[UNKNOWN_ID] = (500, "database on fire")
    response = analyst.get(f"/open/?id={UNKNOWN_ID}")
    assert response.status_code == 502
    assert f"Could not fetch face match {UNKNOWN_ID}:" in response.content.decode()


def test_a_cached_id_opens_without_asking_the_api(analyst: Client, face_api: FakeFaceApi) -> None:
    make_job(api_id=UNKNOWN_ID)
    response = analyst.get(f"/open/?id={UNKNOWN_ID}")
    assert response["Location"] == f"/jobs/{UNKNOWN_ID}/"
    assert face_api.requests == []


# --- Refresh -------------------------------------------------------------------


def test_refresh_pulls_the_job_list_from_the_api(analyst: Client, face_api: FakeFaceApi) -> None:
    face_api.add_job(UNKNOWN_ID, "processing")
    response = analyst.post("/refresh/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert Job.objects.filter(api_id=UNKNOWN_ID, status=JobStatus.PROCESSING).exists()


def test_refresh_is_a_post(analyst: Client) -> None:
    assert analyst.get("/refresh/").status_code == 405


# --- No secrets in pages -------------------------------------------------------


def test_pages_never_show_upstream_thumbnail_urls_or_the_api_key(
    analyst: Client, face_api: FakeFaceApi
) -> None:
    job = make_job()
    make_matches(job, 30, with_thumbnail_urls=True, thumbnail_state=ThumbnailState.STORED)
    for path in ("/", f"/jobs/{job.api_id}/", f"/jobs/{job.api_id}/?sort=time&page_size=25"):
        html = analyst.get(path).content.decode()
        assert "cdn.example.test" not in html
        assert API_KEY not in html
