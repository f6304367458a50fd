"""Where the engine keeps bytes on disk, all under MEDIA_ROOT/files/<file_id>/.

    <file_id>/video/<filename>                 the uploaded or fetched video
    <file_id>/frames/<extraction_id>/<n>.jpg   frame thumbnails
    <file_id>/sources/<face_match_id>          a face match's source image

Paths stored in the database are relative to MEDIA_ROOT, so the data folder
can move.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
import uuid
from pathlib import Path

from django.conf import settings

_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def absolute(relative: str) -> Path:
    path = (media_root() / relative).resolve()
    if not path.is_relative_to(media_root().resolve()):
        raise ValueError(f"Path escapes MEDIA_ROOT: {relative!r}")
    return path


def relative(path: Path) -> str:
    return str(path.resolve().relative_to(media_root().resolve()))


def sanitize_filename(name: str | None, default: str = "video") -> str:
    """A display- and disk-safe file name: no folders, no control characters."""
    name = unicodedata.normalize("NFKC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name or default


def file_dir(file_id: uuid.UUID) -> Path:
    return media_root() / "files" / str(file_id)


def video_path(file_id: uuid.UUID, filename: str) -> Path:
    return file_dir(file_id) / "video" / filename


def frames_dir(file_id: uuid.UUID, extraction_id: uuid.UUID) -> Path:
    return file_dir(file_id) / "frames" / str(extraction_id)


def source_image_path(file_id: uuid.UUID, face_match_id: uuid.UUID) -> Path:
    return file_dir(file_id) / "sources" / str(face_match_id)


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def remove_file(relative_path: str) -> None:
    if relative_path:
        absolute(relative_path).unlink(missing_ok=True)
