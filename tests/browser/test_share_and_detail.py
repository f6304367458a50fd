"""The match detail over the gallery, its timeline, and a share link in a fresh browser."""

from __future__ import annotations

import re

import pytest

from facematch_ui.review.models import Match
from facematch_ui.review.sharing import create_share_link
from tests.browser.conftest import ARTIFACTS, log_in
from tests.browser.scene import job_with_stored_frames
from tests.review.factories import make_user
from tests.review.triage_factories import give_verdicts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_match_opens_over_the_gallery_and_esc_brings_the_gallery_back(
    live_server: object, browser_page: object
) -> None:
    page = browser_page
    reviewer = make_user("analyst")
    job = job_with_stored_frames(80)
    best = list(Match.objects.filter(job=job).order_by("-similarity", "timestamp", "id")[:6])
    give_verdicts(
        job,
        {best[1].api_id: "confirmed", best[2].api_id: "rejected", best[3].api_id: "unsure"},
        reviewer,
    )
    base = live_server.url  # type: ignore[attr-defined]
    log_in(page, base, "analyst")
    gallery_url = f"{base}/jobs/{job.api_id}/?threshold=0&sort=similarity"
    page.goto(gallery_url)  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]

    page.click(f"#match-{best[0].api_id} a.card-link")  # type: ignore[attr-defined]
    dialog = page.locator("#match-dialog")  # type: ignore[attr-defined]
    dialog.locator("#match-detail").wait_for()
    assert page.evaluate("document.getElementById('match-dialog').open")  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(rf"/matches/{best[0].api_id}/\?"))  # type: ignore[attr-defined]
    assert "sort=similarity" in page.url  # type: ignore[attr-defined]
    sizes = page.evaluate(  # type: ignore[attr-defined]
        "[...document.querySelectorAll('#match-detail .faces img')]"
        ".map(i => [i.getBoundingClientRect().width, i.getBoundingClientRect().height])"
    )
    assert len(sizes) == 2 and sizes[0] == sizes[1]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / "match-detail.png"))  # type: ignore[attr-defined]

    # A timeline mark opens its match in the same dialog.
    target = best[4]
    page.click(f"#match-detail .timeline a[data-match='{target.api_id}']")  # type: ignore[attr-defined]
    page.locator("#match-detail h2", has_text=_hms(target.timestamp)).wait_for()  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(rf"/matches/{target.api_id}/"))  # type: ignore[attr-defined]

    # Esc closes it and the gallery's URL is back.
    page.keyboard.press("Escape")  # type: ignore[attr-defined]
    # (The gallery may add its own focus=<card> to its URL: compare the rest.)
    page.wait_for_url(lambda url: url.startswith(gallery_url))  # type: ignore[attr-defined]
    page.wait_for_function("() => !document.getElementById('match-dialog').open")  # type: ignore[attr-defined]
    assert page.locator(".card").count() == 50  # type: ignore[attr-defined]


def _hms(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def test_a_share_link_shows_the_gallery_read_only_without_a_login(
    live_server: object, browser_page: object
) -> None:
    job = job_with_stored_frames(70)
    _link, token = create_share_link(job, make_user("sharer"))
    base = live_server.url  # type: ignore[attr-defined]
    # A fresh context: no cookies, no session of anyone.
    context = browser_page.context.browser.new_context(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{base}/s/{token}/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".card").count() == 50
    assert page.locator(".verdict-form, .detail-verdict-form, #bulk-form").count() == 0
    assert page.locator("a[href*='/jobs/'], a[href*='/new/'], form[action*='logout']").count() == 0
    page.screenshot(path=str(ARTIFACTS / "shared-gallery.png"))

    page.click("nav.pagination a[rel=next]")
    page.locator(".page-info", has_text="Page 2").wait_for()
    assert page.locator(".card").count() == 20
    assert f"/s/{token}/" in page.url

    page.locator(".card a.card-link").first.click()
    page.locator("#match-detail").wait_for()
    assert f"/s/{token}/matches/" in page.url
    assert page.locator("#match-detail .detail-verdict-form").count() == 0
    assert page.locator("#match-detail button[name=value]").count() == 0
    page.wait_for_function(
        "() => [...document.querySelectorAll('#match-detail img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    page.screenshot(path=str(ARTIFACTS / "shared-detail.png"))
    context.close()
