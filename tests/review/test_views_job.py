"""The job page: gallery state in the URL, htmx partials, states, status polling."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from facematch_ui.review.models import JobStatus, Match
from tests.review.factories import make_job, make_matches
from tests.review.fake_api import FakeFaceApi

pytestmark = pytest.mark.django_db

JOB_ID = "0b7f3c52-5d1e-4a8e-9d8e-3f6b2a1c9e70"


def card_ids(html: str) -> list[str]:
    return re.findall(r'data-match="([^"]+)"', html)


def expected_ids(job: object, threshold: float, order: tuple[str, ...]) -> list[str]:
    return list(
        Match.objects.filter(job=job, similarity__gte=threshold)
        .order_by(*order)
        .values_list("api_id", flat=True)
    )


# --- Gallery and its URL state ---------------------------------------------------


def test_the_page_shows_fifty_best_matches_by_default(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 120)
    html = analyst.get(f"/jobs/{job.api_id}/").content.decode()
    best = expected_ids(job, 0, ("-similarity", "timestamp", "id"))
    assert card_ids(html) == best[:50]
    assert 'id="threshold" name="threshold" min="0" max="100" step="1" value="0"' in html
    assert "<strong>120</strong> of 120 matches at or above 0%" in html
    assert "Page 1 of 3" in html


def test_a_card_shows_similarity_time_and_the_box_in_percent(analyst: Client) -> None:
    job = make_job()
    Match.objects.create(
        job=job,
        api_id="m-one",
        similarity=87.34,
        timestamp=3723.9,
        box_top=0.25,
        box_left=0.5,
        box_width=0.1125,
        box_height=0.2,
        thumbnail_state="stored",
    )
    html = analyst.get(f"/jobs/{job.api_id}/").content.decode()
    assert '<dd class="similarity">87.3%</dd>' in html
    assert "<time>1:02:03</time>" in html
    assert (
        '<rect class="box" x="50.0000%" y="25.0000%" width="11.2500%" height="20.0000%"/>' in html
    )
    assert f'src="/jobs/{job.api_id}/matches/m-one/frame.jpg"' in html
    assert f'src="/jobs/{job.api_id}/matches/m-one/face.jpg"' in html


def test_the_url_state_is_reflected_in_controls_and_links(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 200)
    html = analyst.get(
        f"/jobs/{job.api_id}/?threshold=55&sort=time&page=2&page_size=25"
    ).content.decode()

    assert card_ids(html) == expected_ids(job, 55, ("timestamp", "id"))[25:50]
    assert 'value="55"' in html
    assert '<option value="time" selected>' in html
    assert '<option value="25" selected>' in html
    assert "Page 2 of" in html
    base = f"/jobs/{job.api_id}/?threshold=55&amp;sort=time"
    assert f'href="{base}&amp;page=3&amp;page_size=25"' in html
    assert f'href="{base}&amp;page=1&amp;page_size=25"' in html


@pytest.mark.parametrize(
    "query",
    [
        "threshold=abc",
        "threshold=-5",
        "threshold=101",
        "page=-1",
        "page=abc",
        "page_size=7",
        "sort=bogus",
        "threshold=nan",
        "page=99999999999999999999",
    ],
)
def test_bad_query_values_fall_back_to_defaults(analyst: Client, query: str) -> None:
    job = make_job()
    make_matches(job, 60)
    response = analyst.get(f"/jobs/{job.api_id}/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="0"' in html and '<option value="similarity" selected>' in html
    assert '<option value="50" selected>' in html


def test_a_page_past_the_end_shows_the_last_page(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 120)
    html = analyst.get(f"/jobs/{job.api_id}/?page=99999").content.decode()
    assert "Page 3 of 3" in html
    assert card_ids(html) == expected_ids(job, 0, ("-similarity", "timestamp", "id"))[100:]


def test_htmx_gets_only_the_results_fragment(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 80)
    response = analyst.get(
        f"/jobs/{job.api_id}/?threshold=70",
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html and 'id="gallery-controls"' not in html
    assert card_ids(html) == expected_ids(job, 70, ("-similarity", "timestamp", "id"))[:50]
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 10)
    response = analyst.get(
        f"/jobs/{job.api_id}/",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert b"<html" in response.content


def queries_of(client: Client, url: str) -> list[str]:
    """SQL run for one request, counted at the cursor (Django resets its
    query log when a request starts, which hides queries from the log)."""
    seen: list[str] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert client.get(url).status_code == 200
    return seen


def test_the_page_costs_the_same_few_queries_on_any_page(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 400)
    Match.objects.filter(job=job).update(face_px=40)
    base = f"/jobs/{job.api_id}/?sort=time&page_size=25"
    # session, user, job, counts by similarity and verdict (the first time:
    # then cached per counts version), the page with its verdicts
    assert len(queries_of(analyst, f"{base}&threshold=30&page=1")) == 5
    assert len(queries_of(analyst, f"{base}&threshold=30&page=8")) == 4
    assert len(queries_of(analyst, f"{base}&threshold=30&page=8&verdict=unreviewed")) == 4
    # a fractional threshold or a quality filter adds its COUNT
    assert len(queries_of(analyst, f"{base}&threshold=30.5&page=12")) == 5
    assert len(queries_of(analyst, f"{base}&threshold=30&min_face_px=20&page=2")) == 5


def test_an_unknown_or_malformed_job_id_is_404(analyst: Client) -> None:
    assert analyst.get("/jobs/nope/").status_code == 404
    assert analyst.get("/jobs/..%2F..%2Fetc/").status_code == 404
    assert analyst.get("/jobs/nope/status/").status_code == 404


# --- States ------------------------------------------------------------------------


def test_a_running_job_says_it_is_processing_and_polls(analyst: Client) -> None:
    job = make_job(status=JobStatus.PROCESSING, match_total=None)
    html = analyst.get(f"/jobs/{job.api_id}/").content.decode()
    assert "Processing…" in html
    assert f'hx-get="/jobs/{job.api_id}/status/" hx-trigger="every 2s"' in html
    assert 'hx-trigger="job-final from:body"' in html
    assert 'id="gallery-controls"' not in html


def test_a_completed_job_does_not_poll(analyst: Client) -> None:
    job = make_job()
    html = analyst.get(f"/jobs/{job.api_id}/").content.decode()
    assert "every 2s" not in html and "job-final" not in html
    assert "The face was not found in any frame" in html


def test_a_failed_job_shows_why(analyst: Client) -> None:
    job = make_job(status=JobStatus.FAILED, sync_error="")
    html = analyst.get(f"/jobs/{job.api_id}/").content.decode()
    assert "This face match failed" in html


def test_a_vanished_job_says_so_and_keeps_its_matches(analyst: Client) -> None:
    job = make_job(vanished_at=timezone.now())
    make_matches(job, 5)
    html = analyst.get(f"/jobs/{job.api_id}/").content.decode()
    assert "no longer exists on the face API" in html
    assert len(card_ids(html)) == 5


def test_no_match_above_the_threshold_offers_to_show_all(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 5, similarity_range=(40, 50))
    html = analyst.get(f"/jobs/{job.api_id}/?threshold=90").content.decode()
    assert "No match reaches 90% similarity" in html


def test_the_finished_body_loads_when_the_page_asks_for_it(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 3)
    response = analyst.get(
        f"/jobs/{job.api_id}/", headers={"HX-Request": "true", "HX-Target": "job-body"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="job-body"')
    assert 'id="gallery-controls"' in html and len(card_ids(html)) == 3


# --- Status polling ------------------------------------------------------------------


def test_it_keeps_polling_while_the_job_runs_and_syncs_it(
    analyst: Client, face_api: FakeFaceApi
) -> None:
    job = make_job(api_id=JOB_ID, status=JobStatus.PENDING, match_total=None)
    face_api.add_job(JOB_ID, "processing")

    response = analyst.get(f"/jobs/{JOB_ID}/status/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-trigger="every 2s"' in html and "Processing" in html
    assert "HX-Trigger" not in response
    assert len(face_api.requests_to(f"http://api.test/v1/face-match/{JOB_ID}")) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.PROCESSING


def test_it_asks_the_api_at_most_once_per_interval(analyst: Client, face_api: FakeFaceApi) -> None:
    make_job(api_id=JOB_ID, status=JobStatus.PROCESSING, match_total=None)
    face_api.add_job(JOB_ID, "processing")
    for _ in range(3):
        analyst.get(f"/jobs/{JOB_ID}/status/", headers={"HX-Request": "true"})
    assert len(face_api.requests_to(f"http://api.test/v1/face-match/{JOB_ID}")) == 1


def test_it_stops_polling_when_completed_and_tells_the_page_to_load_results(
    analyst: Client, face_api: FakeFaceApi
) -> None:
    make_job(api_id=JOB_ID, status=JobStatus.PROCESSING, match_total=None)
    face_api.add_job(JOB_ID, "completed", results=4)

    response = analyst.get(f"/jobs/{JOB_ID}/status/", headers={"HX-Request": "true"})

    assert response.status_code == 286
    assert json.loads(response["HX-Trigger"]) == {"job-final": {"status": "completed"}}
    html = response.content.decode()
    assert "Completed" in html and "every 2s" not in html


def test_it_stops_polling_a_failed_job_without_asking_the_api(
    analyst: Client, face_api: FakeFaceApi
) -> None:
    make_job(api_id=JOB_ID, status=JobStatus.FAILED)
    response = analyst.get(f"/jobs/{JOB_ID}/status/", headers={"HX-Request": "true"})
    assert response.status_code == 286
    assert face_api.requests == []


def test_a_job_that_vanishes_while_running_stops_polling(
    analyst: Client, face_api: FakeFaceApi
) -> None:
    make_job(api_id=JOB_ID, status=JobStatus.PROCESSING, match_total=None)
    response = analyst.get(f"/jobs/{JOB_ID}/status/", headers={"HX-Request": "true"})
    assert response.status_code == 286
    assert "Gone from the API" in response.content.decode()


def test_an_unreachable_api_keeps_polling_without_an_error(
    analyst: Client, face_api: FakeFaceApi
) -> None:
    make_job(api_id=JOB_ID, status=JobStatus.PROCESSING, match_total=None)
    face_api.failures[JOB_ID] = (503, "maintenance")
    response = analyst.get(f"/jobs/{JOB_ID}/status/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'hx-trigger="every 2s"' in response.content.decode()
