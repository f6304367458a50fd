from __future__ import annotations

import io
import multiprocessing
import tarfile
from pathlib import Path

import pytest

from facematch_ui.lib.sample_faces import PHOTOS, extract_photos, face_photo, photos_dir

ROOT = "face_recognition-1.3.0/"


def add(tar: tarfile.TarFile, name: str, data: bytes = b"x", **kind: object) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    for key, value in kind.items():
        setattr(info, key, value)
    tar.addfile(info, io.BytesIO(data) if info.isfile() else None)


def archive(tmp_path: Path, hostile: bool) -> Path:
    path = tmp_path / "sdist.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name in PHOTOS:
            if hostile and name == "biden.jpg":
                add(
                    tar,
                    ROOT + "tests/test_images/biden.jpg",
                    type=tarfile.SYMTYPE,
                    linkname="/etc/passwd",
                )
            else:
                add(tar, ROOT + "tests/test_images/" + name, name.encode())
        add(tar, ROOT + "tests/test_images/../../../../escaped.jpg")
        add(tar, ROOT + "setup.py", b"print('not a photo')")
    return path


def test_it_extracts_only_the_photos(tmp_path: Path) -> None:
    dest = tmp_path / "out"
    dest.mkdir()

    extract_photos(archive(tmp_path, hostile=False), dest)

    assert sorted(p.name for p in dest.iterdir()) == sorted(PHOTOS)
    assert (dest / "obama.jpg").read_bytes() == b"obama.jpg"


def test_it_refuses_links_and_never_writes_outside_its_folder(tmp_path: Path) -> None:
    dest = tmp_path / "deep" / "out"
    dest.mkdir(parents=True)

    with pytest.raises(RuntimeError, match=r"lacks biden\.jpg"):
        extract_photos(archive(tmp_path, hostile=True), dest)

    assert not (dest / "biden.jpg").exists()
    assert not list(tmp_path.rglob("escaped.jpg"))


def test_an_unknown_photo_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Unknown sample photo"):
        face_photo("../../etc/passwd", tmp_path)


def test_the_cached_photos_are_real_images(photos: Path) -> None:
    assert (photos / "obama.jpg").read_bytes()[:3] == b"\xff\xd8\xff"
    assert (photos / "32bit.png").read_bytes()[:4] == b"\x89PNG"


def _fetch(cache: str) -> str:
    return str(photos_dir(Path(cache)))


@pytest.mark.slow
def test_two_processes_fetching_at_once_share_one_complete_folder(tmp_path: Path) -> None:
    # Real pip download into an empty cache, from two processes at once.
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.map(_fetch, [str(tmp_path)] * 2)

    assert results[0] == results[1]
    folder = Path(results[0])
    assert sorted(p.name for p in folder.iterdir()) == sorted(PHOTOS)
    assert not list(tmp_path.glob(".download-*"))
