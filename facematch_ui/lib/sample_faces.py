"""Real face photos for tests, the demo and benchmarks.

The photos are the test images of the face_recognition 1.3.0 source
distribution (MIT licence): Barack Obama (obama.jpg, obama2.jpg, obama3.jpg,
the obama_partial_face crops of obama.jpg, and 32bit.png, an RGBA copy of
obama2.jpg) and Joe Biden (biden.jpg). They are fetched once with pip from
the package index and cached; nothing is committed to the repository.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "face-recognition==1.3.0"
_MEMBER_DIR = "tests/test_images/"
PHOTOS = (
    "obama.jpg",
    "obama2.jpg",
    "obama3.jpg",
    "obama_partial_face.jpg",
    "obama_partial_face2.jpg",
    "biden.jpg",
    "32bit.png",
)


def default_cache_dir() -> Path:
    """FACEMATCH_MEDIA_CACHE if set (tooling's cache location), else ~/.cache."""
    configured = os.environ.get("FACEMATCH_MEDIA_CACHE")
    if configured:
        return Path(configured)
    return Path.home() / ".cache" / "facematch" / "sample-faces"


def photos_dir(cache_dir: Path | None = None) -> Path:
    """The folder of photos, downloaded and extracted on first use.

    Safe for concurrent callers (pytest-xdist workers): one downloads under a
    file lock, the extracted folder appears by an atomic rename.
    """
    root = cache_dir or default_cache_dir()
    target = root / "face_recognition-1.3.0"
    if _complete(target):
        return target
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not _complete(target):
                _download_into(root, target)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return target


def face_photo(name: str, cache_dir: Path | None = None) -> Path:
    """The path of one photo, e.g. face_photo("obama2.jpg")."""
    if name not in PHOTOS:
        raise ValueError(f"Unknown sample photo {name!r}; choose one of {', '.join(PHOTOS)}")
    return photos_dir(cache_dir) / name


def _complete(folder: Path) -> bool:
    return all((folder / name).is_file() for name in PHOTOS)


def _download_into(root: Path, target: Path) -> None:
    with tempfile.TemporaryDirectory(dir=root, prefix=".download-") as tmp:
        work = Path(tmp)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--no-binary",
                ":all:",
                PACKAGE,
                "-d",
                str(work),
            ],
            check=True,
            timeout=300,
        )
        archives = list(work.glob("face_recognition-1.3.0.tar.gz"))
        if not archives:
            raise RuntimeError(f"pip did not produce the {PACKAGE} source archive")
        staging = work / "photos"
        staging.mkdir()
        extract_photos(archives[0], staging)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)


def extract_photos(archive: Path, dest: Path) -> None:
    """Copy only the regular files of tests/test_images, by base name (no traversal)."""
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            _, _, inner = member.name.partition("/")
            name = inner.removeprefix(_MEMBER_DIR)
            if not inner.startswith(_MEMBER_DIR) or name not in PHOTOS or not member.isfile():
                continue
            source = tar.extractfile(member)
            if source is None:
                continue
            with source, (dest / name).open("wb") as out:
                shutil.copyfileobj(source, out)
        missing = [name for name in PHOTOS if not (dest / name).is_file()]
        if missing:
            raise RuntimeError(f"{archive.name} lacks {', '.join(missing)}")
