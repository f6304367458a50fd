"""Upload limits on /v1/files: size refused before the body is read, type by content.

The dashboard's side (a non-image photo is a 400 form error on New face
match) is specified in tests/review/test_new_match_views.py
(test_bad_input_is_a_400_with_a_clear_message_and_nothing_is_sent).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import multipartparser
from django.test import Client

from facematch_ui.engine import keys
from facematch_ui.engine.models import File

pytestmark = pytest.mark.django_db


def _upload(content: bytes, name: str = "clip.mp4") -> Any:
    key = keys.create_key("uploads")[1]
    return Client().post(
        "/v1/files",
        {"file": SimpleUploadedFile(name, content, content_type="video/mp4")},
        headers={"Authorization": f"Bearer {key}"},
    )


def test_an_oversize_upload_is_refused_before_the_body_is_parsed(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MAX_UPLOAD_BYTES = 1000

    def parse(self: Any) -> Any:
        raise AssertionError("the multipart body was read")

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", parse)
    response = _upload(b"\0" * 200_000)
    assert response.status_code == 400
    assert response.json()["error"].startswith("File too large:")
    assert "limit 1000 bytes" in response.json()["error"]
    assert not File.objects.exists()


def test_an_upload_just_over_the_limit_is_refused_after_streaming(settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 1000
    response = _upload(b"\0" * 1001)
    assert response.status_code == 400
    assert "File too large" in response.json()["error"]
    assert not File.objects.exists()


def test_a_file_that_is_not_a_video_is_415() -> None:
    response = _upload(b"MZ\x90\x00 not a video at all" * 50, name="invoice.mp4")
    assert response.status_code == 415
    assert response.json()["error"].startswith("Unsupported file type")
    assert not File.objects.exists()
