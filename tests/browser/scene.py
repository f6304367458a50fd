"""A job whose stored frames show a magenta 'face' exactly at each match's box.

The frames go through the real thumbnail path (review.thumbnails fetching
from a fake API's CDN), so the browser sees what an analyst would.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from facematch_ui.review.models import Job, Match
from facematch_ui.review.thumbnails import fetch_thumbnails, save_source_image
from tests.review.factories import make_job, make_matches
from tests.review.fake_api import FakeFaceApi

FACE_COLOUR = (255, 0, 255)
FRAME_SIZE = (640, 360)


def frame_with_face(match: Match, size: tuple[int, int] = FRAME_SIZE) -> bytes:
    width, height = size
    image = Image.new("RGB", size, (40, 60, 70))
    draw = ImageDraw.Draw(image)
    # Some structure so the frame does not look blank in screenshots.
    for x in range(0, width, 40):
        draw.line((x, 0, x, height), fill=(50, 72, 84))
    left = round(match.box_left * width)
    top = round(match.box_top * height)
    right = round((match.box_left + match.box_width) * width)
    bottom = round((match.box_top + match.box_height) * height)
    draw.rectangle((left, top, right - 1, bottom - 1), fill=FACE_COLOUR)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


def job_with_stored_frames(n: int = 120, **job_fields: object) -> Job:
    job = make_job(api_id="0b7f3c52-5d1e-4a8e-9d8e-3f6b2a1c9e70", **job_fields)
    matches = make_matches(job, n, similarity_range=(35, 99), seed=7, with_thumbnail_urls=True)
    api = FakeFaceApi()
    for match in matches:
        api.images[match.thumbnail_url] = frame_with_face(match)
    with api.client() as client:
        fetch_thumbnails(job, client=client)
    source = Image.new("RGB", (480, 480), (200, 190, 170))
    ImageDraw.Draw(source).rectangle((144, 96, 264, 240), fill=FACE_COLOUR)
    buffer = io.BytesIO()
    source.save(buffer, format="JPEG")
    save_source_image(job, buffer.getvalue())
    job.refresh_from_db()
    return job
