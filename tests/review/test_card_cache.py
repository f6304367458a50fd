"""The gallery's cards are rendered once per job state and view, never per user's token."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.core.cache import caches
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token  # type: ignore[attr-defined]
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext

from facematch_ui.review import card_cache
from facematch_ui.review.forms import GalleryQuery
from facematch_ui.review.models import Job, JobStatus, Match
from facematch_ui.review.quality import score_job
from facematch_ui.review.sync import sync_job
from facematch_ui.review.thumbnails import fetch_thumbnails
from facematch_ui.review.verdicts import set_verdict
from facematch_ui.review.views import gallery_context
from tests.review.factories import make_job, make_matches, make_user
from tests.review.fake_api import FakeFaceApi
from tests.review.triage_factories import checkerboard, store_frame

if TYPE_CHECKING:  # a stub-only type: what the test client answers
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thumbnail_dir")]

CARD_TEMPLATE = "review/_match_card.html"
RESULTS = "review/_results.html"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
CARDS = re.compile(r'<ol class="gallery".*?</ol>', re.S)
JOB_ID = "0c6f1a52-7d3e-4f7e-9a55-3b1c2d4e5f61"


def results_area(response: Response) -> str:
    assert response.status_code == 200
    html = response.content.decode().strip()
    assert html.startswith('<div id="results">'), "not the results partial"
    return without_tokens(html)


def logged_in(username: str | None = None, *, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(make_user(username))
    return client


def cards(response: Response) -> str:
    assert response.status_code == 200
    found = CARDS.search(response.content.decode())
    assert found, "the page shows no cards"
    return found.group()


def without_tokens(html: str) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)


def rendered_cards(response: Response) -> bool:
    return CARD_TEMPLATE in [t.name for t in response.templates]


def gallery(job: Job) -> str:
    return f"/jobs/{job.api_id}/?sort=time"


def test_a_second_request_serves_the_same_cards_without_rendering_them() -> None:
    client = logged_in()
    job = make_job()
    make_matches(job, 6)

    first = client.get(gallery(job))
    second = client.get(gallery(job))

    assert rendered_cards(first)
    assert not rendered_cards(second)
    assert without_tokens(cards(second)) == without_tokens(cards(first))
    assert cards(second).count('<li class="card ') == 6


def test_a_second_request_reads_no_match_rows() -> None:
    client = logged_in()
    job = make_job()
    make_matches(job, 60)
    client.get(gallery(job) + "&page=2")  # fills the caches

    with CaptureQueriesContext(connection) as queries:
        again = client.get(gallery(job) + "&page=2")

    assert cards(again).count('<li class="card ') == 10
    assert "Page 2 of 2 · 51\u201360" in again.content.decode()
    assert not [q["sql"] for q in queries if '"review_match"' in q["sql"]]


def test_cached_cards_are_exactly_the_uncached_ones_but_for_the_token() -> None:
    client = logged_in()
    job = make_job()
    matches = make_matches(job, 5)
    set_verdict(matches[0], "confirmed", note="seen <twice>", user=make_user("sam"))
    client.get(gallery(job))  # fills the cache
    cached = client.get(gallery(job))
    caches["local"].clear()

    uncached = client.get(gallery(job), headers={"HX-Request": "true"})

    assert not rendered_cards(cached) and rendered_cards(uncached)
    assert without_tokens(cards(cached)) == without_tokens(cards(uncached))
    assert "Confirmed by sam" in cards(cached) and "seen &lt;twice&gt;" in cards(cached)


def test_a_verdict_shows_on_the_next_render() -> None:
    client = logged_in()
    job = make_job()
    matches = make_matches(job, 3)
    client.get(gallery(job))

    set_verdict(matches[0], "rejected", user=make_user("kim"))
    after = client.get(gallery(job))

    assert rendered_cards(after)
    assert 'data-verdict="rejected"' in cards(after)
    assert "by kim" in cards(after)


def test_a_verdict_posted_through_the_page_shows_on_the_next_render() -> None:
    client = logged_in("lee")
    job = make_job()
    match = make_matches(job, 2)[0]
    client.get(gallery(job))

    url = f"/jobs/{job.api_id}/matches/{match.api_id}/card/verdict/"
    client.post(url, {"value": "unsure", "expected_version": 0, "note": "", "return": ""})

    assert 'data-verdict="unsure"' in cards(client.get(gallery(job)))


def test_stored_thumbnails_draw_the_face_box_on_the_next_render(
    configured_api: FakeFaceApi,
) -> None:
    client = logged_in()
    fake = configured_api.add_job(JOB_ID, results=3)
    configured_api.serve_thumbnails(fake)
    job = sync_job(JOB_ID, client=configured_api.client())
    assert 'class="overlay"' not in cards(client.get(gallery(job)))

    assert fetch_thumbnails(job, client=configured_api.client()) == 3

    assert cards(client.get(gallery(job))).count('class="overlay"') == 3


def test_quality_scores_show_on_the_next_render() -> None:
    client = logged_in()
    job = make_job()
    match = make_matches(job, 1)[0]
    before = cards(client.get(gallery(job)))
    assert "size and sharpness not measured" in before

    store_frame(match, checkerboard((320, 180)))
    assert score_job(job) == 1

    scored = Match.objects.get(pk=match.pk)
    after = cards(client.get(gallery(job)))
    assert f"Face {scored.face_px} px · sharpness" in after
    assert 'class="overlay"' in after


def test_each_user_gets_their_own_csrf_token_in_cached_cards() -> None:
    alice = logged_in("alice")
    bob = logged_in("bob", enforce_csrf_checks=True)
    job = make_job()
    match = make_matches(job, 2)[0]

    alice_cards = cards(alice.get(gallery(job)))  # fills the cache
    bob_response = bob.get(gallery(job))
    bob_cards = cards(bob_response)

    assert not rendered_cards(bob_response)
    alice_secret = alice.cookies["csrftoken"].value
    bob_secret = bob.cookies["csrftoken"].value
    assert alice_secret != bob_secret
    alice_tokens = TOKEN.findall(alice_cards)
    bob_tokens = TOKEN.findall(bob_cards)
    assert len(bob_tokens) == len(alice_tokens) == 2  # one verdict form per card
    assert {_unmask_cipher_token(t) for t in alice_tokens} == {alice_secret}
    assert {_unmask_cipher_token(t) for t in bob_tokens} == {bob_secret}
    assert not set(alice_tokens) & set(bob_tokens)
    assert "sentinel" not in bob_cards
    # So does every other form of the cached results area (the bulk actions').
    bob_page = bob_response.content.decode()
    assert 'id="bulk-form"' in bob_page and "sentinel" not in bob_page
    assert {_unmask_cipher_token(t) for t in TOKEN.findall(bob_page)} == {bob_secret}

    # Bob's cached card form posts with Bob's token and is accepted.
    url = f"/jobs/{job.api_id}/matches/{match.api_id}/card/verdict/"
    form = {"value": "confirmed", "expected_version": 0, "note": "", "return": ""}
    posted = bob.post(url, {**form, "csrfmiddlewaretoken": bob_tokens[0]})
    assert posted.status_code != 403
    assert Match.objects.get(pk=match.pk).verdict.value == "confirmed"  # type: ignore[attr-defined]


def test_the_results_area_is_rendered_once_per_job_state() -> None:
    client = logged_in()
    job = make_job()
    make_matches(job, 3)

    partial = {"HX-Request": "true", "HX-Target": "results"}
    first = client.get(gallery(job), headers=partial)
    again = client.get(gallery(job), headers=partial)

    assert RESULTS in [t.name for t in first.templates]
    assert RESULTS not in [t.name for t in again.templates]
    assert results_area(again) == results_area(first)


def test_the_synced_count_shows_on_the_next_render() -> None:
    # A sync may change how many results are fetched without changing a row.
    client = logged_in()
    job = make_job()
    make_matches(job, 3)
    client.get(gallery(job))

    Job.objects.filter(pk=job.pk).update(match_total=5)
    after = client.get(gallery(job)).content.decode()

    assert "Showing 3 of 5 results" in after


def test_a_bulk_notice_belongs_to_its_answer_alone() -> None:
    client = logged_in()
    job = make_job()
    matches = make_matches(job, 3)
    client.get(gallery(job))

    bulk = client.post(
        f"/jobs/{job.api_id}/verdicts/bulk/",
        {"value": "rejected", "match": [matches[0].api_id], "return": gallery(job)},
        headers={"HX-Request": "true"},
    )
    later = client.get(gallery(job)).content.decode()

    assert 'class="notice notice-success"' in bulk.content.decode()
    assert 'class="notice notice-success"' not in later
    assert "Rejected by" in later


def test_the_controls_are_rendered_once_per_view_and_show_its_state() -> None:
    client = logged_in()
    job = make_job()
    make_matches(job, 3)
    controls = "review/_gallery_controls.html"

    first = client.get(gallery(job))
    again = client.get(gallery(job))
    by_similarity = client.get(f"/jobs/{job.api_id}/?sort=similarity")

    assert [controls in [t.name for t in r.templates] for r in (first, again)] == [True, False]
    assert '<option value="time" selected>' in again.content.decode()
    assert '<option value="similarity" selected>' in by_similarity.content.decode()


def test_the_job_actions_follow_the_job_status() -> None:
    client = logged_in()
    job = make_job(status=JobStatus.PROCESSING)
    page = f"/jobs/{job.api_id}/"
    processing = client.get(page).content.decode()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.COMPLETED)

    completed = client.get(page)

    assert "Share</a>" in processing and "Export</summary>" not in processing
    assert "review/_share_button.html" in [t.name for t in completed.templates]
    assert "Export</summary>" in completed.content.decode()


def test_every_input_of_the_cards_names_its_own_cache_entry() -> None:
    job = make_job()
    prefix = f"/jobs/{job.api_id}/matches/"
    default = {"match_url_prefix": prefix, "can_edit": True, "return_url": "/r"}
    variants = [
        (GalleryQuery(), default),
        (GalleryQuery(page=2), default),
        (GalleryQuery(threshold=40.5), default),
        (GalleryQuery(sort="time"), default),
        (GalleryQuery(verdict="confirmed"), default),
        (GalleryQuery(min_face_px=40), default),
        (GalleryQuery(min_sharpness=10), default),
        (GalleryQuery(), {**default, "can_edit": False}),
        (GalleryQuery(), {**default, "match_url_prefix": "/shared/t/matches/"}),
        (GalleryQuery(), {**default, "return_url": "/r?page=2"}),
    ]
    keys = {card_cache.card_cache_key(job, q, **links) for q, links in variants}  # type: ignore[arg-type]
    assert len(keys) == len(variants)

    Job.objects.filter(pk=job.pk).update(counts_version=job.counts_version + 1)
    job.refresh_from_db()
    assert card_cache.card_cache_key(job, GalleryQuery(), **default) not in keys  # type: ignore[arg-type]


def test_the_histogram_is_drawn_once_per_threshold_and_again_after_a_verdict() -> None:
    client = logged_in()
    job = make_job()
    matches = make_matches(job, 4, similarity_range=(60, 90))
    histogram = "review/_histogram.svg.html"

    first = client.get(gallery(job))
    again = client.get(gallery(job))
    other_threshold = client.get(f"{gallery(job)}&threshold=70")
    set_verdict(matches[0], "confirmed", user=make_user())
    after = client.get(gallery(job))

    rendered = [histogram in [t.name for t in r.templates] for r in (first, again)]
    assert rendered == [True, False]
    assert histogram in [t.name for t in other_threshold.templates]
    assert histogram in [t.name for t in after.templates]
    assert 'class="seg seg-confirmed"' not in first.content.decode()
    assert 'class="seg seg-confirmed"' in after.content.decode()
    assert again.content.decode().count('class="seg seg-') == first.content.decode().count(
        'class="seg seg-'
    )


def test_a_gallery_context_without_cache_keys_renders_every_piece_afresh() -> None:
    job = make_job()
    make_matches(job, 3)
    query = GalleryQuery(sort="time")
    context = gallery_context(
        job, query, gallery_url="/g/", match_url_prefix="/g/matches/", can_edit=False
    )
    uncached = {k: v for k, v in context.items() if not k.endswith("_cache_key")}

    twice = [render_to_string("review/_gallery.html", uncached) for _ in range(2)]

    assert twice[0] == twice[1]
    cards = CARDS.search(twice[0])
    assert cards and cards.group().count('<li class="card ') == 3
    assert "histogram" not in cards.group()
    assert twice[0].count('id="histogram"') == 1
    assert twice[0] == render_to_string("review/_gallery.html", context)
