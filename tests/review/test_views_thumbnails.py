"""Images served from our origin: stored JPEGs, or a placeholder, never an error."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from facematch_ui.review.models import ThumbnailState
from tests.review.factories import make_job, make_matches

pytestmark = pytest.mark.django_db


def body(response: object) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content  # type: ignore[attr-defined]


def jpeg(colour: tuple[int, int, int], size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_missing_thumbnail_is_a_placeholder_jpeg(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 1)
    response = analyst.get(f"/jobs/{job.api_id}/matches/m-000000/frame.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(body(response))).size == (320, 180)
    assert response["Cache-Control"].startswith("private")


def test_a_stored_thumbnail_is_served_and_cached_privately_for_a_day(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 1, thumbnail_state=ThumbnailState.STORED)
    stored = jpeg((250, 0, 250), (64, 48))
    folder = settings.REVIEW_THUMBNAIL_DIR / job.api_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "m-000000_face.jpg").write_bytes(stored)

    response = analyst.get(f"/jobs/{job.api_id}/matches/m-000000/face.jpg")

    assert response.status_code == 200
    assert body(response) == stored
    assert response["Cache-Control"] == "private, max-age=86400"


def test_a_job_without_a_source_photo_gets_a_placeholder(analyst: Client) -> None:
    job = make_job()
    response = analyst.get(f"/jobs/{job.api_id}/source/face.jpg")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(body(response))).size == (160, 160)


@pytest.mark.parametrize(
    "path",
    [
        "/jobs/{job}/matches/m-000000/huge.jpg",
        "/jobs/{job}/matches/nope/frame.jpg",
        "/jobs/{job}/source/other.jpg",
        "/jobs/nope/matches/m-000000/frame.jpg",
        "/jobs/nope/source/face.jpg",
    ],
)
def test_unknown_images_are_404(analyst: Client, path: str) -> None:
    job = make_job()
    make_matches(job, 1)
    assert analyst.get(path.format(job=job.api_id)).status_code == 404
