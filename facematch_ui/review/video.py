"""The job's video, proxied from the face API so the browser can play a match.

The browser's <video> asks for byte ranges; each is passed through faceapi
(getFileContent, an extension only the embedded engine has) after being
capped to MAX_RANGE_BYTES, so one response never holds more than that in
memory and the API token and URL stay on the server. Whether the API has the
video at all is probed once per job and cached.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpResponse

from facematch_ui.faceapi.errors import FaceApiError, NotFound
from facematch_ui.review.api import face_api_client
from facematch_ui.review.models import Job

logger = logging.getLogger(__name__)

MAX_RANGE_BYTES = 8 * 1024**2
INFO_CACHE_SECONDS = 600
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


@dataclass(frozen=True, slots=True)
class VideoInfo:
    playable: bool  # the API serves the video's bytes
    duration: float | None  # seconds, when the API knows it


def capped_range(header: str | None, cap: int = MAX_RANGE_BYTES) -> str | None:
    """`header` narrowed to at most `cap` bytes ("bytes=0-" when absent); None if malformed.

    Only single ranges: a <video> never asks for several at once.
    """
    found = _RANGE.fullmatch((header or "bytes=0-").strip())
    if found is None or found.groups() == ("", ""):
        return None
    first_text, last_text = found.groups()
    if first_text == "":
        return f"bytes=-{min(int(last_text), cap)}"
    first = int(first_text)
    last = first + cap - 1 if last_text == "" else min(int(last_text), first + cap - 1)
    return f"bytes={first}-{last}" if last >= first else None


def video_info(job: Job) -> VideoInfo:
    """Whether the video of `job` can be played here, and its duration (cached)."""
    if not job.file_id:
        return VideoInfo(playable=False, duration=None)
    key = f"review:video-info:{job.file_id}"
    cached = cache.get(key)
    if isinstance(cached, VideoInfo):
        return cached
    info = _probe(job.file_id)
    cache.set(key, info, INFO_CACHE_SECONDS)
    return info


def _probe(file_id: str) -> VideoInfo:
    try:
        with face_api_client() as client:
            first_byte = client.get_file_content(file_id, range_header="bytes=0-0", max_bytes=1)
            playable = first_byte.status in (200, 206) and first_byte.content_type.startswith(
                "video/"
            )
            uploaded = client.get_file(file_id)
    except NotFound:
        return VideoInfo(playable=False, duration=None)
    except FaceApiError as err:
        logger.warning("could not probe the video of file %s: %s", file_id, err)
        return VideoInfo(playable=False, duration=None)
    duration = uploaded.media_info.duration_seconds if uploaded.media_info else None
    return VideoInfo(playable=playable, duration=duration)


def video_response(job: Job, range_header: str | None) -> HttpResponse:
    """The bytes of `job`'s video for `range_header`: 206, 200, 404, 416 or 502."""
    if not job.file_id:
        return HttpResponse("This face match has no video.", status=404, content_type="text/plain")
    capped = capped_range(range_header)
    if capped is None:
        return HttpResponse("Malformed Range header.", status=416, content_type="text/plain")
    try:
        with face_api_client() as client:
            content = client.get_file_content(job.file_id, range_header=capped)
    except NotFound:
        return HttpResponse(
            "The face API does not serve this video.", status=404, content_type="text/plain"
        )
    except FaceApiError as err:
        logger.warning("video of %s failed: %s", job.api_id, err)
        return HttpResponse(
            "The video could not be fetched from the face API.",
            status=502,
            content_type="text/plain",
        )
    response = HttpResponse(content.body, status=content.status, content_type=content.content_type)
    if content.status == 416:
        response.content = b""
        response["Content-Type"] = "text/plain"
    if content.content_range:
        response["Content-Range"] = content.content_range
        # Asked with no Range and got the whole file in one piece: a plain 200.
        total = content.content_range.rpartition("/")[2]
        if range_header is None and content.status == 206 and total == str(content.content_length):
            response.status_code = 200
            del response["Content-Range"]
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response
