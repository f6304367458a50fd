"""Start a face match from the dashboard: upload, create, cache, sync.

The view only validates the form; this module talks to the face API (the
embedded engine by default) through the service module, exactly as it would
to the hosted API.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from facematch_ui import imaging
from facematch_ui.faceapi import FaceApiClient
from facematch_ui.faceapi.types import FrameExtractionConfig, NewFaceMatch, UploadedFile
from facematch_ui.review.api import face_api_client
from facematch_ui.review.models import Job
from facematch_ui.review.sync import record_new_job
from facematch_ui.review.tasks import request_sync

# The API takes a JPEG; larger photos only slow detection down.
SOURCE_PHOTO_MAX_SIZE = (1600, 1600)
# Sampling rates offered to analysts (frames per second).
MIN_FPS, MAX_FPS, DEFAULT_FPS = 0.1, 10.0, 1.0


@dataclass(frozen=True, slots=True)
class VideoUpload:
    name: str
    content: BinaryIO  # streamed to the API, never read whole here
    content_type: str


@dataclass(frozen=True, slots=True)
class NewMatchRequest:
    photo: bytes  # any image Pillow reads; converted to JPEG here
    frames_per_second: float
    video: VideoUpload | None = None  # a new video to upload...
    file_id: str | None = None  # ...or one the API already has


def start_face_match(
    new: NewMatchRequest,
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    client: FaceApiClient | None = None,
) -> Job:
    """Upload the video if needed, create the job, cache it, schedule syncs."""
    photo_jpeg = imaging.fit_jpeg(new.photo, SOURCE_PHOTO_MAX_SIZE)
    api = client or face_api_client()
    try:
        file_id = new.file_id if new.video is None else _upload(api, new.video).id
        created = api.create_face_match(
            NewFaceMatch(
                target_video_url=f"cloudglue://files/{file_id}",
                source_image_base64=base64.b64encode(photo_jpeg).decode("ascii"),
                frame_extraction=FrameExtractionConfig(frames_per_second=new.frames_per_second),
            )
        )
    finally:
        if client is None:
            api.close()
    job = record_new_job(created, source_image=photo_jpeg, user=user)
    request_sync(job.api_id)
    return job


def uploaded_videos(*, client: FaceApiClient | None = None, limit: int = 100) -> list[UploadedFile]:
    """Videos the API already holds, newest first, for the "pick one" list."""
    api = client or face_api_client()
    try:
        files: Iterable[UploadedFile] = api.list_files(limit=limit).files
    finally:
        if client is None:
            api.close()
    return sorted(
        (f for f in files if f.status != "failed"),
        key=lambda f: f.created_at.timestamp() if f.created_at else 0.0,
        reverse=True,
    )


def _upload(api: FaceApiClient, video: VideoUpload) -> UploadedFile:
    return api.upload_file(video.name, video.content, content_type=video.content_type)
