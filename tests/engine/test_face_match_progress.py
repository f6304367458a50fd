"""A running face match reports how many frames it has analysed (`progress`).

The spec's FaceMatch schema allows extra properties, so the body still
validates (the `api` fixture checks every reply against the spec).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from facematch_ui.engine import frames
from facematch_ui.engine.models import FaceDetection, FaceMatch, JobStatus
from facematch_ui.engine.pipeline.types import AnalysedFrame, SamplingConfig
from tests.engine.conftest import Api, FakeFaces
from tests.engine.media import jpeg_bytes

PHOTO = base64.b64encode(jpeg_bytes((64, 64))).decode()
FIVE_FPS = {"strategy": "uniform", "uniform_config": {"frames_per_second": 5}}


def _start(api: Api, uploaded: dict[str, Any]) -> dict[str, Any]:
    body = {
        "source_image": {"base64_image": PHOTO},
        "target_video_url": uploaded["uri"],
        "frame_extraction_config": FIVE_FPS,
    }
    reply = api.post("/v1/face-match", json=body)
    assert reply.status == 200, reply.body
    return reply.body


def test_progress_counts_up_while_the_match_runs_and_validates_against_the_spec(
    api: Api, uploaded: dict[str, Any], fake_faces: FakeFaces, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []

    def watched(
        path: Path, config: SamplingConfig, *, detector: str = "hog", **_tuning: Any
    ) -> Iterator[AnalysedFrame]:
        for analysed in fake_faces.analyse_video(path, config, detector=detector):
            running = FaceMatch.objects.get()
            seen.append(api.get(f"/v1/face-match/{running.pk}").body.get("progress"))
            yield analysed

    monkeypatch.setattr(frames, "analyse_video", watched)
    finished = _start(api, uploaded)

    # 2 s at 5 fps: 10 frames, each stored before the next is analysed.
    assert seen == [{"frames_done": i, "frames_total": 10} for i in range(10)]
    assert finished["status"] == "completed"
    assert "progress" not in finished


def test_progress_is_left_out_until_the_frame_count_is_known(
    api: Api, uploaded: dict[str, Any], fake_faces: FakeFaces
) -> None:
    job_id = _start(api, uploaded)["face_match_id"]
    match = FaceMatch.objects.get(pk=job_id)
    FaceMatch.objects.filter(pk=job_id).update(status=JobStatus.PROCESSING)
    FaceDetection.objects.filter(pk=match.face_detection_id).update(
        status=JobStatus.PROCESSING, frames_done=0, frames_total=None
    )
    body = api.get(f"/v1/face-match/{job_id}").body
    assert body["status"] == "processing" and "progress" not in body

    FaceDetection.objects.filter(pk=match.face_detection_id).update(frames_done=12, frames_total=30)
    body = api.get(f"/v1/face-match/{job_id}").body
    assert body["progress"] == {"frames_done": 12, "frames_total": 30}
    assert "data" not in body and body["source_face_bounding_box"] is None


def test_a_failed_match_says_why_and_has_no_progress(
    api: Api, uploaded: dict[str, Any], fake_faces: FakeFaces, monkeypatch: pytest.MonkeyPatch
) -> None:
    def exploding(path: Path, config: SamplingConfig, **_options: Any) -> Iterator[AnalysedFrame]:
        yield from fake_faces.analyse_video(path, SamplingConfig(frames_per_second=0.5))
        raise RuntimeError("decoder exploded")

    monkeypatch.setattr(frames, "analyse_video", exploding)
    body = _start(api, uploaded)
    assert body["status"] == "failed"
    assert "decoder exploded" in body["error"]
    assert "progress" not in body
