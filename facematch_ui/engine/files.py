"""Storing videos: uploads and fetched URLs become File rows with probe data."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings

from facematch_ui.engine import storage
from facematch_ui.engine.http import ApiError, UnsupportedMedia
from facematch_ui.engine.models import File
from facematch_ui.engine.pipeline.probe import probe_media
from facematch_ui.engine.pipeline.types import InvalidMedia


def too_large_message(size: int | None) -> str:
    limit = settings.MAX_UPLOAD_BYTES
    got = f"{size} bytes" if size is not None else "the request"
    return f"File too large: {got} (limit {limit} bytes)."


def parse_metadata(raw: str | None) -> dict[str, Any] | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        value = json.loads(raw)
    except ValueError as err:
        raise ApiError(f"'metadata' must be a JSON object: {err}") from err
    if not isinstance(value, dict):
        raise ApiError("'metadata' must be a JSON object.")
    return value


def store_video(
    chunks: Iterable[bytes],
    filename: str | None,
    *,
    source: str = File.Source.UPLOAD,
    metadata: dict[str, Any] | None = None,
) -> File:
    """Write the bytes under the file's folder, probe them, save the row.

    Anything PyAV cannot read as a video is refused (415) and leaves nothing
    behind on disk.
    """
    file_id = uuid.uuid4()
    name = storage.sanitize_filename(filename)
    path = storage.video_path(file_id, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        size = _write(chunks, path)
        if size == 0:
            raise ApiError("The file is empty.")
        try:
            probe = probe_media(path)
        except InvalidMedia as err:
            raise UnsupportedMedia(f"Unsupported file type: {err}") from err
        if not probe.has_video:
            raise UnsupportedMedia("Unsupported file type: the file has no video stream.")
        return File.objects.create(
            id=file_id,
            filename=name,
            bytes=size,
            path=storage.relative(path),
            source=source,
            metadata=metadata,
            duration_seconds=probe.duration_seconds,
            width=probe.width,
            height=probe.height,
            format=probe.format or "",
            has_audio=probe.has_audio,
            has_video=probe.has_video,
            frame_rate=probe.frame_rate,
        )
    except BaseException:
        storage.remove_tree(storage.file_dir(file_id))
        raise


def _write(chunks: Iterable[bytes], path: Path) -> int:
    size = 0
    with path.open("wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > settings.MAX_UPLOAD_BYTES:
                raise ApiError(too_large_message(None))
            out.write(chunk)
    return size


def store_local_copy(source: Path, filename: str | None, *, origin: str) -> File:
    """A File from a finished download in a temporary path."""
    with source.open("rb") as handle:
        return store_video(
            iter(lambda: handle.read(1024 * 1024), b""),
            filename,
            source=origin,
        )


def video_file_path(file: File) -> Path:
    return storage.absolute(file.path)


def delete_file(file: File) -> None:
    """The row (and by cascade every extraction, detection and match) and its folder."""
    folder = storage.file_dir(file.id)
    file.delete()
    shutil.rmtree(folder, ignore_errors=True)
