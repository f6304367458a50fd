"""Exports: CSV columns and values, JSON shape, the contact sheet PNG."""

from __future__ import annotations

import csv
import io
import json

import pytest
from PIL import Image

from facematch_ui.review.exports import (
    CSV_COLUMNS,
    confirmed_matches,
    contact_sheet_png,
    format_timestamp,
    matches_csv,
    matches_json,
)
from facematch_ui.review.models import Job, Match
from facematch_ui.review.verdicts import set_verdict
from tests.review.factories import make_job, make_user, match_row
from tests.review.triage_factories import checkerboard, store_frame

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thumbnail_dir")]


def _match(job: Job, api_id: str, seconds: float, similarity: float) -> Match:
    match = match_row(
        job, api_id, similarity, seconds, box=(0.1, 0.2, 0.3, 0.4), frame_id=f"frame-{api_id}"
    )
    match.save()
    return match


@pytest.fixture
def reviewed_job() -> Job:
    job = make_job()
    first = _match(job, "a", 3725.5, 91.234)
    _match(job, "b", 12.0, 55.0)
    Match.objects.filter(pk=first.pk).update(face_px=48, sharpness=123.456)
    set_verdict(
        first, "confirmed", note='=HYPERLINK("x"), "quoted", line\nbreak', user=make_user("ada")
    )
    return job


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0:00:00"), (59.9, "0:00:59"), (3725.5, "1:02:05"), (-1, "0:00:00")]
)
def test_timestamps_read_as_hours_minutes_seconds(seconds: float, text: str) -> None:
    assert format_timestamp(seconds) == text


def test_csv_has_a_header_and_one_row_per_match_with_its_verdict(reviewed_job: Job) -> None:
    lines = matches_csv(reviewed_job, Match.objects.order_by("timestamp"))

    rows = list(csv.reader(io.StringIO("".join(lines))))

    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) == 3
    unreviewed, reviewed = (dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:])
    assert unreviewed["match_id"] == "b"
    assert unreviewed["verdict"] == unreviewed["reviewer"] == unreviewed["face_px"] == ""
    assert reviewed["match_id"] == "a"
    assert reviewed["frame_id"] == "frame-a"
    assert (reviewed["time"], reviewed["seconds"]) == ("1:02:05", "3725.500")
    assert reviewed["similarity"] == "91.23"
    assert [reviewed[k] for k in ("box_top", "box_left", "box_width", "box_height")] == [
        "0.1",
        "0.2",
        "0.3",
        "0.4",
    ]
    assert reviewed["verdict"] == "confirmed"
    # Quotes and newlines survive; a formula is shown as text, not run.
    assert reviewed["note"] == '\'=HYPERLINK("x"), "quoted", line\nbreak'
    assert reviewed["reviewer"] == "ada"
    assert reviewed["verdict_at"].startswith("20")
    assert (reviewed["face_px"], reviewed["sharpness"]) == ("48", "123.5")


def test_csv_streams_line_by_line(reviewed_job: Job) -> None:
    lines = matches_csv(reviewed_job, Match.objects.all())

    assert next(lines) == ",".join(CSV_COLUMNS) + "\r\n"


def test_exports_keep_to_the_job(reviewed_job: Job) -> None:
    other = make_job()
    _match(other, "z", 1.0, 99.0)

    rows = list(csv.reader(io.StringIO("".join(matches_csv(reviewed_job, Match.objects.all())))))

    assert sorted(row[0] for row in rows[1:]) == ["a", "b"]
    assert matches_json(reviewed_job, Match.objects.all())["count"] == 2


def test_json_has_the_job_and_each_match(reviewed_job: Job) -> None:
    data = matches_json(reviewed_job, Match.objects.order_by("-similarity"))

    assert json.loads(json.dumps(data)) == data  # plain JSON values only
    assert data["job"]["id"] == reviewed_job.api_id
    assert data["job"]["status"] == "completed"
    assert data["count"] == 2
    first, second = data["matches"]
    assert first["id"] == "a"
    assert first["timestamp"] == 3725.5 and first["time"] == "1:02:05"
    assert first["box"] == {"top": 0.1, "left": 0.2, "width": 0.3, "height": 0.4}
    assert first["verdict"]["value"] == "confirmed"
    assert first["verdict"]["set_by"] == "ada"
    assert first["verdict"]["note"].startswith("=HYPERLINK")  # JSON is data, kept as is
    assert (first["face_px"], first["sharpness"]) == (48, 123.456)
    assert second["verdict"] is None and second["sharpness"] is None


def test_contact_sheet_shows_confirmed_matches_in_a_grid(reviewed_job: Job) -> None:
    user = make_user()
    extra = [_match(reviewed_job, f"c{i}", 20.0 + i, 80.0) for i in range(4)]
    for match in extra:
        set_verdict(match, "confirmed", user=user)
    store_frame(extra[0], checkerboard((640, 360)))  # the others have no stored frame

    chosen = list(confirmed_matches(reviewed_job))
    png = contact_sheet_png(reviewed_job, chosen, columns=4)

    assert [m.api_id for m in chosen] == ["c0", "c1", "c2", "c3", "a"]
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    # 4 columns of 320 px with 12 px gaps; a 48 px title, 2 rows of 180 + 24 + 12, 12 below.
    assert image.size == (12 + 4 * (320 + 12), 48 + 2 * (180 + 24 + 12) + 12)
    # The box of the stored frame is drawn in amber over the checkerboard.
    tile_x, tile_y = 12, 48
    box_left_px = tile_x + round(0.2 * 320)  # 640x360 fits 320x180 exactly
    box_middle_y = tile_y + round((0.1 + 0.2) * 180)
    red, green, blue = image.convert("RGB").getpixel((box_left_px, box_middle_y))  # type: ignore[misc]
    assert red > 200 and 150 < green < 230 and blue < 80


def test_contact_sheet_of_nothing_is_a_single_row(reviewed_job: Job) -> None:
    png = contact_sheet_png(reviewed_job, [])

    assert Image.open(io.BytesIO(png)).size == (12 + 4 * 332, 48 + 216 + 12)
