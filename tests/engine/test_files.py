from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import override_settings

from facematch_ui.engine.models import File
from tests.engine.conftest import Api
from tests.engine.media import jpeg_bytes


def test_it_stores_and_probes_an_uploaded_video(api: Api, clip: Path) -> None:
    reply = api.upload(clip.read_bytes(), name="../../etc/My Clip?.mp4", metadata='{"case": 7}')
    assert reply.status == 200
    body = reply.body
    assert body["uri"] == f"cloudglue://files/{body['id']}"
    assert body["filename"] == "My Clip_.mp4"
    assert body["bytes"] == clip.stat().st_size
    assert body["metadata"] == {"case": 7}
    assert body["status"] == "completed"
    assert body["created_at"] > 1e12  # milliseconds
    info = body["media_info"]
    assert (info["width"], info["height"]) == (160, 120)
    assert abs(info["duration_seconds"] - 2.0) < 0.3
    assert info["has_audio"] is False
    assert body["video_info"] == info
    stored = Path(settings.MEDIA_ROOT) / File.objects.get(pk=body["id"]).path
    assert stored.read_bytes() == clip.read_bytes()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT) / "files")


def test_it_refuses_a_non_video_with_415(api: Api) -> None:
    reply = api.upload(jpeg_bytes(), name="photo.jpg")
    assert reply.status == 415
    assert reply.body["error"].startswith("Unsupported file type")
    assert File.objects.count() == 0


def test_it_refuses_random_bytes_with_415(api: Api) -> None:
    reply = api.upload(b"\x00garbage" * 500, name="clip.mp4")
    assert reply.status == 415


def test_it_refuses_a_truncated_video(api: Api, clip: Path) -> None:
    reply = api.upload(clip.read_bytes()[:300], name="clip.mp4")
    assert reply.status == 415
    assert reply.body["error"]


def test_it_refuses_an_empty_file(api: Api) -> None:
    reply = api.upload(b"", name="clip.mp4")
    assert reply.status == 400
    assert "empty" in reply.body["error"]


def test_it_refuses_an_oversize_upload(api: Api, clip: Path) -> None:
    with override_settings(MAX_UPLOAD_BYTES=1000):
        reply = api.upload(clip.read_bytes())
    assert reply.status == 400
    assert reply.body["error"].startswith("File too large")
    assert "limit 1000 bytes" in reply.body["error"]
    assert File.objects.count() == 0


def test_it_needs_the_file_field(api: Api) -> None:
    reply = api.call("POST", "/v1/files", data={"other": "x"})
    assert reply.status == 400
    assert "'file'" in reply.body["error"]


def test_it_refuses_metadata_that_is_not_a_json_object(api: Api, clip: Path) -> None:
    reply = api.upload(clip.read_bytes(), metadata="[1, 2")
    assert reply.status == 400
    assert "metadata" in reply.body["error"]


def test_it_lists_files_newest_first_with_pagination(api: Api, clip: Path) -> None:
    ids = [api.upload(clip.read_bytes()).body["id"] for _ in range(3)]
    reply = api.get("/v1/files?limit=2&offset=1")
    assert reply.status == 200
    assert reply.body["total"] == 3 and reply.body["limit"] == 2 and reply.body["offset"] == 1
    assert [f["id"] for f in reply.body["data"]] == [ids[1], ids[0]]


def test_it_filters_files_by_status_and_date(api: Api, uploaded: dict[str, Any]) -> None:
    assert api.get("/v1/files?status=failed").body["total"] == 0
    assert api.get("/v1/files?created_after=2000-01-01").body["total"] == 1
    assert api.get("/v1/files?created_before=2000-01-01").body["total"] == 0


def test_list_parameters_out_of_range_are_400(api: Api) -> None:
    for query in ("limit=0", "limit=101", "limit=ten", "offset=-1", "created_after=May"):
        reply = api.get(f"/v1/files?{query}")
        assert reply.status == 400, query
        assert reply.body["error"]


def test_unknown_and_malformed_ids_are_404(api: Api) -> None:
    assert api.get(f"/v1/files/{uuid.uuid4()}").status == 404
    reply = api.get("/v1/files/not-a-uuid")
    assert reply.status == 404
    assert "not found" in reply.body["error"]


def test_it_updates_metadata_and_filename(api: Api, uploaded: dict[str, Any]) -> None:
    reply = api.put(f"/v1/files/{uploaded['id']}", json={"metadata": {"a": 1}, "filename": "x.mp4"})
    assert reply.status == 200
    assert reply.body["metadata"] == {"a": 1} and reply.body["filename"] == "x.mp4"
    bad = api.put(f"/v1/files/{uploaded['id']}", data="{nope", content_type="application/json")
    assert bad.status == 400


def test_deleting_a_file_removes_its_folder(api: Api, uploaded: dict[str, Any]) -> None:
    folder = Path(settings.MEDIA_ROOT) / "files" / uploaded["id"]
    assert folder.exists()
    reply = api.delete(f"/v1/files/{uploaded['id']}")
    assert reply.status == 200 and reply.body == {"id": uploaded["id"], "object": "file"}
    assert not folder.exists()
    assert api.get(f"/v1/files/{uploaded['id']}").status == 404


def test_json_round_trip_of_a_file(api: Api, uploaded: dict[str, Any]) -> None:
    assert json.loads(json.dumps(api.get(f"/v1/files/{uploaded['id']}").body)) == uploaded
