"""Triage from the job page: verdicts on cards, undo, bulk, reject below, filters, progress."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from facematch_ui.review.models import Match, Verdict, VerdictChange
from facematch_ui.review.verdicts import reject_below, set_verdict
from tests.review.factories import make_job, make_matches, make_user
from tests.review.triage_factories import give_verdicts, match_named

pytestmark = pytest.mark.django_db


HX = {"HX-Request": "true"}


@pytest.fixture
def analyst_user() -> AbstractBaseUser:
    return make_user("ana")  # the card names who set a verdict


def verdict_url(job: object, match_id: str) -> str:
    return f"/jobs/{job.api_id}/matches/{match_id}/card/verdict/"  # type: ignore[attr-defined]


def card_ids(html: str) -> list[str]:
    return re.findall(r'data-match="([^"]+)"', html)


def test_a_verdict_post_sets_it_records_history_and_returns_the_card(
    analyst: Client, analyst_user: object
) -> None:
    job = make_job()
    make_matches(job, 5)
    response = analyst.post(
        verdict_url(job, "m-000002"),
        {"value": "confirmed", "note": "same scar", "expected_version": "0"},
        headers=HX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<li class="card verdict-confirmed" id="match-m-000002"')
    assert 'id="review-progress" class="review-progress" hx-swap-oob="true"' in html
    assert "Reviewed <strong>1</strong> of 5, confirmed <strong>1</strong>" in html
    assert 'name="expected_version" value="1"' in html
    assert "Confirmed by ana on" in html and "same scar" in html
    verdict = Verdict.objects.get(match__api_id="m-000002")
    assert (verdict.value, verdict.note, verdict.set_by) == ("confirmed", "same scar", analyst_user)
    change = VerdictChange.objects.get(match=verdict.match)
    assert (change.previous_value, change.value, change.changed_by) == (
        "",
        "confirmed",
        analyst_user,
    )
    saved = json.loads(response["HX-Trigger"])["verdict-saved"]
    assert saved["match"] == "m-000002" and saved["value"] == "confirmed"
    assert saved["next"] is not None and saved["next"] != "m-000002"


def test_the_next_unreviewed_match_follows_the_gallery_order_and_its_page(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 6)
    by_time = list(Match.objects.filter(job=job).order_by("timestamp"))
    give_verdicts(job, {by_time[1].api_id: "rejected"}, make_user())
    back = f"/jobs/{job.api_id}/?sort=time&page_size=25&page=1"
    response = analyst.post(
        verdict_url(job, by_time[0].api_id),
        {"value": "confirmed", "expected_version": "0", "return": back},
        headers=HX,
    )
    saved = json.loads(response["HX-Trigger"])["verdict-saved"]
    # m1 already has a verdict, so the next to review is m2, third in time, page 1.
    assert (saved["next"], saved["nextPage"], saved["nextPosition"]) == (by_time[2].api_id, 1, 3)


def test_a_stale_version_is_refused_with_409_and_says_who_changed_it(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 3)
    sam = make_user("sam")
    set_verdict(match_named(job, "m-000001"), "rejected", user=sam)
    response = analyst.post(
        verdict_url(job, "m-000001"),
        {"value": "confirmed", "expected_version": "0"},
        headers=HX,
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert re.search(r"Changed by sam at [\d-]+ [\d:]+: now rejected", html)
    assert 'name="expected_version" value="1"' in html  # the next try sees the new version
    assert Verdict.objects.get(match__api_id="m-000001").value == "rejected"


def test_without_javascript_a_verdict_redirects_back_to_the_gallery_state(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 3)
    back = f"/jobs/{job.api_id}/?threshold=10&sort=time&page=1&page_size=25"
    response = analyst.post(
        verdict_url(job, "m-000000"), {"value": "unsure", "expected_version": "0", "return": back}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{back}#match-m-000000"
    evil = analyst.post(
        verdict_url(job, "m-000001"),
        {"value": "unsure", "return": "https://evil.example/jobs/"},
    )
    assert evil["Location"] == f"/jobs/{job.api_id}/#match-m-000001"


def test_a_bad_verdict_value_is_a_400(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 1)
    response = analyst.post(verdict_url(job, "m-000000"), {"value": "maybe"})
    assert response.status_code == 400
    assert b"value" in response.content
    assert analyst.post(verdict_url(job, "nope"), {"value": "confirmed"}).status_code == 404


def test_undo_takes_the_last_verdict_back(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 2)
    set_verdict(match_named(job, "m-000000"), "confirmed", user=None)
    response = analyst.post(
        f"/jobs/{job.api_id}/matches/m-000000/card/undo/", {"expected_version": "1"}, headers=HX
    )
    assert response.status_code == 200
    assert 'data-verdict=""' in response.content.decode()
    assert Verdict.objects.get(match__api_id="m-000000").value == ""


def test_bulk_sets_the_selected_matches_and_shows_the_results(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 6)
    response = analyst.post(
        f"/jobs/{job.api_id}/verdicts/bulk/",
        {"value": "rejected", "match": ["m-000001", "m-000003", "m-000004"]},
        headers={**HX, "HX-Target": "results"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "Rejected: 3 matches changed." in html
    rejected = Verdict.objects.filter(value="rejected").values_list("match__api_id", flat=True)
    assert sorted(rejected) == ["m-000001", "m-000003", "m-000004"]
    assert (
        analyst.post(f"/jobs/{job.api_id}/verdicts/bulk/", {"value": "rejected"}).status_code == 400
    )


def test_reject_below_previews_the_count_it_then_applies(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 40, similarity_range=(30, 95))
    below = list(Match.objects.filter(job=job, similarity__lt=62).order_by("id"))
    give_verdicts(job, {below[0].api_id: "confirmed"}, make_user())
    expected = len(below) - 1
    preview = analyst.get(f"/jobs/{job.api_id}/verdicts/reject-below/?threshold=62", headers=HX)
    assert preview.status_code == 200
    text = preview.content.decode()
    assert f"This will reject <strong>{expected}</strong> unreviewed matches below 62%" in text
    assert Verdict.objects.filter(value="rejected").count() == 0  # a preview writes nothing
    applied = analyst.post(
        f"/jobs/{job.api_id}/verdicts/reject-below/", {"threshold": "62"}, headers=HX
    )
    assert f"Rejected {expected} unreviewed matches below 62%." in applied.content.decode()
    assert Verdict.objects.filter(value="rejected").count() == expected
    assert Verdict.objects.get(match=below[0]).value == "confirmed"
    assert reject_below(job, 62, None, dry_run=True) == 0
    bad = analyst.get(f"/jobs/{job.api_id}/verdicts/reject-below/?threshold=abc")
    assert bad.status_code == 400


def test_the_verdict_filter_round_trips_through_the_url(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 8)
    give_verdicts(
        job, {"m-000001": "confirmed", "m-000005": "confirmed", "m-000002": "unsure"}, make_user()
    )
    html = analyst.get(f"/jobs/{job.api_id}/?verdict=confirmed&sort=time").content.decode()
    assert card_ids(html) == ["m-000001", "m-000005"]
    assert '<option value="confirmed" selected>' in html
    assert "&amp;verdict=confirmed" in html  # pagination and return links keep it
    html = analyst.get(f"/jobs/{job.api_id}/?verdict=unreviewed&sort=time").content.decode()
    assert card_ids(html) == ["m-000000", "m-000003", "m-000004", "m-000006", "m-000007"]
    html = analyst.get(f"/jobs/{job.api_id}/?verdict=bogus").content.decode()
    assert len(card_ids(html)) == 8


def test_quality_filters_round_trip_and_cards_show_the_cues(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 4)
    for i, (px, sharp) in enumerate([(20, 5.0), (48, 90.0), (80, 300.0), (120, 12.0)]):
        Match.objects.filter(job=job, api_id=f"m-00000{i}").update(face_px=px, sharpness=sharp)
    html = analyst.get(
        f"/jobs/{job.api_id}/?min_face_px=40&min_sharpness=50&sort=time"
    ).content.decode()
    assert card_ids(html) == ["m-000001", "m-000002"]
    assert 'name="min_face_px" min="0" step="1" inputmode="numeric" value="40"' in html
    assert "min_face_px=40&amp;min_sharpness=50" in html
    assert "Face 48 px · sharpness 90" in html
    assert analyst.get(f"/jobs/{job.api_id}/?min_face_px=-3").status_code == 200


def test_the_job_page_and_the_list_show_review_progress(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 10)
    other = make_job()
    make_matches(other, 4)
    give_verdicts(job, {"m-000001": "confirmed", "m-000002": "rejected"}, make_user())
    page = analyst.get(f"/jobs/{job.api_id}/").content.decode()
    assert "Reviewed <strong>2</strong> of 10, confirmed <strong>1</strong>" in page
    listing = analyst.get("/").content.decode()
    assert "reviewed 2 of 10, confirmed 1" in listing
    assert "reviewed 0 of 4, confirmed 0" in listing


def test_the_histogram_is_stacked_by_verdict(analyst: Client) -> None:
    job = make_job()
    make_matches(job, 20)
    give_verdicts(job, {"m-000001": "confirmed", "m-000002": "rejected"}, make_user())
    html = analyst.get(f"/jobs/{job.api_id}/").content.decode()
    assert html.count('class="seg seg-confirmed"') == 1
    assert html.count('class="seg seg-rejected"') == 1
    assert "seg seg-unreviewed" in html


def test_can_edit_shows_controls_on_the_job_page_and_hides_them_when_false(
    analyst: Client, rf: object
) -> None:
    from django.template.loader import render_to_string

    from facematch_ui.review.forms import GalleryQuery
    from facematch_ui.review.views import gallery_context

    job = make_job()
    make_matches(job, 3)
    html = analyst.get(f"/jobs/{job.api_id}/").content.decode()
    assert 'class="verdict-form"' in html and 'id="bulk-form"' in html
    assert 'data-can-edit="true"' in html
    context = gallery_context(
        job,
        GalleryQuery(),
        gallery_url="/s/token/",
        match_url_prefix="/s/token/matches/",
        can_edit=False,
    )
    shared = render_to_string("review/_gallery.html", context)
    assert 'data-can-edit="false"' in shared
    assert "verdict-form" not in shared and "bulk-form" not in shared
    assert 'href="/s/token/matches/m-000000/"' in shared
    assert 'src="/s/token/matches/m-000000/frame.jpg"' in shared
    assert f"/jobs/{job.api_id}/" not in shared


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("matches/m-000000/card/verdict/", {"value": "confirmed"}),
        ("matches/m-000000/card/undo/", {}),
        ("verdicts/bulk/", {"value": "confirmed", "match": "m-000000"}),
        ("verdicts/reject-below/", {"threshold": "50"}),
        ("appearances/verdict/", {"value": "confirmed", "ids": "1"}),
    ],
)
def test_every_triage_post_needs_a_login_and_a_csrf_token(
    path: str, data: dict[str, str], analyst_user: object
) -> None:
    job = make_job()
    make_matches(job, 1)
    url = f"/jobs/{job.api_id}/{path}"
    stranger = Client(enforce_csrf_checks=True)
    response = stranger.post(url, data)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(analyst_user)  # type: ignore[arg-type]
    assert signed_in.post(url, data).status_code == 403
    assert not Verdict.objects.exists()
    assert signed_in.get(url).status_code in (400, 405)  # GET never writes
