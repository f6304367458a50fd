"""Probe: what a container holds, read from its headers and first frame."""

from __future__ import annotations

from pathlib import Path

import av

from .decode import open_video
from .types import InvalidMedia, MediaProbe

# FFmpeg opens still images as one-frame "videos"; they are not videos to us.
_IMAGE_FORMATS = {"image2", "png_pipe", "jpeg_pipe", "bmp_pipe", "webp_pipe", "tiff_pipe"}


def probe_media(path: Path) -> MediaProbe:
    """Read duration, size, format and streams; decode one frame to prove it plays.

    Raises InvalidMedia for empty, non-video, corrupt or unreadable files.
    """
    if not path.is_file() or path.stat().st_size == 0:
        raise InvalidMedia("The file is empty.")
    container = open_video(path)
    try:
        format_name = container.format.name
        if format_name in _IMAGE_FORMATS:
            raise InvalidMedia("The file is a still image, not a video.")
        stream = container.streams.video[0]
        if not _first_frame_decodes(container):
            raise InvalidMedia("No frame of the video could be decoded (corrupt or truncated).")
        return MediaProbe(
            duration_seconds=_duration(container, stream),
            width=stream.codec_context.width or None,
            height=stream.codec_context.height or None,
            format=format_name,
            has_audio=bool(container.streams.audio),
            has_video=True,
            frame_rate=float(stream.average_rate) if stream.average_rate else None,
        )
    finally:
        container.close()


def _duration(container: av.container.InputContainer, stream: av.VideoStream) -> float | None:
    # The video stream's own duration: the container's may include a longer audio track.
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / av.time_base
    return None


def _first_frame_decodes(container: av.container.InputContainer) -> bool:
    try:
        for _frame in container.decode(video=0):
            return True
    except (av.FFmpegError, OSError):
        return False
    return False
