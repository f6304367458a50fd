from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.test import Client

from facematch_ui.engine import frames, keys, runner
from facematch_ui.engine.pipeline.decode import sample_frames
from facematch_ui.engine.pipeline.thumbnails import frame_thumbnail
from facematch_ui.engine.pipeline.types import (
    AnalysedFrame,
    Box,
    Face,
    MediaProbe,
    SamplingConfig,
    SourceFace,
)
from tests.engine.media import solid_video
from tests.engine.spec import spec, validate_response


def _template_regexes() -> list[tuple[re.Pattern[str], str]]:
    patterns = []
    for template in spec()["paths"]:
        regex = re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template))
        patterns.append((re.compile(f"^/v1{regex}$"), template))
    return patterns


@dataclass
class Reply:
    status: int
    body: Any


class Api:
    """A /v1 client that validates every reply against the spec."""

    def __init__(self, client: Client, key: str | None) -> None:
        self.client = client
        self.key = key
        self._templates = _template_regexes()

    def _template(self, path: str) -> str:
        bare = path.split("?", 1)[0]
        for regex, template in self._templates:
            if regex.match(bare):
                return template
        raise AssertionError(f"{path} is not a path of the spec")

    def call(self, method: str, path: str, *, key: str | None = "default", **kwargs: Any) -> Reply:
        headers = dict(kwargs.pop("headers", {}))
        token = self.key if key == "default" else key
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if "json" in kwargs:
            kwargs["data"] = json.dumps(kwargs.pop("json"))
            kwargs["content_type"] = "application/json"
        response = getattr(self.client, method.lower())(path, headers=headers, **kwargs)
        assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
        body = response.json()
        template = self._template(path)
        operations = spec()["paths"][template]
        if method.lower() in operations:
            validate_response(method, template, response.status_code, body)
        else:
            assert response.status_code == 405
            assert set(body) == {"error"}
        return Reply(response.status_code, body)

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Reply:
        return self.call("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Reply:
        return self.call("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Reply:
        return self.call("DELETE", path, **kwargs)

    def upload(self, content: bytes, name: str = "clip.mp4", **fields: Any) -> Reply:
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = {"file": SimpleUploadedFile(name, content), **fields}
        return self.call("POST", "/v1/files", data=data)


@pytest.fixture
def api_key(db: None) -> str:
    return keys.create_key("tests")[1]


@pytest.fixture
def api(api_key: str) -> Api:
    return Api(Client(), api_key)


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """2 s of changing solid colour at 5 fps, 160x120, MPEG-4."""
    return solid_video(tmp_path / "clip.mp4")


@pytest.fixture
def uploaded(api: Api, clip: Path) -> dict[str, Any]:
    reply = api.upload(clip.read_bytes())
    assert reply.status == 200, reply.body
    return reply.body


# --- A face detector double: real decoding, known faces ---------------------------

PERSON = np.zeros(128, dtype=np.float32)
PERSON[0] = 1.0
STRANGER = np.zeros(128, dtype=np.float32)
STRANGER[1] = 1.0
FACE_BOX = Box(top=0.1, left=0.2, width=0.3, height=0.4)
SOURCE_BOX = Box(top=0.25, left=0.25, width=0.5, height=0.5)


@dataclass
class FakeFaces:
    """Every sampled frame shows one face: the person on even frames, a stranger on odd."""

    analysed_frames: int = 0
    fail_at_frame: int | None = None

    def analyse_video(
        self,
        path: Path,
        config: SamplingConfig,
        *,
        detector: str = "hog",
        thumbnails: bool = True,
        workers: int | None = None,
    ) -> Iterator[AnalysedFrame]:
        for sampled in sample_frames(path, config):
            if self.fail_at_frame is not None and sampled.index == self.fail_at_frame:
                raise RuntimeError("decoder exploded")
            self.analysed_frames += 1
            embedding = PERSON if sampled.index % 2 == 0 else STRANGER
            height, width = sampled.image.shape[:2]
            yield AnalysedFrame(
                index=sampled.index,
                timestamp=sampled.timestamp,
                width=width,
                height=height,
                faces=(Face(box=FACE_BOX, embedding=embedding),),
                thumbnail_jpeg=frame_thumbnail(sampled.image, 640) if thumbnails else None,
            )

    def count_sampled_frames(self, probe: MediaProbe, config: SamplingConfig) -> int:
        start = config.start_seconds or 0.0
        end = min(config.end_seconds or 1e9, probe.duration_seconds or 0.0)
        return max(0, round((end - start) * config.frames_per_second))


@pytest.fixture
def fake_faces(monkeypatch: pytest.MonkeyPatch) -> FakeFaces:
    """Detection replaced (fast, deterministic); decoding, storage and matching are real.

    The source image "shows" the person when it is at least 48 px wide; a
    smaller image has no face (the real find_source_face is tested too).
    """
    fake = FakeFaces()
    monkeypatch.setattr(frames, "analyse_video", fake.analyse_video)
    monkeypatch.setattr(frames, "count_sampled_frames", fake.count_sampled_frames)
    real_find = runner.find_source_face

    def find_source_face(data: bytes, **kwargs: Any) -> SourceFace:
        from facematch_ui import imaging

        width, _height = imaging.image_size(data)
        if width < 48:
            return real_find(data, **kwargs)  # raises NoFaceFound on a blank image
        return SourceFace(box=SOURCE_BOX, embedding=PERSON)

    monkeypatch.setattr(runner, "find_source_face", find_source_face)
    return fake
