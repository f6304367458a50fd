from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client

from tests.engine.conftest import Api, FakeFaces

UNIFORM = {"strategy": "uniform", "uniform_config": {"frames_per_second": 2, "max_width": 80}}


def test_it_extracts_frames_with_signed_thumbnails(api: Api, uploaded: dict[str, Any]) -> None:
    created = api.post(f"/v1/files/{uploaded['id']}/frames", json=UNIFORM)
    assert created.status == 200
    extraction_id = created.body["frame_extraction_id"]
    body = api.get(f"/v1/frames/{extraction_id}").body
    assert body["status"] == "completed" and body["frame_count"] == 4
    assert body["frame_extraction_config"]["uniform_config"] == {
        "frames_per_second": 2.0,
        "max_width": 80,
    }
    frames = body["data"]["frames"]
    times = [f["timestamp"] for f in frames]
    assert len(times) == 4 and times[0] == 0.0 and times == sorted(times)
    image = Client().get(frames[0]["thumbnail_url"])
    assert image.status_code == 200
    listing = api.get(f"/v1/files/{uploaded['id']}/frames").body
    assert listing["total"] == 1 and listing["data"][0]["frame_extraction_id"] == extraction_id


def test_thumbnails_can_be_switched_off(api: Api, uploaded: dict[str, Any]) -> None:
    config = {**UNIFORM, "thumbnails_config": {"enable_frame_thumbnails": False}}
    extraction_id = api.post(f"/v1/files/{uploaded['id']}/frames", json=config).body[
        "frame_extraction_id"
    ]
    frames = api.get(f"/v1/frames/{extraction_id}").body["data"]["frames"]
    assert frames and all("thumbnail_url" not in f for f in frames)


def test_bad_extraction_configs_are_400(api: Api, uploaded: dict[str, Any]) -> None:
    url = f"/v1/files/{uploaded['id']}/frames"
    bad = [
        {"strategy": "scenes"},
        {"strategy": "uniform", "uniform_config": {"frames_per_second": 0}},
        {"strategy": "uniform", "uniform_config": {"frames_per_second": "5"}},
        {"strategy": "uniform", "uniform_config": {"max_width": 10}},
        {"strategy": "uniform", "start_time_seconds": 5, "end_time_seconds": 1},
        {"strategy": "uniform", "start_time_seconds": 60},
    ]
    for config in bad:
        reply = api.post(url, json=config)
        assert reply.status == 400, config
    assert api.post(f"/v1/files/{uuid.uuid4()}/frames", json=UNIFORM).status == 404


def test_deleting_an_extraction_removes_its_thumbnails(api: Api, uploaded: dict[str, Any]) -> None:
    extraction_id = api.post(f"/v1/files/{uploaded['id']}/frames", json=UNIFORM).body[
        "frame_extraction_id"
    ]
    folder = Path(settings.MEDIA_ROOT) / "files" / uploaded["id"] / "frames" / extraction_id
    assert any(folder.iterdir())
    assert api.delete(f"/v1/frames/{extraction_id}").body == {"id": extraction_id}
    assert not folder.exists()
    assert api.get(f"/v1/frames/{extraction_id}").status == 404


def test_face_detection_lists_faces_with_boxes(
    api: Api, uploaded: dict[str, Any], fake_faces: FakeFaces
) -> None:
    created = api.post(
        "/v1/face-detect", json={"url": uploaded["uri"], "frame_extraction_config": UNIFORM}
    )
    assert created.status == 200
    detection_id = created.body["face_detection_id"]
    body = api.get(f"/v1/face-detect/{detection_id}?limit=3").body
    assert body["status"] == "completed"
    assert body["data"]["total"] == 4 and len(body["data"]["faces"]) == 3
    assert body["data"]["faces"][0]["timestamp"] == 0.0
    listing = api.get("/v1/face-detect?status=completed").body
    assert listing["data"][0]["job_id"] == detection_id and listing["data"][0]["total_faces"] == 4
    assert api.get("/v1/face-detect?status=done").status == 400
    assert api.delete(f"/v1/face-detect/{detection_id}").body == {"id": detection_id}


def test_a_detection_reuses_an_extraction_of_the_same_file(
    api: Api, uploaded: dict[str, Any], clip: Path, fake_faces: FakeFaces
) -> None:
    extraction_id = api.post(f"/v1/files/{uploaded['id']}/frames", json=UNIFORM).body[
        "frame_extraction_id"
    ]
    reply = api.post(
        "/v1/face-detect", json={"url": uploaded["uri"], "frame_extraction_id": extraction_id}
    )
    assert reply.body["frame_extraction_id"] == extraction_id
    assert reply.body["data"]["total"] == 4
    other = api.upload(clip.read_bytes()).body
    refused = api.post(
        "/v1/face-detect", json={"url": other["uri"], "frame_extraction_id": extraction_id}
    )
    assert refused.status == 400 and "another file" in refused.body["error"]
