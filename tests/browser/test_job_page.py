"""What only a browser shows: boxes over faces, the slider, paging and history."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlparse

import pytest
from PIL import Image

from facematch_ui.review.models import Match
from tests.browser.conftest import ARTIFACTS, log_in
from tests.browser.scene import FACE_COLOUR, job_with_stored_frames
from tests.review.factories import make_job, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlparse(url).query).items()}


def looks_like(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 60) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def assert_boxes_over_faces(page: object) -> int:
    """Every card's box covers the magenta face drawn in its frame."""
    page.evaluate("document.querySelector('.gallery').scrollIntoView()")  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        """() => [...document.querySelectorAll('.card .frame img')]
            .filter(img => img.getBoundingClientRect().bottom > 0
                        && img.getBoundingClientRect().top < innerHeight)
            .every(img => img.complete && img.naturalWidth > 0)"""
    )
    boxes = page.evaluate(  # type: ignore[attr-defined]
        """() => [...document.querySelectorAll('.card .frame')].map(frame => {
            const img = frame.querySelector('img').getBoundingClientRect();
            const box = frame.querySelector('.box').getBoundingClientRect();
            return {img: [img.x, img.y, img.width, img.height],
                    box: [box.x, box.y, box.width, box.height],
                    complete: frame.querySelector('img').naturalWidth,
                    id: frame.closest('.card').dataset.match};
        })"""
    )
    assert boxes, "no cards on the page"
    expected = {m.api_id: m for m in Match.objects.filter(api_id__in=[b["id"] for b in boxes])}
    for found in boxes:
        match = expected[found["id"]]
        x, y, width, height = found["img"]
        want = (
            x + match.box_left * width,
            y + match.box_top * height,
            match.box_width * width,
            match.box_height * height,
        )
        for got, wanted in zip(found["box"], want, strict=True):
            assert got == pytest.approx(wanted, abs=2), (match.api_id, found, want)
    # And the image really shows the face there: sample the screen at the
    # centre of the first boxes in view.
    shot = Image.open(io.BytesIO(page.screenshot()))  # type: ignore[attr-defined]
    checked = 0
    for found in boxes:
        bx, by, bw, bh = found["box"]
        cx, cy = round(bx + bw / 2), round(by + bh / 2)
        if 0 <= cx < shot.width and 0 <= cy < shot.height:
            assert looks_like(shot.getpixel((cx, cy)), FACE_COLOUR), found
            checked += 1
    assert checked >= 4
    return len(boxes)


def test_the_job_page_draws_boxes_over_faces_and_keeps_its_state_in_the_url(
    live_server: object, browser_page: object
) -> None:
    page = browser_page
    make_user("analyst")
    job = job_with_stored_frames(120)
    base = live_server.url  # type: ignore[attr-defined]
    log_in(page, base, "analyst")

    page.goto(f"{base}/jobs/{job.api_id}/")  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert page.locator(".card").count() == 50  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / "job-page.png"))  # type: ignore[attr-defined]
    assert_boxes_over_faces(page)

    # The slider: set to 60 as a drag would, then one step by keyboard.
    slider = page.locator("#threshold")  # type: ignore[attr-defined]
    slider.focus()
    slider.fill("60")
    slider.dispatch_event("input")
    page.wait_for_url(lambda url: query_of(url).get("threshold") == "60")  # type: ignore[attr-defined]
    above = Match.objects.filter(job=job, similarity__gte=60).count()
    count = page.locator("#threshold-count strong")  # type: ignore[attr-defined]
    count.filter(has_text=str(above)).wait_for()
    assert page.locator("#threshold-value").inner_text() == "60%"  # type: ignore[attr-defined]
    slider.press("ArrowRight")
    page.wait_for_url(lambda url: query_of(url).get("threshold") == "61")  # type: ignore[attr-defined]
    above = Match.objects.filter(job=job, similarity__gte=61).count()
    count.filter(has_text=str(above)).wait_for()
    assert query_of(page.url).get("page", "1") == "1"  # type: ignore[attr-defined]

    # Page 2 at that threshold, through the pagination link.
    page.click("nav.pagination a[rel=next]")  # type: ignore[attr-defined]
    page.wait_for_url(lambda url: query_of(url).get("page") == "2")  # type: ignore[attr-defined]
    page.locator(".page-info", has_text="Page 2").wait_for()  # type: ignore[attr-defined]
    assert query_of(page.url)["threshold"] == "61"  # type: ignore[attr-defined]
    assert page.locator(".card").count() == above - 50  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / "job-page-2.png"))  # type: ignore[attr-defined]
    assert_boxes_over_faces(page)

    # Back: page 1 at 61, the slider where it was.
    page.go_back()  # type: ignore[attr-defined]
    page.wait_for_url(lambda url: query_of(url).get("page", "1") == "1")  # type: ignore[attr-defined]
    page.locator(".page-info", has_text="Page 1").wait_for()  # type: ignore[attr-defined]
    assert page.locator(".card").count() == 50  # type: ignore[attr-defined]
    assert slider.input_value() == "61"
    assert query_of(page.url)["threshold"] == "61"  # type: ignore[attr-defined]


def test_the_jobs_list_shows_each_job_with_its_face_and_status(
    live_server: object, browser_page: object
) -> None:
    page = browser_page
    make_user("analyst")
    job = job_with_stored_frames(12)
    make_job(status="processing", match_total=None)
    make_job(status="failed", match_total=None)
    base = live_server.url  # type: ignore[attr-defined]
    log_in(page, base, "analyst")
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert page.locator("table.jobs tbody tr").count() == 3  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / "jobs-list.png"))  # type: ignore[attr-defined]

    page.select_option("#id_status", "completed")  # type: ignore[attr-defined]
    page.wait_for_url(lambda url: query_of(url).get("status") == "completed")  # type: ignore[attr-defined]
    page.locator("table.jobs tbody tr").first.wait_for()  # type: ignore[attr-defined]
    assert page.locator("table.jobs tbody tr").count() == 1  # type: ignore[attr-defined]
    page.click(f"a[href='/jobs/{job.api_id}/']")  # type: ignore[attr-defined]
    page.wait_for_url(f"{base}/jobs/{job.api_id}/")  # type: ignore[attr-defined]


def test_a_running_job_page_brings_in_the_gallery_when_the_job_completes(
    live_server: object, browser_page: object, settings: object
) -> None:
    from tests.review import fake_api

    api = fake_api.FakeFaceApi()
    settings.FACE_API_URL = "http://api.test/v1"  # type: ignore[attr-defined]
    settings.FACE_API_TRANSPORT = "tests.review.fake_api.FakeTransport"  # type: ignore[attr-defined]
    settings.FACE_API_MAX_RETRIES = 0  # type: ignore[attr-defined]
    settings.REVIEW_SYNC_INTERVAL = 1.0  # type: ignore[attr-defined]
    fake_api.current = api
    try:
        page = browser_page
        make_user("analyst")
        job = make_job(status="processing", match_total=None)
        remote = api.add_job(job.api_id, "processing")
        base = live_server.url  # type: ignore[attr-defined]
        log_in(page, base, "analyst")
        page.goto(f"{base}/jobs/{job.api_id}/")  # type: ignore[attr-defined]
        page.locator(".state-pending").wait_for()  # type: ignore[attr-defined]
        page.screenshot(path=str(ARTIFACTS / "job-page-processing.png"))  # type: ignore[attr-defined]

        remote.status = "completed"
        remote.results = fake_api.make_results(7, thumbnails=False)
        page.locator(".card").first.wait_for(timeout=15_000)  # type: ignore[attr-defined]

        assert page.locator(".card").count() == 7  # type: ignore[attr-defined]
        assert page.locator("#status-badge").inner_text() == "Completed"  # type: ignore[attr-defined]
        assert page.locator("#threshold").is_visible()  # type: ignore[attr-defined]
    finally:
        fake_api.current = None
