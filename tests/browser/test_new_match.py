"""New face match in a browser: the two video sources exclude each other, the
photo is previewed, and the job page then shows the frame progress live."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, log_in
from tests.engine.media import jpeg_bytes
from tests.review import fake_api
from tests.review.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_face_match_started_in_the_browser_shows_its_progress_live(
    live_server: Any, browser_page: Any, settings: Any, tmp_path: Path
) -> None:
    api = fake_api.FakeFaceApi()
    settings.FACE_API_URL = "http://api.test/v1"
    settings.FACE_API_TRANSPORT = "tests.review.fake_api.FakeTransport"
    settings.FACE_API_MAX_RETRIES = 0
    settings.REVIEW_SYNC_INTERVAL = 1.0
    settings.REVIEW_THUMBNAIL_DIR = tmp_path / "thumbnails"
    fake_api.current = api
    lobby = api.add_file("lobby.mp4")
    photo = tmp_path / "face.jpg"
    photo.write_bytes(jpeg_bytes((240, 320)))
    video = tmp_path / "street.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(4096))
    try:
        page = browser_page
        make_user("analyst")
        log_in(page, live_server.url, "analyst")
        page.click("text=New face match")
        page.wait_for_url(f"{live_server.url}/new/")

        page.select_option("#id_file_id", lobby["id"])
        page.set_input_files("#id_video", str(video))
        assert page.input_value("#id_file_id") == ""  # the upload replaced the pick
        page.select_option("#id_file_id", lobby["id"])
        assert page.evaluate("document.querySelector('#id_video').files.length") == 0

        page.set_input_files("#id_photo", str(photo))
        page.locator("#photo-preview").wait_for(state="visible")
        page.screenshot(path=str(ARTIFACTS / "new-match-filled.png"), full_page=True)

        page.click("form.new-match button[type=submit]")
        page.wait_for_url(f"{live_server.url}/jobs/*/")
        (remote,) = api.jobs.values()
        assert remote.file_id == lobby["id"]

        remote.status = "processing"
        remote.progress = {"frames_done": 12, "frames_total": 30}
        badge = page.locator("#status-badge .badge")
        badge.filter(has_text="12 of 30 frames").wait_for(timeout=15_000)
        assert page.locator("#status-badge progress").get_attribute("value") == "12"
        page.screenshot(path=str(ARTIFACTS / "job-page-progress.png"))

        remote.status, remote.progress = "failed", None
        remote.error = "No face was found in the source image."
        page.locator(".failure-message").wait_for(timeout=15_000)
        assert "No face was found" in page.locator(".failure-message").inner_text()
        assert badge.inner_text() == "Failed"
    finally:
        fake_api.current = None
