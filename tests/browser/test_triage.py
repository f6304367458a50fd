"""Keyboard-only triage in Chromium: move, decide, undo, reload, help; then screenshots."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from facematch_ui.review.models import Match, Verdict
from facematch_ui.review.quality import score_job
from tests.browser.conftest import ARTIFACTS, log_in
from tests.browser.scene import job_with_stored_frames
from tests.review.factories import make_user
from tests.review.triage_factories import give_verdicts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused_id(page: object) -> str | None:
    return page.evaluate(  # type: ignore[attr-defined]
        "() => document.querySelector('.card.is-focused')?.dataset.match ?? null"
    )


def focus_param(page: object) -> str | None:
    values = parse_qs(urlparse(page.url).query).get("focus")  # type: ignore[attr-defined]
    return values[0] if values else None


def verdict_of(api_id: str) -> str:
    found = Verdict.objects.filter(match__api_id=api_id).values_list("value", flat=True).first()
    return found or ""


def test_an_analyst_triages_with_the_keyboard_only(
    live_server: object, browser_page: object
) -> None:
    page = browser_page
    make_user("analyst")
    job = job_with_stored_frames(60)
    order = list(
        Match.objects.filter(job=job)
        .order_by("-similarity", "timestamp", "id")
        .values_list("api_id", flat=True)
    )
    base = live_server.url  # type: ignore[attr-defined]
    log_in(page, base, "analyst")
    page.goto(f"{base}/jobs/{job.api_id}/?page_size=25")  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    keyboard = page.keyboard  # type: ignore[attr-defined]

    # j, arrows and k move the focus ring; the URL remembers it.
    keyboard.press("j")
    assert focused_id(page) == order[0]
    keyboard.press("j")
    keyboard.press("ArrowRight")
    assert focused_id(page) == order[2]
    keyboard.press("k")
    keyboard.press("ArrowUp")
    assert focused_id(page) == order[0] == focus_param(page)

    # Match 2 already rejected by someone: y on match 1 skips it.
    give_verdicts(job, {order[1]: "rejected"}, make_user("sam"))
    keyboard.press("y")
    page.wait_for_function(  # type: ignore[attr-defined]
        f"() => document.querySelector('.card.is-focused')?.dataset.match === '{order[2]}'"
    )
    assert verdict_of(order[0]) == "confirmed"
    card = page.locator(f"#match-{order[0]}")  # type: ignore[attr-defined]
    assert card.get_attribute("data-verdict") == "confirmed"
    assert "Confirmed" in card.locator(".verdict-status").inner_text()
    announcer = page.locator("#triage-announcer")  # type: ignore[attr-defined]
    announcer.filter(has_text="Match 1 of 60 confirmed, next: match 3").wait_for()

    keyboard.press("n")
    page.wait_for_function(  # type: ignore[attr-defined]
        f"() => document.querySelector('.card.is-focused')?.dataset.match === '{order[3]}'"
    )
    assert verdict_of(order[2]) == "rejected"

    # z undoes the last verdict and goes back to that match.
    keyboard.press("z")
    page.wait_for_function(  # type: ignore[attr-defined]
        f"() => document.querySelector('#match-{order[2]}').dataset.verdict === ''"
    )
    assert verdict_of(order[2]) == ""
    page.wait_for_function(  # type: ignore[attr-defined]
        f"() => document.querySelector('.card.is-focused')?.dataset.match === '{order[2]}'"
    )
    announcer.filter(has_text="Undone: match 3 is not reviewed again").wait_for()

    # A reload keeps the focused match.
    keyboard.press("j")
    assert focused_id(page) == order[3]
    page.reload()  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert focused_id(page) == order[3] == focus_param(page)

    # Past the last card of the page, j goes to the next page's first card.
    for _ in range(21):
        keyboard.press("j")
    assert focused_id(page) == order[24]
    keyboard.press("j")
    page.locator(".page-info", has_text="Page 2").wait_for()  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        f"() => document.querySelector('.card.is-focused')?.dataset.match === '{order[25]}'"
    )
    assert parse_qs(urlparse(page.url).query)["page"] == ["2"]  # type: ignore[attr-defined]

    # ? opens the shortcuts dialog, Esc closes it; typing in a field is left alone.
    keyboard.press("?")
    dialog = page.locator("dialog#shortcuts")  # type: ignore[attr-defined]
    assert dialog.is_visible()
    keyboard.press("Escape")
    assert not dialog.is_visible()
    page.focus("#min-face-px")  # type: ignore[attr-defined]
    keyboard.press("y")
    assert verdict_of(order[25]) == ""


def test_screenshots_of_the_gallery_mid_triage_and_the_appearances(
    live_server: object, browser_page: object
) -> None:
    page = browser_page
    make_user("analyst")
    job = job_with_stored_frames(80)
    score_job(job)  # face size and sharpness, shown on each card
    order = list(
        Match.objects.filter(job=job)
        .order_by("-similarity", "timestamp", "id")
        .values_list("api_id", flat=True)
    )
    sam = make_user("sam")
    give_verdicts(
        job,
        {order[0]: "confirmed", order[1]: "confirmed", order[2]: "rejected", order[3]: "unsure"},
        sam,
    )
    give_verdicts(job, {api_id: "rejected" for api_id in order[-20:]}, sam)
    base = live_server.url  # type: ignore[attr-defined]
    log_in(page, base, "analyst")
    page.goto(f"{base}/jobs/{job.api_id}/?threshold=50&focus={order[4]}")  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert focused_id(page) == order[4]
    assert " px · sharpness " in page.locator(f"#match-{order[4]} .quality").inner_text()  # type: ignore[attr-defined]
    # The stacked histogram at the top, the focused card in view below it.
    page.evaluate("document.getElementById('review-progress').scrollIntoView()")  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / "triage-gallery.png"))  # type: ignore[attr-defined]

    # Gaps in the video split the matches into several appearances.
    for match in Match.objects.filter(job=job):
        index = int(match.timestamp)
        match.timestamp = index + (index // 8) * 30.0
        match.save(update_fields=["timestamp"])
    page.goto(f"{base}/jobs/{job.api_id}/appearances/")  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert page.locator(".appearance").count() == 10  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / "triage-appearances.png"))  # type: ignore[attr-defined]
