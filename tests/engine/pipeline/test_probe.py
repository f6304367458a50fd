from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from facematch_ui.engine.pipeline.analyse import count_sampled_frames
from facematch_ui.engine.pipeline.probe import probe_media
from facematch_ui.engine.pipeline.types import InvalidMedia, MediaProbe, SamplingConfig
from facematch_ui.lib.compose_video import GroundTruth
from tests.engine.pipeline.helpers import counter_video, truncated


def test_it_reads_duration_size_format_and_streams(short_video: tuple[Path, GroundTruth]) -> None:
    probe = probe_media(short_video[0])

    assert probe.duration_seconds == pytest.approx(6.0, abs=0.1)
    assert (probe.width, probe.height) == (640, 360)
    assert probe.format is not None and "mp4" in probe.format
    assert probe.has_video and probe.has_audio
    assert probe.frame_rate == pytest.approx(15.0)


def test_a_video_without_sound_has_no_audio(tmp_path: Path) -> None:
    probe = probe_media(counter_video(tmp_path / "v.mp4", seconds=2.0))

    assert not probe.has_audio
    assert probe.duration_seconds == pytest.approx(2.0, abs=0.1)


def test_a_still_image_is_not_a_video(tmp_path: Path) -> None:
    path = tmp_path / "photo.mp4"
    Image.new("RGB", (64, 48), (10, 200, 30)).save(path, format="PNG")

    with pytest.raises(InvalidMedia, match="still image"):
        probe_media(path)


def test_an_empty_file_is_invalid(tmp_path: Path) -> None:
    path = tmp_path / "empty.mov"
    path.write_bytes(b"")

    with pytest.raises(InvalidMedia, match="empty"):
        probe_media(path)


def test_garbage_is_invalid(tmp_path: Path) -> None:
    path = tmp_path / "random.mp4"
    path.write_bytes(bytes(range(256)) * 100)

    with pytest.raises(InvalidMedia):
        probe_media(path)


def test_a_truncated_file_without_its_index_is_invalid(tmp_path: Path) -> None:
    video = counter_video(tmp_path / "v.mp4", faststart=False)

    with pytest.raises(InvalidMedia):
        probe_media(truncated(video, 0.5))


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (SamplingConfig(), 10),
        (SamplingConfig(frames_per_second=2.0), 20),
        (SamplingConfig(frames_per_second=0.3), 3),
        (SamplingConfig(start_seconds=2.5), 8),
        (SamplingConfig(start_seconds=2.0, end_seconds=5.0), 3),
        (SamplingConfig(end_seconds=60.0), 10),
        (SamplingConfig(start_seconds=12.0), 0),
    ],
)
def test_it_counts_the_frames_sampling_will_yield(config: SamplingConfig, expected: int) -> None:
    probe = MediaProbe(10.0, 640, 360, "mp4", False, True, 25.0)

    assert count_sampled_frames(probe, config) == expected


def test_an_unknown_duration_counts_zero() -> None:
    probe = MediaProbe(None, 640, 360, "mpegts", False, True, 25.0)

    assert count_sampled_frames(probe, SamplingConfig()) == 0
