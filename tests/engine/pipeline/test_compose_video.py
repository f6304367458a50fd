from __future__ import annotations

from pathlib import Path

import pytest

from facematch_ui.engine.pipeline.decode import sample_frames
from facematch_ui.engine.pipeline.probe import probe_media
from facematch_ui.engine.pipeline.types import SamplingConfig
from facematch_ui.lib.compose_video import GroundTruth, compose_demo_video


def test_the_test_video_lasts_its_shots_and_has_truth_for_every_second(
    test_video: tuple[Path, GroundTruth],
) -> None:
    path, truth = test_video

    assert probe_media(path).duration_seconds == pytest.approx(truth.duration, abs=0.1)
    assert [f.timestamp for f in truth.frames] == [float(t) for t in range(30)]


def test_the_test_video_covers_the_situations_accuracy_depends_on(
    test_video: tuple[Path, GroundTruth],
) -> None:
    frames = test_video[1].frames
    widths = [face.box.width * 640 for f in frames for face in f.faces]

    assert sum(not f.faces for f in frames) >= 4  # frames without a face
    assert sum(f.identities() == {"obama", "biden"} for f in frames) >= 8  # both together
    assert min(widths) <= 50 and max(widths) >= 140  # small and large faces
    assert len({f.shot for f in frames}) == 8  # hard cuts between shots


def test_boxes_follow_the_pan(test_video: tuple[Path, GroundTruth]) -> None:
    first_shot = [f.faces[0].box for f in test_video[1].frames[:4]]

    lefts = [box.left for box in first_shot]
    assert lefts == sorted(lefts) and lefts[-1] - lefts[0] > 0.2


def test_frames_show_the_composed_pictures(test_video: tuple[Path, GroundTruth]) -> None:
    # Shot 2 (4-5 s) has no face and a flat greenish background.
    frame = list(sample_frames(test_video[0], SamplingConfig()))[4]

    red, green, blue = frame.image.reshape(-1, 3).mean(axis=0)
    assert green > red + 40 and green > blue


def test_the_demo_video_is_about_half_a_minute_with_sound(photos: Path, tmp_path: Path) -> None:
    truth = compose_demo_video(tmp_path / "demo.mp4", photos=photos)

    probe = probe_media(tmp_path / "demo.mp4")
    assert 20 <= truth.duration <= 30
    assert probe.has_audio and probe.duration_seconds == pytest.approx(truth.duration, abs=0.1)
    assert {"obama", "biden"} <= set().union(*(f.identities() for f in truth.frames))
