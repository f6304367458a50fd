"""The job page shows a running job's frame progress and a failed job's reason."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from facematch_ui.review.models import JobStatus
from tests.review.factories import make_job

pytestmark = pytest.mark.django_db


def badge_text(html: str) -> str:
    found = re.search(r'<span class="badge [^"]+">\s*(.*?)</span>', html, re.S)
    assert found, "no status badge"
    return " ".join(found.group(1).split())


def test_a_processing_job_shows_frames_done_of_total_with_a_progress_bar(
    analyst: Client,
) -> None:
    job = make_job(status=JobStatus.PROCESSING, match_total=None, frames_done=12, frames_total=30)
    html = analyst.get(f"/jobs/{job.api_id}/").content.decode()
    assert badge_text(html) == "Processing — 12 of 30 frames"
    assert '<progress class="job-progress" value="12" max="30"' in html


def test_the_polled_status_carries_the_progress(analyst: Client, settings: object) -> None:
    settings.REVIEW_SYNC_INTERVAL = 3600  # type: ignore[attr-defined]
    job = make_job(status=JobStatus.PROCESSING, match_total=None, frames_done=3, frames_total=30)
    cache.add(f"review:sync-requested:{job.api_id}", True, timeout=3600)  # no API call now

    response = analyst.get(f"/jobs/{job.api_id}/status/", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert badge_text(html) == "Processing — 3 of 30 frames"
    assert 'value="3" max="30"' in html and 'hx-trigger="every 2s"' in html


def test_without_progress_the_badge_just_says_processing(analyst: Client) -> None:
    job = make_job(status=JobStatus.PROCESSING, match_total=None)
    html = analyst.get(f"/jobs/{job.api_id}/").content.decode()
    assert badge_text(html) == "Processing"
    assert "<progress" not in html


def test_a_pending_job_shows_no_progress_even_if_some_was_stored(analyst: Client) -> None:
    job = make_job(status=JobStatus.PENDING, match_total=None, frames_done=0, frames_total=30)
    html = analyst.get(f"/jobs/{job.api_id}/").content.decode()
    assert badge_text(html) == "Pending" and "<progress" not in html


def test_the_jobs_list_shows_progress_too(analyst: Client) -> None:
    make_job(status=JobStatus.PROCESSING, match_total=None, frames_done=1, frames_total=1)
    html = analyst.get("/").content.decode()
    assert badge_text(html) == "Processing — 1 of 1 frame"


def test_a_failed_job_shows_the_reason_the_api_gave(analyst: Client) -> None:
    job = make_job(
        status=JobStatus.FAILED, failure_message="No face was found in the source image."
    )
    html = analyst.get(f"/jobs/{job.api_id}/").content.decode()
    assert "This face match failed" in html
    assert '<p class="failure-message">No face was found in the source image.</p>' in html
    assert 'href="/new/">Start a new face match' in html
