"""Share links: analysts create, list and revoke; visitors read one job and nothing else."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.utils import timezone

from facematch_ui.review.models import Match, ShareLink, Verdict
from facematch_ui.review.sharing import create_share_link, revoke
from tests.review.factories import make_job, make_matches, make_user
from tests.review.triage_factories import give_verdicts

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst_user() -> AbstractBaseUser:
    return make_user("sharer")  # the listing shows who made a link


def _shared_job(n: int = 3, **link_options):  # type: ignore[no-untyped-def]
    job = make_job()
    make_matches(job, n)
    link, token = create_share_link(job, None, **link_options)
    return job, link, token


# --- analysts -------------------------------------------------------------------------


def test_an_analyst_creates_a_link_and_sees_it_once(analyst: Client) -> None:
    job = make_job()
    response = analyst.post(f"/jobs/{job.api_id}/shares/", {"expires": "7d", "password": ""})
    assert response.status_code == 201
    html = response.content.decode()
    url = re.search(r'id="new-link" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 22  # at least 128 bits in url-safe base64
    link = ShareLink.objects.get(job=job)
    assert link.created_by.get_username() == "sharer"
    assert timedelta(days=6, hours=23) < link.expires_at - timezone.now() <= timedelta(days=7)
    listing = analyst.get(f"/jobs/{job.api_id}/shares/").content.decode()
    assert token not in listing and "Active" in listing and "sharer" in listing


def test_tokens_are_random_and_only_their_hash_is_stored(analyst: Client) -> None:
    job = make_job()
    tokens = {create_share_link(job, None)[1] for _ in range(20)}
    assert len(tokens) == 20
    assert all(len(t) * 6 >= 128 for t in tokens)
    stored = set(ShareLink.objects.values_list("token_hash", flat=True))
    assert not tokens & stored


def test_a_frozen_link_keeps_only_the_gallery_filters(analyst: Client) -> None:
    job = make_job()
    analyst.post(
        f"/jobs/{job.api_id}/shares/",
        {
            "expires": "1d",
            "freeze": "on",
            "gallery_query": "threshold=70&verdict=confirmed&sort=time&page=3&bogus=1",
        },
    )
    assert ShareLink.objects.get(job=job).frozen_query == {
        "threshold": "70",
        "verdict": "confirmed",
    }


def test_a_bad_expiry_is_a_400(analyst: Client) -> None:
    job = make_job()
    response = analyst.post(f"/jobs/{job.api_id}/shares/", {"expires": "never"})
    assert response.status_code == 400
    assert not ShareLink.objects.exists()


def test_an_analyst_revokes_a_link(analyst: Client) -> None:
    job, link, token = _shared_job()
    response = analyst.post(f"/jobs/{job.api_id}/shares/{link.pk}/revoke/")
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert Client().get(f"/s/{token}/").status_code == 410


def test_creating_and_revoking_need_a_login() -> None:
    job, link, _token = _shared_job()
    assert Client().post(f"/jobs/{job.api_id}/shares/", {"expires": "7d"}).status_code == 302
    assert Client().post(f"/jobs/{job.api_id}/shares/{link.pk}/revoke/").status_code == 302
    assert ShareLink.objects.count() == 1


# --- visitors -------------------------------------------------------------------------


def test_a_visitor_sees_the_gallery_without_logging_in() -> None:
    job, link, token = _shared_job(3)
    response = Client().get(f"/s/{token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="card ') == 3
    assert f'href="/s/{token}/matches/m-000000/"' in html
    assert f"/jobs/{job.api_id}/" not in html  # no analyst URLs
    assert "verdict-form" not in html and "bulk" not in html.lower()
    assert "Log out" not in html and "New face match" not in html and "/admin" not in html
    link.refresh_from_db()
    assert link.open_count == 1 and link.last_opened_at is not None


def test_a_visitor_can_page_and_open_a_match_read_only() -> None:
    job, _link, token = _shared_job(30)
    html = Client().get(f"/s/{token}/?page_size=25&page=2").content.decode()
    assert html.count('class="card ') == 5
    detail = Client().get(f"/s/{token}/matches/m-000004/?sort=time")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "detail-verdict-form" not in text and "History" not in text
    assert f'href="/s/{token}/matches/m-000005/?' in text  # next, within the share
    assert f"/jobs/{job.api_id}/" not in text
    image = Client().get(f"/s/{token}/matches/m-000004/face.jpg")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


def test_a_visitor_cannot_reach_another_job_through_a_link() -> None:
    _job, _link, token = _shared_job(2)
    other = make_job()
    make_matches(other, 2, start=100)
    visitor = Client()
    assert visitor.get(f"/s/{token}/matches/m-000100/").status_code == 404
    assert visitor.get(f"/s/{token}/matches/m-000100/frame.jpg").status_code == 404
    assert visitor.get(f"/jobs/{other.api_id}/").status_code == 302
    assert visitor.get(f"/jobs/{other.api_id}/video/").status_code == 302
    assert visitor.get(f"/jobs/{other.api_id}/matches/m-000100/frame.jpg").status_code == 302


def test_a_visitor_changes_nothing() -> None:
    job, _link, token = _shared_job(2)
    visitor = Client(enforce_csrf_checks=False)
    visitor.get(f"/s/{token}/")
    match = f"/jobs/{job.api_id}/matches/m-000000"
    for url in (
        f"{match}/verdict/",
        f"/jobs/{job.api_id}/shares/",
        f"/s/{token}/matches/m-000000/",
    ):
        response = visitor.post(url, {"value": "confirmed", "expected_version": "0"})
        assert response.status_code in (302, 403, 405), url
    for url in (f"/jobs/{job.api_id}/export.csv", f"/jobs/{job.api_id}/export.png"):
        assert visitor.get(url).status_code == 302
    assert not Verdict.objects.exists()


def test_frozen_filters_win_over_the_visitors_query() -> None:
    job = make_job()
    make_matches(job, 4)
    for i, value in enumerate([95, 40, 85, 30]):
        Match.objects.filter(job=job, api_id=f"m-{i:06d}").update(similarity=value)
    give_verdicts(job, {"m-000000": "confirmed", "m-000002": "rejected"}, make_user())
    _link, token = create_share_link(
        job, None, frozen_query={"threshold": "50", "verdict": "confirmed"}
    )
    html = Client().get(f"/s/{token}/?threshold=0&verdict=rejected").content.decode()
    assert re.findall(r'data-match="(m-\d+)"', html) == ["m-000000"]
    assert 'id="gallery-controls"' not in html
    detail = Client().get(f"/s/{token}/matches/m-000000/?threshold=0").content.decode()
    assert 'rel="next"' not in detail.replace('aria-disabled="true">Next', "")


def test_expired_revoked_and_unknown_links_get_friendly_pages() -> None:
    _job, link, token = _shared_job()
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = Client().get(f"/s/{token}/")
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    _job, link, token = _shared_job()
    revoke(link)
    revoked = Client().get(f"/s/{token}/matches/m-000000/")
    assert revoked.status_code == 410 and "revoked" in revoked.content.decode()
    for bad in ("A" * 32, "short", "not a token at all!"):
        unknown = Client().get(f"/s/{bad}/")
        assert unknown.status_code == 404 and "not valid" in unknown.content.decode()
    assert Client().get(f"/s/{token}/matches/m-000000/face.jpg").status_code == 410


def test_a_password_is_asked_once_per_session() -> None:
    _job, _link, token = _shared_job(password="s3cret pass")
    visitor = Client()
    asked = visitor.get(f"/s/{token}/")
    assert asked.status_code == 401 and 'type="password"' in asked.content.decode()
    assert visitor.get(f"/s/{token}/matches/m-000000/frame.jpg").status_code == 401
    wrong = visitor.post(f"/s/{token}/", {"password": "guess"})
    assert wrong.status_code == 403 and "not right" in wrong.content.decode()
    right = visitor.post(f"/s/{token}/", {"password": "s3cret pass"})
    assert right.status_code == 302
    assert visitor.get(f"/s/{token}/").status_code == 200
    assert visitor.get(f"/s/{token}/matches/m-000000/frame.jpg").status_code == 200
    assert Client().get(f"/s/{token}/").status_code == 401  # another browser


def test_failed_passwords_are_rate_limited_per_link_and_address() -> None:
    _job, _link, token = _shared_job(password="s3cret pass")
    visitor = Client()
    for _ in range(10):
        assert visitor.post(f"/s/{token}/", {"password": "guess"}).status_code == 403
    locked = visitor.post(f"/s/{token}/", {"password": "s3cret pass"})
    assert locked.status_code == 429 and "Too many attempts" in locked.content.decode()
    elsewhere = Client(REMOTE_ADDR="10.0.0.9")
    assert elsewhere.post(f"/s/{token}/", {"password": "s3cret pass"}).status_code == 302
