"""A match's detail: page and partial, neighbours in the gallery's order, history, faces."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from facematch_ui.review.models import Match, VerdictChange
from facematch_ui.review.verdicts import set_verdict
from tests.review.factories import make_job, make_matches, make_user
from tests.review.triage_factories import give_verdicts, match_named

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst_user() -> AbstractBaseUser:
    return make_user("ana")  # the history names who changed a verdict


def _job_with(similarities: list[float]):  # type: ignore[no-untyped-def]
    job = make_job()
    make_matches(job, len(similarities))
    for i, value in enumerate(similarities):
        Match.objects.filter(job=job, api_id=f"m-{i:06d}").update(similarity=value)
    return job


def _url(job, match_id: str, query: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/jobs/{job.api_id}/matches/{match_id}/" + (f"?{query}" if query else "")


def test_it_renders_a_whole_page_when_opened_directly(analyst: Client) -> None:
    job = _job_with([90, 80, 70])
    response = analyst.get(_url(job, "m-000001"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and 'id="match-detail"' in html
    assert "80.0%" in html and "0:00:01" in html


def test_it_renders_only_the_detail_for_htmx(analyst: Client) -> None:
    job = _job_with([90, 80, 70])
    response = analyst.get(_url(job, "m-000001"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<article id="match-detail"')
    assert response["Vary"].count("HX-Request") == 1


def test_it_needs_a_login_and_an_existing_match() -> None:
    job = _job_with([90])
    assert Client().get(_url(job, "m-000000")).status_code == 302
    client = Client()
    client.force_login(make_user())
    assert client.get(_url(job, "nope")).status_code == 404
    assert client.get("/jobs/unknown/matches/m-000000/").status_code == 404


def _neighbours(html: str) -> tuple[str | None, str | None]:
    prev = re.search(r'href="[^"]*/matches/(m-\d+)/[^"]*"[^>]*rel="prev"', html)
    nxt = re.search(r'href="[^"]*/matches/(m-\d+)/[^"]*"[^>]*rel="next"', html)
    return (prev.group(1) if prev else None, nxt.group(1) if nxt else None)


def test_previous_and_next_follow_the_similarity_order(analyst: Client) -> None:
    # m-0: 50, m-1: 90, m-2: 70 -> by similarity: m-1, m-2, m-0
    job = _job_with([50, 90, 70])
    html = analyst.get(_url(job, "m-000002")).content.decode()
    assert _neighbours(html) == ("m-000001", "m-000000")


def test_previous_and_next_follow_the_time_order_and_keep_the_query(
    analyst: Client,
) -> None:
    job = _job_with([50, 90, 70])
    html = analyst.get(_url(job, "m-000001", "sort=time")).content.decode()
    assert _neighbours(html) == ("m-000000", "m-000002")
    assert "sort=time" in re.search(r'href="([^"]*)"[^>]*rel="next"', html).group(1)  # type: ignore[union-attr]


def test_previous_and_next_skip_matches_the_filters_hide(analyst: Client) -> None:
    job = _job_with([95, 40, 85, 30, 75])
    html = analyst.get(_url(job, "m-000002", "threshold=60")).content.decode()
    assert _neighbours(html) == ("m-000000", "m-000004")
    give_verdicts(job, {"m-000000": "confirmed", "m-000004": "confirmed"}, make_user())
    html = analyst.get(_url(job, "m-000000", "verdict=confirmed")).content.decode()
    assert _neighbours(html) == (None, "m-000004")


def test_it_shows_the_verdict_history(analyst: Client) -> None:
    job = _job_with([90])
    match = match_named(job, "m-000000")
    reviewer = make_user("rita")
    set_verdict(match, "unsure", user=reviewer)
    set_verdict(match, "confirmed", note="same scar", user=reviewer)
    html = analyst.get(_url(job, "m-000000")).content.decode()
    history = html[html.index('class="history-list"') :]
    assert history.count("<li>") == 2
    assert "rita" in history and "same scar" in history
    assert re.search(r"Unsure</span> → <span[^>]*>Confirmed", history)
    assert re.search(r"Not reviewed</span> → <span[^>]*>Unsure", history)


def test_both_faces_are_shown_at_the_same_size(analyst: Client) -> None:
    job = _job_with([90])
    html = analyst.get(_url(job, "m-000000")).content.decode()
    faces = html[html.index('class="faces"') : html.index("</div>", html.index('class="faces"'))]
    sizes = re.findall(
        r'<img src="[^"]+" alt="(Source face|Matched face)" width="(\d+)" height="(\d+)"', faces
    )
    assert [s[0] for s in sizes] == ["Source face", "Matched face"]
    assert sizes[0][1:] == sizes[1][1:] == ("160", "160")


def test_setting_a_verdict_from_the_detail_records_it(analyst: Client) -> None:
    job = _job_with([90])
    url = f"/jobs/{job.api_id}/matches/m-000000/verdict/"
    response = analyst.post(
        url,
        {"value": "rejected", "note": "other person", "expected_version": "0"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    change = VerdictChange.objects.get(match__api_id="m-000000")
    assert (change.value, change.note, change.changed_by.get_username()) == (
        "rejected",
        "other person",
        "ana",
    )
    assert "other person" in response.content.decode()


def test_a_stale_verdict_is_refused_with_409_and_a_message(analyst: Client) -> None:
    job = _job_with([90])
    set_verdict(match_named(job, "m-000000"), "confirmed", user=make_user())
    response = analyst.post(
        f"/jobs/{job.api_id}/matches/m-000000/verdict/",
        {"value": "rejected", "expected_version": "0"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409
    assert "changed this verdict meanwhile" in response.content.decode()
    assert match_named(job, "m-000000").verdict.value == "confirmed"


def test_a_bad_verdict_value_is_a_400(analyst: Client) -> None:
    job = _job_with([90])
    response = analyst.post(f"/jobs/{job.api_id}/matches/m-000000/verdict/", {"value": "maybe"})
    assert response.status_code == 400


def test_the_timeline_links_every_match_and_marks_the_current_one(analyst: Client) -> None:
    job = _job_with([90, 80, 70])
    give_verdicts(job, {"m-000000": "confirmed"}, make_user())
    html = analyst.get(_url(job, "m-000001", "sort=time")).content.decode()
    timeline = html[html.index('class="timeline"') :]
    links = re.findall(r'<a href="([^"]+)"[^>]*class="mark mark-(\w+)"', timeline)
    assert [(u.split("/")[-2], tone) for u, tone in links] == [
        ("m-000000", "confirmed"),
        ("m-000001", "s4"),  # 80%: the darkest shade
        ("m-000002", "s3"),
    ]
    assert all("sort=time" in u for u, _ in links)
    assert 'class="mark-current"' in timeline


def test_no_player_when_the_api_cannot_serve_the_video(analyst: Client) -> None:
    job = _job_with([90])
    html = analyst.get(_url(job, "m-000000")).content.decode()
    assert "<video" not in html
