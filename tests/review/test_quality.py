"""Face quality cues: Laplacian sharpness and face size from stored thumbnails."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageFilter

from facematch_ui.review.models import Match
from facematch_ui.review.quality import laplacian_variance, measure, score_job
from tests.review.factories import make_job
from tests.review.fake_api import FakeFaceApi
from tests.review.triage_factories import checkerboard, store_frame

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thumbnail_dir")]

BOX = (0.25, 0.25, 0.5, 0.5)  # top, left, width, height


def _jpeg(image: Image.Image) -> bytes:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def test_a_flat_image_has_no_laplacian_variance() -> None:
    assert laplacian_variance(np.full((32, 32), 128, dtype=np.uint8)) == 0.0


def test_the_laplacian_of_a_single_bright_pixel_is_known() -> None:
    gray = np.zeros((3, 3), dtype=np.uint8)
    gray[1, 1] = 10
    # One interior pixel: Laplacian -40, a single value, so no variance.
    assert laplacian_variance(gray) == 0.0
    gray = np.zeros((3, 4), dtype=np.uint8)
    gray[1, 1] = 10
    # Interior values -40 and 10: variance 625.
    assert laplacian_variance(gray) == 625.0


def test_tiny_and_non_grey_arrays() -> None:
    assert laplacian_variance(np.zeros((2, 50), dtype=np.uint8)) == 0.0
    with pytest.raises(ValueError, match="2-D"):
        laplacian_variance(np.zeros((8, 8, 3), dtype=np.uint8))


def test_a_blurred_crop_scores_far_below_the_sharp_one() -> None:
    sharp = checkerboard((200, 200))
    blurred = sharp.filter(ImageFilter.GaussianBlur(4))

    _, sharp_score = measure(_jpeg(sharp), BOX)
    _, blurred_score = measure(_jpeg(blurred), BOX)

    assert blurred_score < sharp_score / 10


def test_sharpness_does_not_reward_a_face_for_being_large() -> None:
    small = checkerboard((80, 80), square=4)
    large = small.resize((320, 320), Image.Resampling.NEAREST)

    _, small_score = measure(_jpeg(small), BOX)
    _, large_score = measure(_jpeg(large), BOX)

    assert 0.5 < large_score / small_score < 2


def test_face_size_is_the_short_side_of_the_box_in_thumbnail_pixels() -> None:
    face_px, _ = measure(_jpeg(checkerboard((640, 360))), (0.1, 0.2, 0.25, 0.5))

    assert face_px == 160  # min(0.25 * 640, 0.5 * 360 = 180)


def _match(job: Any, api_id: str) -> Match:
    return Match.objects.create(
        job=job,
        api_id=api_id,
        similarity=80,
        timestamp=1.0,
        box_top=BOX[0],
        box_left=BOX[1],
        box_width=BOX[2],
        box_height=BOX[3],
    )


def test_score_job_scores_stored_thumbnails_once_and_skips_the_rest() -> None:
    job = make_job()
    sharp, blurred, pending, broken = (_match(job, name) for name in ("s", "b", "p", "x"))
    store_frame(sharp, checkerboard((320, 180)))
    store_frame(blurred, checkerboard((320, 180)).filter(ImageFilter.GaussianBlur(4)))
    store_frame(broken, checkerboard((32, 32))).write_bytes(b"not a jpeg")

    assert score_job(job) == 2

    scores = {
        m.api_id: (m.face_px, m.sharpness)
        for m in Match.objects.filter(job=job).only("api_id", "face_px", "sharpness")
    }
    assert scores["s"][0] == scores["b"][0] == 90  # min(0.5 * 320, 0.5 * 180)
    assert scores["s"][1] is not None and scores["b"][1] is not None
    assert scores["b"][1] < scores["s"][1] / 10
    assert scores["p"] == (None, None)  # no thumbnail yet
    assert scores["x"] == (None, None)  # unreadable: left unscored
    assert pending.thumbnail_state == "pending"
    assert score_job(job) == 0  # nothing new to score


def test_scores_filter_matches() -> None:
    job = make_job()
    big, small = _match(job, "big"), _match(job, "small")
    store_frame(big, checkerboard((640, 360)))
    store_frame(small, checkerboard((64, 36)))
    score_job(job)

    assert list(
        Match.objects.filter(job=job, face_px__gte=40).values_list("api_id", flat=True)
    ) == ["big"]


def test_the_sync_task_scores_matches_once_their_thumbnails_are_stored(
    configured_api: FakeFaceApi,
) -> None:
    from facematch_ui.review.tasks import request_sync

    job_id = "0c6f1a52-7d3e-4f7e-9a55-3b1c2d4e5f60"
    configured_api.serve_thumbnails(configured_api.add_job(job_id, results=3))
    request_sync(job_id)

    scored = Match.objects.filter(job__api_id=job_id, sharpness__isnull=False, face_px__gt=0)
    assert scored.count() == 3
