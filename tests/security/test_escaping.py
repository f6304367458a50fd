"""Hostile strings from users and from the face API render escaped, everywhere.

Each string goes in where an attacker could put it (a filename, a note, a
user name, an API error, a match id) and every page, partial and export
that shows it is searched for the raw markup.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpResponseBase
from django.test import Client

from facematch_ui.review.models import Job, JobStatus, Match, ThumbnailState
from facematch_ui.review.sharing import create_share_link
from tests.review import fake_api
from tests.review.factories import make_job, make_matches, make_user
from tests.review.fake_api import FakeFaceApi
from tests.review.triage_factories import give_verdicts

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
HOSTILE = (SCRIPT, BREAKOUT)


def body(response: HttpResponseBase) -> str:
    if response.streaming:  # type: ignore[attr-defined]
        return b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return response.content.decode()


def assert_escaped(response: HttpResponseBase, *, shown: bool = True) -> None:
    assert response.status_code != 500
    html = body(response)
    for raw in HOSTILE:
        assert raw not in html, f"unescaped {raw!r} in {response}"
    assert "<img src=x" not in html and "<script>alert" not in html
    if shown:  # the page does show the string, escaped (not merely leaves it out)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;img src=x" in html


@pytest.fixture
def face_api(settings: Any) -> Iterator[FakeFaceApi]:
    api = FakeFaceApi()
    settings.FACE_API_URL = fake_api.API_URL
    settings.FACE_API_KEY = "test-key"
    settings.FACE_API_TRANSPORT = "tests.review.fake_api.FakeTransport"
    settings.FACE_API_MAX_RETRIES = 0
    fake_api.current = api
    yield api
    fake_api.current = None


@pytest.fixture
def hostile_user() -> Any:
    return make_user(BREAKOUT)


@pytest.fixture
def analyst(hostile_user: Any) -> Client:
    client = Client()
    client.force_login(hostile_user)
    return client


@pytest.fixture
def hostile_job(hostile_user: Any) -> Job:
    """A job whose API id is fine but whose texts and match ids are hostile."""
    job = make_job(sync_error=SCRIPT, failure_message=SCRIPT)
    make_matches(job, 2)
    Match.objects.filter(job=job, api_id="m-000000").update(
        api_id=BREAKOUT, thumbnail_state=ThumbnailState.STORED
    )
    give_verdicts(job, {BREAKOUT: "confirmed"}, hostile_user)
    match = Match.objects.get(job=job, api_id=BREAKOUT)
    match.verdict.note = SCRIPT
    match.verdict.save(update_fields=["note"])
    match.verdict_changes.update(note=SCRIPT)
    return job


def test_uploaded_filenames_render_escaped_on_new_match(
    face_api: FakeFaceApi, analyst: Client
) -> None:
    face_api.add_file(filename=f"{SCRIPT}.mp4")
    face_api.add_file(filename=f"{BREAKOUT}.mp4", metadata={"camera": SCRIPT})
    assert_escaped(analyst.get("/new/"))
    assert_escaped(analyst.get("/new/", headers={"HX-Request": "true"}))


def test_an_api_error_message_renders_escaped(face_api: FakeFaceApi, analyst: Client) -> None:
    job_id = str(uuid.uuid4())
    face_api.failures[job_id] = (400, f"bad id {SCRIPT} {BREAKOUT}")
    response = analyst.get("/open/", {"id": job_id})
    assert response.status_code == 502
    assert_escaped(response)


def test_a_failed_jobs_reason_from_the_api_renders_escaped(
    face_api: FakeFaceApi, analyst: Client
) -> None:
    job = face_api.add_job(str(uuid.uuid4()), status="failed")
    job.error = f"{SCRIPT} {BREAKOUT}"
    response = analyst.get("/open/", {"id": job.id}, follow=True)
    assert Job.objects.get(api_id=job.id).status == JobStatus.FAILED
    assert_escaped(response)


def test_a_hostile_id_typed_into_open_renders_escaped(analyst: Client) -> None:
    response = analyst.get("/open/", {"id": BREAKOUT})
    assert response.status_code == 400
    assert_escaped(response, shown=False)


def test_every_dashboard_page_shows_hostile_texts_escaped(
    analyst: Client, hostile_job: Job
) -> None:
    base = f"/jobs/{hostile_job.api_id}"
    match = f"{base}/matches/%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E"
    htmx = {"HX-Request": "true"}
    pages = [
        analyst.get("/"),
        analyst.get(f"{base}/"),
        analyst.get(f"{base}/", headers=htmx),
        analyst.get(f"{base}/status/", headers=htmx),
        analyst.get(f"{match}/"),
        analyst.get(f"{match}/", headers=htmx),
        analyst.get(f"{base}/appearances/"),
    ]
    for response in pages:
        assert_escaped(response, shown=False)
    assert_escaped(pages[1])  # the job page shows the API's reason and sync error
    assert_escaped(pages[4])  # the detail shows the note and who set it


def test_a_share_links_creator_name_renders_escaped(analyst: Client, hostile_job: Job) -> None:
    create_share_link(hostile_job, make_user(SCRIPT))
    assert_escaped(analyst.get(f"/jobs/{hostile_job.api_id}/shares/"))


def test_shared_pages_render_hostile_texts_escaped(hostile_job: Job) -> None:
    _link, token = create_share_link(hostile_job, make_user(SCRIPT))
    visitor = Client()
    match = f"/s/{token}/matches/%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E/"
    for response in (
        visitor.get(f"/s/{token}/"),
        visitor.get(f"/s/{token}/", headers={"HX-Request": "true"}),
        visitor.get(match),
    ):
        assert response.status_code == 200
        assert_escaped(response, shown=False)


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("csv", "text/csv"), ("json", "application/json")]
)
def test_exports_are_downloads_a_browser_will_not_render(
    analyst: Client, hostile_job: Job, fmt: str, content_type: str
) -> None:
    response = analyst.get(f"/jobs/{hostile_job.api_id}/export.{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert SCRIPT in body(response) or "\\u003cscript" in body(response)  # data, kept as data
