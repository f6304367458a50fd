from __future__ import annotations

from pathlib import Path

import pytest

from facematch_ui.engine.pipeline.analyse import count_sampled_frames
from facematch_ui.engine.pipeline.decode import sample_frames
from facematch_ui.engine.pipeline.probe import probe_media
from facematch_ui.engine.pipeline.types import InvalidMedia, SamplingConfig
from tests.engine.pipeline.helpers import counter_video, left_band_video, rotated_90, truncated

VIDEO_FPS = 10


@pytest.fixture
def video(tmp_path: Path) -> Path:
    return counter_video(tmp_path / "counter.mp4", seconds=4.0, fps=VIDEO_FPS)


def level(image: object) -> int:
    """The grey level of a counter_video frame: tells which frame was decoded."""
    return round(float(image.mean()) / 10)  # type: ignore[attr-defined]


def test_it_samples_one_frame_per_second_by_default(video: Path) -> None:
    frames = list(sample_frames(video, SamplingConfig()))

    assert [f.index for f in frames] == [0, 1, 2, 3]
    assert [f.timestamp for f in frames] == [0.0, 1.0, 2.0, 3.0]
    # Frame i of the source has level i % 25: the sampled ones are 0, 10, 20, 30.
    assert [level(f.image) for f in frames] == [0, 10, 20, 5]


@pytest.mark.parametrize(("fps", "expected"), [(0.5, 2), (2.0, 8), (2.5, 10), (10.0, 40)])
def test_it_samples_at_the_requested_rate(video: Path, fps: float, expected: int) -> None:
    frames = list(sample_frames(video, SamplingConfig(frames_per_second=fps)))

    assert len(frames) == expected
    assert len(frames) == count_sampled_frames(probe_media(video), SamplingConfig(fps))
    for k, frame in enumerate(frames):
        assert abs(frame.timestamp - k / fps) <= 0.5 / VIDEO_FPS + 1e-6


def test_it_skips_far_apart_samples_by_seeking_and_still_finds_them(tmp_path: Path) -> None:
    video = counter_video(tmp_path / "long.mp4", seconds=30.0, fps=VIDEO_FPS)

    frames = list(sample_frames(video, SamplingConfig(frames_per_second=0.1)))

    assert [f.timestamp for f in frames] == [0.0, 10.0, 20.0]
    assert [level(f.image) for f in frames] == [0, 100 % 25, 200 % 25]


def test_it_samples_between_start_and_end(video: Path) -> None:
    config = SamplingConfig(frames_per_second=2.0, start_seconds=1.0, end_seconds=2.5)

    frames = list(sample_frames(video, config))

    assert [f.timestamp for f in frames] == [1.0, 1.5, 2.0]
    assert [f.index for f in frames] == [0, 1, 2]
    assert count_sampled_frames(probe_media(video), config) == 3


def test_a_range_past_the_end_yields_nothing(video: Path) -> None:
    assert list(sample_frames(video, SamplingConfig(start_seconds=10.0))) == []


def test_it_downscales_to_max_width_keeping_the_aspect(video: Path) -> None:
    frame = next(sample_frames(video, SamplingConfig(max_width=160)))

    assert frame.image.shape == (90, 160, 3)


def test_it_never_upscales(video: Path) -> None:
    frame = next(sample_frames(video, SamplingConfig(max_width=4000)))

    assert frame.image.shape == (180, 320, 3)


def test_a_truncated_tail_yields_the_frames_that_decode(tmp_path: Path) -> None:
    video = counter_video(tmp_path / "v.mp4", seconds=10.0, fps=VIDEO_FPS)
    cut = truncated(video, 0.5)

    frames = list(sample_frames(cut, SamplingConfig()))

    assert 2 <= len(frames) < 10
    assert [f.timestamp for f in frames] == [float(k) for k in range(len(frames))]


def test_a_file_cut_before_its_index_is_invalid_media(tmp_path: Path) -> None:
    # Without faststart the MP4 index (moov) is at the end: cut it off.
    video = counter_video(tmp_path / "v.mp4", faststart=False)

    with pytest.raises(InvalidMedia, match="Not a readable video"):
        list(sample_frames(truncated(video, 0.8), SamplingConfig()))


def test_an_empty_file_is_invalid_media(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")

    with pytest.raises(InvalidMedia):
        list(sample_frames(empty, SamplingConfig()))


def test_a_text_file_named_mp4_is_invalid_media(tmp_path: Path) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("these are meeting notes, not a video\n" * 50)

    with pytest.raises(InvalidMedia, match="Not a readable video"):
        list(sample_frames(text, SamplingConfig()))


def test_a_non_positive_rate_is_refused(video: Path) -> None:
    with pytest.raises(ValueError, match="frames_per_second"):
        list(sample_frames(video, SamplingConfig(frames_per_second=0)))


def test_portrait_phone_video_comes_out_upright(tmp_path: Path) -> None:
    video = rotated_90(left_band_video(tmp_path / "band.mp4"))

    frame = next(sample_frames(video, SamplingConfig(max_width=90)))

    # Turned clockwise for display: the left band is now along the top.
    assert frame.image.shape == (160, 90, 3)
    assert frame.image[:30].mean() > 200 and frame.image[50:].mean() < 30
    probe = probe_media(video)
    assert (probe.width, probe.height) == (180, 320)
