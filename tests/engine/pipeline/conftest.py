from __future__ import annotations

from pathlib import Path

import pytest

from facematch_ui.lib.compose_video import GroundTruth, Shot, Sprite, compose_video
from facematch_ui.lib.sample_faces import photos_dir


@pytest.fixture(scope="session")
def photos() -> Path:
    """The real sample photos (downloaded once per machine by pip, then cached)."""
    return photos_dir()


@pytest.fixture(scope="session")
def test_video(photos: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GroundTruth]:
    """The 30 s composed video: Obama, Biden, cuts, pans, zooms, small faces, empty shots."""
    path = tmp_path_factory.mktemp("composed") / "test.mp4"
    return path, compose_video(path, photos=photos)


@pytest.fixture(scope="session")
def short_video(photos: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GroundTruth]:
    """6 s, three shots: enough to exercise chunks and tracks cheaply."""
    shots = (
        Shot(2, (Sprite("obama.jpg", 0.4, 0.45, 100, 0.55, 0.5),)),
        Shot(2, (), (150, 150, 160)),
        Shot(2, (Sprite("biden.jpg", 0.5, 0.5, 70, 0.5, 0.5, 90),), (90, 60, 60)),
    )
    path = tmp_path_factory.mktemp("composed") / "short.mp4"
    return path, compose_video(path, shots=shots, audio=True, photos=photos)
