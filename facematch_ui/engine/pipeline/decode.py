"""Decode: sample RGB frames from a video with PyAV at a uniform rate.

Decoding is cheap next to converting to RGB and analysing, so frames are
decoded in order and only the sampled ones are converted (and resized by
FFmpeg's scaler in the same step). When samples are further apart than
SEEK_MIN_GAP seconds the decoder seeks to the keyframe before the next
sample instead of decoding everything between.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import av.container
import numpy as np
import numpy.typing as npt

from .types import InvalidMedia, SampledFrame, SamplingConfig

logger = logging.getLogger(__name__)

SEEK_MIN_GAP = 4.0  # seconds; shorter gaps decode straight through
_EPS = 1e-3  # tolerance on timestamps that should land exactly on a target


def open_video(path: Path) -> av.container.InputContainer:
    """Open a container that has a video stream, or raise InvalidMedia."""
    try:
        container = av.open(str(path), mode="r", metadata_errors="ignore")
    except (av.FFmpegError, OSError, UnicodeDecodeError) as err:
        raise InvalidMedia(f"Not a readable video file: {_reason(err)}") from err
    if not container.streams.video:
        container.close()
        raise InvalidMedia("The file has no video stream.")
    return container


def output_size(width: int, height: int, max_width: int | None) -> tuple[int, int]:
    """The size frames are delivered at: downscaled to max_width, never upscaled."""
    if max_width is None or width <= max_width:
        return width, height
    return max_width, max(1, round(height * max_width / width))


def quarter_turns(frame: av.VideoFrame) -> int:
    """Counterclockwise quarter turns that display the frame upright.

    Phones store portrait video as landscape frames plus a display matrix.
    """
    return round((frame.rotation or 0) / 90) % 4


def to_rgb(frame: av.VideoFrame, max_width: int | None) -> npt.NDArray[np.uint8]:
    """The frame as displayed (rotation applied), at most max_width wide."""
    turns = quarter_turns(frame)
    sideways = turns % 2 == 1
    shown_width, shown_height = (
        (frame.height, frame.width) if sideways else (frame.width, frame.height)
    )
    width, height = output_size(shown_width, shown_height, max_width)
    if sideways:
        width, height = height, width
    rgb = frame.reformat(width=width, height=height, format="rgb24")
    image: npt.NDArray[np.uint8] = rgb.to_ndarray()  # type: ignore[assignment]
    return np.ascontiguousarray(np.rot90(image, turns)) if turns else image


def sample_times(start: float, end: float, frames_per_second: float) -> Iterator[float]:
    """The target timestamps start, start + 1/fps, ... strictly before end."""
    step = 1.0 / frames_per_second
    for k in range(max(0, math.ceil((end - start) * frames_per_second - 1e-9))):
        yield start + k * step


def sample_frames(path: Path, config: SamplingConfig) -> Iterator[SampledFrame]:
    """Yield the sampled frames in order; a truncated tail ends the iteration.

    Raises InvalidMedia when the file cannot be opened or no frame decodes.
    """
    if config.frames_per_second <= 0:
        raise ValueError("frames_per_second must be positive")
    container = open_video(path)
    try:
        yielded = 0
        for frame in _sampled(container, config):
            yield frame
            yielded += 1
        if yielded == 0 and not _range_is_empty(container, config):
            raise InvalidMedia("No frame of the video could be decoded.")
    finally:
        container.close()


def _sampled(
    container: av.container.InputContainer, config: SamplingConfig
) -> Iterator[SampledFrame]:
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"
    start = max(0.0, config.start_seconds or 0.0)
    end = config.end_seconds if config.end_seconds is not None else math.inf
    step = 1.0 / config.frames_per_second
    # A frame stands for the instants within half a frame of it: take the
    # frame nearest each target rather than the first one after it.
    tolerance = 0.5 / float(stream.average_rate) if stream.average_rate else _EPS
    origin = (
        float(stream.start_time * stream.time_base)
        if stream.start_time and stream.time_base
        else 0.0
    )
    target, index = start, 0
    if start > 0:
        _seek(container, stream, start)
    while target < end:
        for frame in _decode_from(container, stream, target, step):
            time = _frame_time(frame) - origin
            if time >= end:
                return
            if time <= target - tolerance:
                continue  # not sampled: skip the costly RGB conversion
            yield SampledFrame(index, round(time, 3), to_rgb(frame, config.max_width))
            index += 1
            # Several targets can fall on one frame when sampling above the
            # video's own rate: move past all of them.
            while target < time + tolerance:
                target += step
            if step >= SEEK_MIN_GAP and target - time >= SEEK_MIN_GAP:
                _seek(container, stream, target)
                break
        else:
            return


def _decode_from(
    container: av.container.InputContainer, stream: av.VideoStream, target: float, step: float
) -> Iterator[av.VideoFrame]:
    try:
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.error.InvalidDataError as err:
                # A damaged packet: FFmpeg resynchronises at the next keyframe.
                logger.warning("Skipping an undecodable packet: %s", _reason(err))
                continue
            yield from frames  # type: ignore[misc]
    except (av.FFmpegError, OSError) as err:
        logger.warning("Video ends early (truncated or corrupt): %s", _reason(err))


def _seek(container: av.container.InputContainer, stream: av.VideoStream, seconds: float) -> None:
    time_base = stream.time_base or Fraction(1, 1_000_000)
    offset = int(seconds / time_base) + (stream.start_time or 0)
    try:
        container.seek(offset, backward=True, any_frame=False, stream=stream)
    except av.FFmpegError as err:
        logger.warning("Seek failed, decoding sequentially: %s", _reason(err))


def _frame_time(frame: av.VideoFrame) -> float:
    if frame.time is not None:
        return float(frame.time)
    raise InvalidMedia("The video's frames carry no timestamps.")


def _range_is_empty(container: av.container.InputContainer, config: SamplingConfig) -> bool:
    duration = container.duration / av.time_base if container.duration else None
    start = config.start_seconds or 0.0
    end = config.end_seconds
    if end is not None and end <= start:
        return True
    return duration is not None and start >= duration


def _reason(err: BaseException) -> str:
    return getattr(err, "strerror", None) or str(err) or type(err).__name__
