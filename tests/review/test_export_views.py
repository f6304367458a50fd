"""Exports from the job page: the gallery's filters, CSV/JSON/PNG, analysts only."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from PIL import Image

from facematch_ui.review.exports import CSV_COLUMNS
from facematch_ui.review.models import Match
from facematch_ui.review.sharing import create_share_link
from tests.review.factories import make_job, make_matches, make_user
from tests.review.triage_factories import give_verdicts

pytestmark = pytest.mark.django_db


@pytest.fixture
def job():  # type: ignore[no-untyped-def]
    job = make_job()
    make_matches(job, 4)
    for i, value in enumerate([95, 40, 85, 30]):
        Match.objects.filter(job=job, api_id=f"m-{i:06d}").update(similarity=value)
    give_verdicts(job, {"m-000000": "confirmed", "m-000002": "rejected"}, make_user("rita"))
    return job


def _csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_streams_the_filtered_matches_in_the_gallery_order(analyst: Client, job) -> None:  # type: ignore[no-untyped-def]
    response = analyst.get(f"/jobs/{job.api_id}/export.csv?threshold=50&sort=similarity")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="facematch-{job.api_id}.csv"'
    rows = _csv(response)
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r[0], r[4], r[9], r[11]) for r in rows[1:]] == [
        ("m-000000", "95.00", "confirmed", "rita"),
        ("m-000002", "85.00", "rejected", "rita"),
    ]


def test_the_verdict_filter_applies_to_exports(analyst: Client, job) -> None:  # type: ignore[no-untyped-def]
    rows = _csv(analyst.get(f"/jobs/{job.api_id}/export.csv?verdict=unreviewed&sort=time"))
    assert [r[0] for r in rows[1:]] == ["m-000001", "m-000003"]


def test_the_json_has_the_job_and_the_filtered_matches(analyst: Client, job) -> None:  # type: ignore[no-untyped-def]
    response = analyst.get(f"/jobs/{job.api_id}/export.json?verdict=confirmed")
    assert response["Content-Disposition"].endswith(f'filename="facematch-{job.api_id}.json"')
    body = json.loads(response.content)
    assert body["job"]["id"] == job.api_id and body["count"] == 1
    (only,) = body["matches"]
    assert only["id"] == "m-000000" and only["similarity"] == 95
    assert only["verdict"]["value"] == "confirmed" and only["verdict"]["set_by"] == "rita"
    assert set(only["box"]) == {"top", "left", "width", "height"}


def test_the_png_is_a_contact_sheet_of_confirmed_matches(analyst: Client, job) -> None:  # type: ignore[no-untyped-def]
    response = analyst.get(f"/jobs/{job.api_id}/export.png")
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.verify()
    assert image.format == "PNG" and image.width > 100


def test_unknown_formats_are_404(analyst: Client, job) -> None:  # type: ignore[no-untyped-def]
    assert analyst.get(f"/jobs/{job.api_id}/export.xlsx").status_code == 404


def test_exports_are_for_signed_in_analysts_only(job) -> None:  # type: ignore[no-untyped-def]
    _link, token = create_share_link(job, None)
    visitor = Client()
    visitor.get(f"/s/{token}/")
    for fmt in ("csv", "json", "png"):
        response = visitor.get(f"/jobs/{job.api_id}/export.{fmt}")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert visitor.get(f"/s/{token}/export.csv").status_code == 404
