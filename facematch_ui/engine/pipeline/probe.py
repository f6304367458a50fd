"""Probe: what a container holds, read from its headers and first frame."""

from __future__ import annotations

from pathlib import Path

import av

from .decode import open_video, quarter_turns
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
        first = _first_frame(container)
        if first is None:
            raise InvalidMedia("No frame of the video could be decoded (corrupt or truncated).")
        # The displayed size: a portrait phone video is stored sideways.
        width, height = first.width, first.height
        if quarter_turns(first) % 2:
            width, height = height, width
        return MediaProbe(
            duration_seconds=_duration(container, stream),
            width=width or None,
            height=height or None,
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


def _first_frame(container: av.container.InputContainer) -> av.VideoFrame | None:
    try:
        for frame in container.decode(video=0):
            return frame
    except (av.FFmpegError, OSError):
        return None
    return None
