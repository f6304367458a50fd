from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from facematch_ui.engine.pipeline import match
from facematch_ui.engine.pipeline.analyse import analyse_video, count_sampled_frames
from facematch_ui.engine.pipeline.probe import probe_media
from facematch_ui.engine.pipeline.source import find_source_face
from facematch_ui.engine.pipeline.types import AnalysedFrame, Box, SamplingConfig
from facematch_ui.lib.compose_video import GroundTruth, TruthBox

pytestmark = pytest.mark.slow


def centre_inside(box: Box, truth: TruthBox) -> bool:
    x, y = box.left + box.width / 2, box.top + box.height / 2
    return (
        truth.left <= x <= truth.left + truth.width and truth.top <= y <= truth.top + truth.height
    )


@pytest.fixture(scope="module")
def analysed(test_video: tuple[Path, GroundTruth]) -> list[AnalysedFrame]:
    return list(analyse_video(test_video[0], SamplingConfig(), max_thumbnail_width=320))


def test_it_finds_obama_with_high_recall_and_precision(
    analysed: list[AnalysedFrame], test_video: tuple[Path, GroundTruth], photos: Path
) -> None:
    # obama2.jpg is not used in the video: an unseen photo of the person.
    source = find_source_face((photos / "obama2.jpg").read_bytes())
    truth = test_video[1]
    expected = found = claimed = correct = 0
    for frame, known in zip(analysed, truth.frames, strict=True):
        scores = match.score(source.embedding, np.array([f.embedding for f in frame.faces]))
        matched = [
            f.box for f, s in zip(frame.faces, scores, strict=True) if s >= match.DEFAULT_THRESHOLD
        ]
        obama = [face.box for face in known.faces if face.identity == "obama"]
        expected += len(obama)
        found += sum(any(centre_inside(box, t) for box in matched) for t in obama)
        claimed += len(matched)
        correct += sum(any(centre_inside(box, t) for t in obama) for box in matched)

    assert expected == 22
    assert found / expected >= 0.95
    assert correct / claimed >= 0.95


def test_it_detects_every_visible_face_where_it_is(
    analysed: list[AnalysedFrame], test_video: tuple[Path, GroundTruth]
) -> None:
    truth = test_video[1]
    visible = sum(len(known.faces) for known in truth.frames)
    located = sum(
        sum(any(centre_inside(face.box, t.box) for face in frame.faces) for t in known.faces)
        for frame, known in zip(analysed, truth.frames, strict=True)
    )

    assert visible == 35
    assert located / visible >= 0.95
    assert all(
        not frame.faces
        for frame, known in zip(analysed, truth.frames, strict=True)
        if not known.faces
    )


def test_frames_come_in_order_with_valid_boxes_embeddings_and_thumbnails(
    analysed: list[AnalysedFrame], test_video: tuple[Path, GroundTruth]
) -> None:
    assert len(analysed) == count_sampled_frames(probe_media(test_video[0]), SamplingConfig())
    assert [f.index for f in analysed] == list(range(30))
    assert [f.timestamp for f in analysed] == [float(t) for t in range(30)]
    for frame in analysed:
        assert (frame.width, frame.height) == (640, 360)
        for face in frame.faces:
            box = face.box
            assert 0 <= box.left <= box.left + box.width <= 1
            assert 0 <= box.top <= box.top + box.height <= 1
            assert face.embedding.shape == (128,) and face.embedding.dtype == np.float32
        assert frame.thumbnail_jpeg is not None
        assert Image.open(io.BytesIO(frame.thumbnail_jpeg)).size == (320, 180)


def test_helper_processes_give_the_same_faces_as_one_process(
    short_video: tuple[Path, GroundTruth],
) -> None:
    config = SamplingConfig(frames_per_second=2.0)

    alone = list(analyse_video(short_video[0], config, thumbnails=False, workers=1))
    pooled = list(analyse_video(short_video[0], config, thumbnails=False, workers=2))

    assert [f.index for f in pooled] == [f.index for f in alone] == list(range(12))
    assert [len(f.faces) for f in pooled] == [len(f.faces) for f in alone]
    assert sum(len(f.faces) for f in alone) >= 7  # faces in shots 1 and 3 (4 frames each)
    for a, b in zip(alone, pooled, strict=True):
        for fa, fb in zip(a.faces, b.faces, strict=True):
            assert fa.box == fb.box
            assert float(np.linalg.norm(fa.embedding - fb.embedding)) < 0.3
    assert all(f.thumbnail_jpeg is None for f in pooled)


def test_a_tracked_face_keeps_an_embedding_close_to_a_fresh_one(
    analysed: list[AnalysedFrame], photos: Path
) -> None:
    # Shot 1 (0-3 s) shows obama.jpg panning: all four frames are one track.
    reference = find_source_face((photos / "obama.jpg").read_bytes())
    distances = [
        float(np.linalg.norm(frame.faces[0].embedding - reference.embedding))
        for frame in analysed[:4]
    ]

    assert max(distances) < 0.35


def test_an_unknown_detector_is_refused_before_any_work(
    short_video: tuple[Path, GroundTruth],
) -> None:
    with pytest.raises(ValueError, match="Unknown detector"):
        next(analyse_video(short_video[0], SamplingConfig(), detector="haar"))
