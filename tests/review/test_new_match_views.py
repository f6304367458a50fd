"""The "New face match" page: the form, its validation, and starting the job."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from facematch_ui.review.models import Job, JobStatus
from facematch_ui.review.thumbnails import source_image_file
from tests.engine.media import bomb_png, jpeg_bytes
from tests.review.factories import make_user
from tests.review.fake_api import FakeFaceApi

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thumbnail_dir")]

VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40  # what the fake API stores
PHOTO = jpeg_bytes((120, 90))


@pytest.fixture
def analyst_user() -> AbstractBaseUser:
    return make_user("ana")  # a started job records who added it


def video_upload(name: str = "lobby.mp4", content: bytes = VIDEO) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="video/mp4")


def photo_upload(content: bytes = PHOTO, name: str = "face.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def post(client: Client, **fields: Any) -> Any:
    data: dict[str, Any] = {"photo": photo_upload(), "frames_per_second": "1"}
    data.update(fields)
    return client.post("/new/", {k: v for k, v in data.items() if v is not None})


def api_writes(api: FakeFaceApi) -> list[str]:
    return [f"{r.method} {r.url.path}" for r in api.requests if r.method != "GET"]


# --- The form ------------------------------------------------------------------------


def test_a_stranger_is_sent_to_the_login_page(client: Client) -> None:
    for response in (client.get("/new/"), client.post("/new/")):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=/new/")


def test_the_form_offers_an_upload_a_photo_and_the_videos_already_uploaded(
    analyst: Client, face_api: FakeFaceApi
) -> None:
    lobby = face_api.add_file("lobby.mp4")
    face_api.add_file("broken.mp4", status="failed")

    response = analyst.get("/new/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="csrfmiddlewaretoken"' in html
    assert 'type="file" name="video" accept="video/*"' in html
    assert 'type="file" name="photo" accept="image/*" required' in html
    assert f'<option value="{lobby["id"]}">lobby.mp4 · 0:42 · 2024-05-01 12:00</option>' in html
    assert "broken.mp4" not in html  # a failed upload cannot be matched
    assert 'name="frames_per_second" value="1.0"' in html
    assert 'href="/new/" aria-current="page">New face match' in html


def test_an_unreachable_api_is_shown_inline_and_upload_stays_possible(
    analyst: Client, face_api: FakeFaceApi
) -> None:
    face_api.refusals["GET /files"] = (503, "down for maintenance")

    html = analyst.get("/new/").content.decode()

    assert "Could not list the videos already uploaded" in html
    assert "down for maintenance" in html and "You can still upload a video." in html
    assert 'name="video"' in html and 'name="file_id"' not in html


# --- Validation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Choose a video: upload one, or pick one already uploaded."),  # no video at all
        ({"file_id": "x/../y"}, "That is not the id of an uploaded video."),
        ({"frames_per_second": "0.05"}, "greater than or equal to 0.1"),
        ({"frames_per_second": "11"}, "less than or equal to 10"),
        ({"frames_per_second": "fast"}, "Enter a number."),
        ({"photo": None}, "Choose a photo of the face to look for."),
        ({"photo": photo_upload(b"GIF? no, a text file")}, "not an image we can read"),
        ({"photo": photo_upload(bomb_png(), "bomb.png")}, "The image is too large to process"),
        ({"photo": photo_upload(PHOTO[:-120])}, "damaged or truncated"),  # header intact
    ],
)
def test_bad_input_is_a_400_with_a_clear_message_and_nothing_is_sent(
    analyst: Client, face_api: FakeFaceApi, fields: dict[str, Any], message: str
) -> None:
    lobby = face_api.add_file("lobby.mp4")
    if fields:  # every other case picks a valid video, so only its own problem shows
        fields.setdefault("file_id", lobby["id"])

    response = post(analyst, **fields)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Choose the files again" in html
    assert api_writes(face_api) == []
    assert not Job.objects.exists()


def test_a_video_and_an_uploaded_one_together_are_refused(
    analyst: Client, face_api: FakeFaceApi
) -> None:
    lobby = face_api.add_file("lobby.mp4")
    response = post(analyst, video=video_upload(), file_id=lobby["id"])
    assert response.status_code == 400
    assert "Upload a new video or pick an uploaded one, not both." in response.content.decode()
    assert api_writes(face_api) == []


def test_the_typed_values_survive_a_refused_form(analyst: Client, face_api: FakeFaceApi) -> None:
    lobby = face_api.add_file("lobby.mp4")
    html = post(analyst, file_id=lobby["id"], frames_per_second="2.5", photo=None).content.decode()
    assert 'name="frames_per_second" value="2.5"' in html
    assert f'<option value="{lobby["id"]}" selected>' in html


# --- Starting the job ------------------------------------------------------------------


def test_an_uploaded_video_starts_a_job_and_opens_its_page(
    analyst: Client, face_api: FakeFaceApi
) -> None:
    response = post(analyst, video=video_upload("lobby.mp4"), frames_per_second="2.5")

    assert response.status_code == 303
    ((file_id, video),) = face_api.uploads.items()
    assert video == VIDEO  # the bytes reached the API unchanged
    assert face_api.files[file_id]["filename"] == "lobby.mp4"
    (created,) = face_api.created
    assert created["target_video_url"] == f"cloudglue://files/{file_id}"
    assert created["frame_extraction_config"]["uniform_config"]["frames_per_second"] == 2.5
    photo = base64.b64decode(created["source_image"]["base64_image"])
    assert photo[:2] == b"\xff\xd8"  # sent as JPEG

    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.api_id}/"
    assert job.status == JobStatus.PENDING and job.file_id == file_id
    assert job.added_by is not None and job.added_by.get_username() == "ana"
    assert source_image_file(job, "full") is not None

    page = analyst.get(response["Location"]).content.decode()
    assert f'hx-get="/jobs/{job.api_id}/status/" hx-trigger="every 2s"' in page


def test_a_video_already_uploaded_is_matched_without_uploading_again(
    analyst: Client, face_api: FakeFaceApi
) -> None:
    lobby = face_api.add_file("lobby.mp4")

    response = post(analyst, file_id=lobby["id"])

    assert response.status_code == 303
    assert api_writes(face_api) == ["POST /v1/face-match"]
    assert face_api.created[0]["target_video_url"] == f"cloudglue://files/{lobby['id']}"
    assert Job.objects.get().file_id == lobby["id"]


def test_the_api_refusing_the_video_is_a_400_with_its_message(
    analyst: Client, face_api: FakeFaceApi
) -> None:
    face_api.refusals["POST /files"] = (415, "The file is not a video we can read.")

    response = post(analyst, video=video_upload("notes.mp4"), frames_per_second="3")

    assert response.status_code == 400
    html = response.content.decode()
    assert "The face API refused the request" in html
    assert "The file is not a video we can read." in html
    assert "Choose the files again" in html
    assert 'name="frames_per_second" value="3"' in html
    assert face_api.created == [] and not Job.objects.exists()


def test_a_vanished_video_is_a_400_with_the_apis_message(
    analyst: Client, face_api: FakeFaceApi
) -> None:
    response = post(analyst, file_id="5b0e8a34-0000-4000-8000-00000000dead")
    assert response.status_code == 400
    assert "File 5b0e8a34-0000-4000-8000-00000000dead not found" in response.content.decode()


def test_an_api_failure_is_a_502_with_its_message_never_a_500(
    analyst: Client, face_api: FakeFaceApi
) -> None:
    lobby = face_api.add_file("lobby.mp4")
    face_api.refusals["POST /face-match"] = (500, "worker pool exhausted")

    response = post(analyst, file_id=lobby["id"])

    assert response.status_code == 502
    html = response.content.decode()
    assert "could not be reached or failed" in html and "worker pool exhausted" in html
    assert not Job.objects.exists()


def test_the_form_hands_the_upload_over_as_a_file_to_stream() -> None:
    from facematch_ui.review.forms import NewMatchForm

    video = video_upload()
    form = NewMatchForm({"frames_per_second": ""}, {"video": video, "photo": photo_upload()})
    assert form.is_valid(), form.errors
    request = form.match_request()

    assert request.video is not None
    assert request.video.content is video.file  # not read into bytes here
    assert (request.video.name, request.video.content_type) == ("lobby.mp4", "video/mp4")
    assert request.frames_per_second == 1.0 and request.file_id is None
    assert request.photo == PHOTO
