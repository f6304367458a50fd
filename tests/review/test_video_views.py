"""The job's video through the dashboard: ranges proxied from the embedded engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from facematch_ui.engine.files import store_video
from facematch_ui.review.sharing import create_share_link
from facematch_ui.review.video import MAX_RANGE_BYTES, capped_range
from tests.engine.media import solid_video
from tests.review.factories import make_job, make_matches

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def video(tmp_path: Path) -> bytes:
    return solid_video(tmp_path / "clip.mp4").read_bytes()


@pytest.fixture
def job_with_video(video: bytes):  # type: ignore[no-untyped-def]
    stored = store_video(iter([video]), "clip.mp4")
    job = make_job(file_id=str(stored.id))
    make_matches(job, 3)
    return job


def test_ranges_are_capped_to_bound_memory() -> None:
    assert capped_range(None) == f"bytes=0-{MAX_RANGE_BYTES - 1}"
    assert capped_range("bytes=100-") == f"bytes=100-{100 + MAX_RANGE_BYTES - 1}"
    assert capped_range("bytes=0-99") == "bytes=0-99"
    assert capped_range("bytes=0-999999999") == f"bytes=0-{MAX_RANGE_BYTES - 1}"
    assert capped_range("bytes=-500") == "bytes=-500"
    assert capped_range("bytes=1-2,5-6") is None
    assert capped_range("lines=1-2") is None


def test_an_analyst_gets_a_range_of_the_video(
    analyst: Client,
    job_with_video,
    video: bytes,  # type: ignore[no-untyped-def]
) -> None:
    response = analyst.get(f"/jobs/{job_with_video.api_id}/video/", headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert response.content == video[:100]
    assert response["Content-Range"] == f"bytes 0-99/{len(video)}"
    assert response["Content-Type"] == "video/mp4" and response["Accept-Ranges"] == "bytes"
    assert "localhost/v1" not in str(response.headers) and "Bearer" not in str(response.headers)


def test_a_request_without_range_gets_the_small_video_whole(
    analyst: Client,
    job_with_video,
    video: bytes,  # type: ignore[no-untyped-def]
) -> None:
    response = analyst.get(f"/jobs/{job_with_video.api_id}/video/")
    assert response.status_code == 200 and response.content == video


def test_a_bad_range_gets_416(analyst: Client, job_with_video, video: bytes) -> None:  # type: ignore[no-untyped-def]
    url = f"/jobs/{job_with_video.api_id}/video/"
    assert analyst.get(url, headers={"Range": f"bytes={len(video)}-"}).status_code == 416
    assert analyst.get(url, headers={"Range": "nonsense"}).status_code == 416


def test_the_video_needs_a_login(job_with_video) -> None:  # type: ignore[no-untyped-def]
    assert Client().get(f"/jobs/{job_with_video.api_id}/video/").status_code == 302


def test_the_detail_plays_the_video_from_before_the_match(
    analyst: Client,
    job_with_video,  # type: ignore[no-untyped-def]
) -> None:
    html = analyst.get(f"/jobs/{job_with_video.api_id}/matches/m-000002/").content.decode()
    assert f'src="/jobs/{job_with_video.api_id}/video/#t=0.000"' in html
    assert 'data-timestamp="2.000"' in html


def test_a_share_link_serves_only_its_own_jobs_video(
    job_with_video,
    video: bytes,  # type: ignore[no-untyped-def]
) -> None:
    _link, token = create_share_link(job_with_video, None)
    other = make_job(file_id=job_with_video.file_id)
    visitor = Client()
    response = visitor.get(f"/s/{token}/video/", headers={"Range": "bytes=5-9"})
    assert response.status_code == 206 and response.content == video[5:10]
    assert visitor.get(f"/jobs/{other.api_id}/video/").status_code == 302
    html = visitor.get(f"/s/{token}/matches/m-000001/").content.decode()
    assert f'src="/s/{token}/video/#t=0.000"' in html
