"""review.thumbnails: fetched once, stored safely, never raising."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from facematch_ui.review.models import Job, Match, ThumbnailState
from facematch_ui.review.sync import sync_job
from facematch_ui.review.thumbnails import (
    fetch_thumbnails,
    save_source_image,
    source_image_file,
    thumbnail_file,
)
from tests.review.factories import make_job, make_matches
from tests.review.fake_api import CDN, FakeFaceApi, frame_jpeg

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thumbnail_dir")]

JOB_ID = "0c6f1a52-7d3e-4f7e-9a55-3b1c2d4e5f60"


@pytest.fixture
def api() -> FakeFaceApi:
    return FakeFaceApi()


def synced_job(api: FakeFaceApi, results: int, *, serve: bool = True) -> Job:
    fake = api.add_job(JOB_ID, results=results)
    if serve:
        api.serve_thumbnails(fake)
    return sync_job(JOB_ID, client=api.client())


def rgb(image: Image.Image, xy: tuple[int, int]) -> tuple[int, int, int]:
    red, green, blue = image.convert("RGB").getpixel(xy)  # type: ignore[misc]
    return red, green, blue


def pixels(path: Path) -> Image.Image:
    image = Image.open(path)
    image.load()
    return image


def test_it_stores_a_frame_and_a_face_crop_per_match(api: FakeFaceApi) -> None:
    job = synced_job(api, 3)

    assert fetch_thumbnails(job, client=api.client()) == 3

    match = job.matches.get(api_id="r-00001")
    assert match.thumbnail_state == ThumbnailState.STORED
    frame = thumbnail_file(match, "frame")
    face = thumbnail_file(match, "face")
    assert frame == Path(settings.REVIEW_THUMBNAIL_DIR) / JOB_ID / "r-00001.jpg"
    assert face == Path(settings.REVIEW_THUMBNAIL_DIR) / JOB_ID / "r-00001_face.jpg"
    assert pixels(frame).size == (640, 360)  # 1280x720 fitted to 640 wide
    face_image = pixels(face)
    assert face_image.size == (160, 160)
    red, _, blue = rgb(face_image, (80, 80))
    assert red > 180 and blue < 80  # the red 'face' fills the middle


def test_thumbnails_are_fetched_once(api: FakeFaceApi) -> None:
    job = synced_job(api, 4)
    fetch_thumbnails(job, client=api.client())
    fetched = len(api.requests_to(CDN))

    assert fetch_thumbnails(job, client=api.client()) == 0

    assert fetched == 4
    assert len(api.requests_to(CDN)) == 4


def test_a_resync_does_not_refetch_stored_thumbnails(api: FakeFaceApi) -> None:
    job = synced_job(api, 2)
    fetch_thumbnails(job, client=api.client())

    sync_job(JOB_ID, client=api.client())
    fetch_thumbnails(job, client=api.client())

    assert len(api.requests_to(CDN)) == 2


def test_a_broken_or_missing_thumbnail_is_marked_missing_without_raising(
    api: FakeFaceApi,
) -> None:
    fake = api.add_job(JOB_ID, results=4)
    api.serve_thumbnails(fake)
    fake.results[1]["thumbnail_url"] = f"{CDN}/frames/expired.jpg"  # 404
    api.images[f"{CDN}/frames/garbage.jpg"] = b"<html>not an image</html>"
    fake.results[2]["thumbnail_url"] = f"{CDN}/frames/garbage.jpg"
    del fake.results[3]["thumbnail_url"]  # thumbnails were not enabled
    job = sync_job(JOB_ID, client=api.client())

    assert fetch_thumbnails(job, client=api.client()) == 1

    states = dict(job.matches.values_list("api_id", "thumbnail_state"))
    assert states == {
        "r-00000": ThumbnailState.STORED,
        "r-00001": ThumbnailState.MISSING,
        "r-00002": ThumbnailState.MISSING,
        "r-00003": ThumbnailState.MISSING,
    }
    assert thumbnail_file(job.matches.get(api_id="r-00001"), "frame") is None
    # No request for the match without a URL, one for each of the others.
    assert len(api.requests_to(CDN)) == 3


def test_limit_fetches_the_best_matches_first(api: FakeFaceApi) -> None:
    job = synced_job(api, 6)
    Match.objects.filter(job=job, api_id="r-00005").update(similarity=99.9)

    assert fetch_thumbnails(job, client=api.client(), limit=2) == 2

    stored = set(
        job.matches.filter(thumbnail_state=ThumbnailState.STORED).values_list("api_id", flat=True)
    )
    assert stored == {"r-00005", "r-00000"}


def test_a_thumbnail_file_that_vanished_is_reported_absent(api: FakeFaceApi) -> None:
    job = synced_job(api, 1)
    fetch_thumbnails(job, client=api.client())
    match = job.matches.get()
    path = thumbnail_file(match, "frame")
    assert path is not None

    path.unlink()

    assert thumbnail_file(match, "frame") is None
    assert thumbnail_file(match, "face") is not None


def test_no_temporary_files_are_left_behind(api: FakeFaceApi) -> None:
    job = synced_job(api, 3)
    fetch_thumbnails(job, client=api.client())

    names = sorted(p.name for p in (Path(settings.REVIEW_THUMBNAIL_DIR) / JOB_ID).iterdir())
    assert names == [f"r-0000{i}{suffix}.jpg" for i in range(3) for suffix in ("", "_face")]


def test_ids_that_are_not_safe_file_names_are_never_used_as_paths(api: FakeFaceApi) -> None:
    job = make_job()
    [match] = make_matches(job, 1, thumbnail_state=ThumbnailState.STORED)
    match.api_id = "../../etc/passwd"

    assert thumbnail_file(match, "frame") is None

    evil = make_job(api_id="../outside")
    [pending] = make_matches(evil, 1, with_thumbnail_urls=True)
    assert fetch_thumbnails(evil, client=api.client()) == 0
    pending.refresh_from_db()
    assert pending.thumbnail_state == ThumbnailState.MISSING
    assert not (Path(settings.REVIEW_THUMBNAIL_DIR).parent / "outside").exists()
    assert api.requests == []  # refused before any request


def test_the_source_photo_is_kept_with_its_face(api: FakeFaceApi) -> None:
    # Source box around the red square of frame_jpeg().
    job = make_job(source_top=0.25, source_left=0.5, source_width=0.1125, source_height=0.2)
    save_source_image(job, frame_jpeg(2000, 1125))

    job.refresh_from_db()
    assert job.source_image == f"{job.api_id}/_source.jpg"
    full = source_image_file(job, "full")
    face = source_image_file(job, "face")
    assert full is not None and face is not None
    assert pixels(full).size == (1280, 720)
    red, _, blue = rgb(pixels(face), (80, 80))
    assert red > 180 and blue < 80


def test_the_source_face_is_cropped_once_the_api_boxes_it() -> None:
    job = make_job(source_top=None, source_left=None, source_width=None, source_height=None)
    save_source_image(job, frame_jpeg())
    job.refresh_from_db()
    assert source_image_file(job, "face") is None

    Job.objects.filter(pk=job.pk).update(
        source_top=0.25, source_left=0.5, source_width=0.1125, source_height=0.2
    )
    job.refresh_from_db()

    face = source_image_file(job, "face")
    assert face is not None
    assert pixels(face).size == (160, 160)


def test_a_job_without_a_source_photo_has_no_source_file() -> None:
    job = make_job()
    assert source_image_file(job, "full") is None
    assert source_image_file(job, "face") is None


def test_a_source_photo_is_normalized_to_jpeg() -> None:
    job = make_job()
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 200, 0, 255)).save(buffer, format="PNG")

    save_source_image(job, buffer.getvalue())

    job.refresh_from_db()
    full = source_image_file(job, "full")
    assert full is not None
    image = pixels(full)
    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (300, 200))
