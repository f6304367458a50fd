from __future__ import annotations

import base64
import uuid
from typing import Any

from django.test import Client

from facematch_ui.engine.models import FaceMatch
from tests.engine.conftest import FACE_BOX, SOURCE_BOX, Api, FakeFaces
from tests.engine.media import bomb_png, jpeg_bytes

PHOTO = base64.b64encode(jpeg_bytes((64, 64))).decode()
FIVE_FPS = {"strategy": "uniform", "uniform_config": {"frames_per_second": 5}}
BLANK_SMALL = base64.b64encode(jpeg_bytes((40, 40))).decode()  # no face


def _match(api: Api, file: dict[str, Any], **extra: Any) -> Any:
    body = {
        "source_image": {"base64_image": PHOTO},
        "target_video_url": file["uri"],
        "frame_extraction_config": FIVE_FPS,
        **extra,
    }
    return api.post("/v1/face-match", json=body)


def test_it_finds_the_person_in_every_other_frame(
    api: Api, uploaded: dict[str, Any], fake_faces: FakeFaces
) -> None:
    created = _match(api, uploaded)
    assert created.status == 200
    job_id = created.body["face_match_id"]
    reply = api.get(f"/v1/face-match/{job_id}")
    body = reply.body
    assert body["status"] == "completed"
    assert body["file_id"] == uploaded["id"]
    assert body["source_face_bounding_box"] == {
        "top": SOURCE_BOX.top, "left": SOURCE_BOX.left,
        "width": SOURCE_BOX.width, "height": SOURCE_BOX.height,
    }  # fmt: skip
    data = body["data"]
    assert data["object"] == "list" and data["total"] == 5  # frames 0, 2, 4, 6, 8 of 10
    matches = data["faces_matches"]
    assert [m["timestamp"] for m in matches] == [0.0, 0.4, 0.8, 1.2, 1.6]
    assert all(m["similarity"] > 99 for m in matches)
    assert matches[0]["face_bounding_box"]["left"] == FACE_BOX.left
    thumbnail = Client().get(matches[0]["thumbnail_url"])  # no bearer token needed
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    assert b"".join(thumbnail.streaming_content)[:2] == b"\xff\xd8"
    listing = api.get("/v1/face-match").body
    assert listing["data"][0]["job_id"] == job_id and listing["data"][0]["match_count"] == 5


def test_it_pages_results_and_honours_max_faces(
    api: Api, uploaded: dict[str, Any], fake_faces: FakeFaces
) -> None:
    job_id = _match(api, uploaded, max_faces=3).body["face_match_id"]
    page = api.get(f"/v1/face-match/{job_id}?limit=2&offset=1").body["data"]
    assert page["total"] == 3 and page["limit"] == 2 and page["offset"] == 1
    assert [m["timestamp"] for m in page["faces_matches"]] == [0.4, 0.8]


def test_a_second_match_reuses_the_detection_without_decoding(
    api: Api, uploaded: dict[str, Any], fake_faces: FakeFaces
) -> None:
    first = api.get(f"/v1/face-match/{_match(api, uploaded).body['face_match_id']}").body
    decoded = fake_faces.analysed_frames
    second = _match(api, uploaded, face_detection_id=first["face_detection_id"]).body
    assert fake_faces.analysed_frames == decoded  # vectors compared, video untouched
    assert second["status"] == "completed"
    assert second["face_detection_id"] == first["face_detection_id"]
    assert second["data"]["total"] == first["data"]["total"]


def test_a_source_image_without_a_face_fails_the_job_clearly(
    api: Api, uploaded: dict[str, Any], fake_faces: FakeFaces
) -> None:
    body = {"source_image": {"base64_image": BLANK_SMALL}, "target_video_url": uploaded["uri"]}
    job_id = api.post("/v1/face-match", json=body).body["face_match_id"]
    reply = api.get(f"/v1/face-match/{job_id}").body
    assert reply["status"] == "failed"
    assert "No face was found in the source image" in reply["error"]
    assert reply["source_face_bounding_box"] is None and "data" not in reply
    # The worker is fine: the next job runs.
    assert (
        api.get(f"/v1/face-match/{_match(api, uploaded).body['face_match_id']}").body["status"]
        == "completed"
    )


def test_a_pipeline_crash_fails_the_job_and_the_next_one_runs(
    api: Api, uploaded: dict[str, Any], fake_faces: FakeFaces
) -> None:
    fake_faces.fail_at_frame = 3
    failed = _match(api, uploaded).body
    assert failed["status"] == "failed"
    assert "decoder exploded" in FaceMatch.objects.get(pk=failed["face_match_id"]).error
    fake_faces.fail_at_frame = None
    assert _match(api, uploaded).body["status"] == "completed"


def test_bad_source_images_are_400(api: Api, uploaded: dict[str, Any]) -> None:
    cases = {
        "not base64": {"base64_image": "@@@not base64@@@"},
        "not an image": {"base64_image": base64.b64encode(b"hello world").decode()},
        "bomb": {"base64_image": base64.b64encode(bomb_png()).decode()},
        "both": {"base64_image": PHOTO, "url": "https://example.com/a.jpg"},
        "neither": {},
    }
    for name, source in cases.items():
        body = {"source_image": source, "target_video_url": uploaded["uri"]}
        reply = api.post("/v1/face-match", json=body)
        assert reply.status == 400, name
        assert reply.body["error"], name
    assert FaceMatch.objects.count() == 0


def test_a_remote_source_url_is_refused_when_remote_urls_are_off(
    api: Api, uploaded: dict[str, Any]
) -> None:
    body = {
        "source_image": {"url": "http://169.254.169.254/x"},
        "target_video_url": uploaded["uri"],
    }
    reply = api.post("/v1/face-match", json=body)
    assert reply.status == 400 and "Remote URLs are disabled" in reply.body["error"]


def test_bad_requests_get_clear_errors(api: Api, uploaded: dict[str, Any]) -> None:
    unknown = f"cloudglue://files/{uuid.uuid4()}"
    assert _match(api, {"uri": unknown}).status == 404
    assert _match(api, {"uri": "ftp://x/y.mp4"}).status == 400
    assert _match(api, uploaded, max_faces=0).status == 400
    assert _match(api, uploaded, max_faces=4001).status == 400
    assert _match(api, uploaded, face_detection_id="nope").status == 400
    assert _match(api, uploaded, face_detection_id=str(uuid.uuid4())).status == 404
    bad_json = api.post("/v1/face-match", data="{", content_type="application/json")
    assert bad_json.status == 400 and "not valid JSON" in bad_json.body["error"]
    form = api.post("/v1/face-match", data={"a": "b"})
    assert form.status == 400
    assert api.post("/v1/face-match", json=[1]).status == 400


def test_a_detection_of_another_file_is_refused(
    api: Api, uploaded: dict[str, Any], clip: Any, fake_faces: FakeFaces
) -> None:
    other = api.upload(clip.read_bytes()).body
    first = _match(api, other).body
    reply = _match(api, uploaded, face_detection_id=first["face_detection_id"])
    assert reply.status == 400 and "another file" in reply.body["error"]


def test_get_and_delete_of_a_match(
    api: Api, uploaded: dict[str, Any], fake_faces: FakeFaces
) -> None:
    job_id = _match(api, uploaded).body["face_match_id"]
    assert api.get(f"/v1/face-match/{job_id}?limit=0").status == 400
    assert api.get(f"/v1/face-match/{job_id}?offset=x").status == 400
    assert api.get("/v1/face-match/123").status == 404
    deleted = api.delete(f"/v1/face-match/{job_id}")
    assert deleted.body == {"face_match_id": job_id, "object": "face_match"}
    assert api.get(f"/v1/face-match/{job_id}").status == 404


def test_thumbnail_links_with_a_bad_signature_are_refused(
    api: Api, uploaded: dict[str, Any], fake_faces: FakeFaces
) -> None:
    job_id = _match(api, uploaded).body["face_match_id"]
    url = api.get(f"/v1/face-match/{job_id}").body["data"]["faces_matches"][0]["thumbnail_url"]
    assert url.startswith("http://testserver/v1/thumbnails/")
    tampered = Client().get(url[:-3] + "abc")
    assert tampered.status_code == 403 and "error" in tampered.json()
    other_frame = Client().get(f"/v1/thumbnails/{uuid.uuid4()}.jpg?{url.split('?')[1]}")
    assert other_frame.status_code == 403
    assert Client().get("/v1/thumbnails/zzz.jpg").status_code == 404
