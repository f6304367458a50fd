"""Frames and detected faces of one pass over a video, stored as they come.

Each sampled frame is written (row + thumbnail, and its faces with their
embeddings) as soon as the pipeline yields it, with progress and a heartbeat,
so a long video shows progress and a dead worker leaves a clear trail.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from facematch_ui.engine import files, storage
from facematch_ui.engine.jobstate import Job, beat, complete, fail, failure_message
from facematch_ui.engine.models import (
    DetectedFace,
    FaceDetection,
    Frame,
    FrameExtraction,
    embedding_to_bytes,
)
from facematch_ui.engine.pipeline.analyse import analyse_video, count_sampled_frames
from facematch_ui.engine.pipeline.decode import sample_frames
from facematch_ui.engine.pipeline.thumbnails import frame_thumbnail
from facematch_ui.engine.pipeline.types import AnalysedFrame, Face, MediaProbe, SamplingConfig
from facematch_ui.engine.recovery import discard_frames

_BEAT_EVERY = 1  # frames between progress writes
THUMBNAIL_WIDTH = 640  # as analyse_video's default


def sampling_config(extraction: FrameExtraction) -> SamplingConfig:
    return SamplingConfig(
        frames_per_second=extraction.frames_per_second,
        max_width=extraction.max_width,
        start_seconds=extraction.start_seconds,
        end_seconds=extraction.end_seconds,
    )


def _probe(extraction: FrameExtraction) -> MediaProbe:
    file = extraction.file
    return MediaProbe(
        duration_seconds=file.duration_seconds,
        width=file.width,
        height=file.height,
        format=file.format or None,
        has_audio=bool(file.has_audio),
        has_video=file.has_video,
        frame_rate=file.frame_rate,
    )


def extract(extraction: FrameExtraction, *, detection: FaceDetection | None = None) -> None:
    """Run a claimed extraction; with `detection`, detect faces in the same pass."""
    jobs: list[Job] = [extraction]
    if detection is not None:
        jobs.append(detection)
    try:
        discard_frames(extraction)
        config = sampling_config(extraction)
        total = count_sampled_frames(_probe(extraction), config)
        for job in jobs:
            beat(job, frames_total=total)
        path = files.video_file_path(extraction.file)
        if detection is None:
            stream: Iterable[AnalysedFrame] = (
                AnalysedFrame(
                    index=sampled.index,
                    timestamp=sampled.timestamp,
                    width=int(sampled.image.shape[1]),
                    height=int(sampled.image.shape[0]),
                    faces=(),
                    thumbnail_jpeg=frame_thumbnail(sampled.image, THUMBNAIL_WIDTH)
                    if extraction.thumbnails
                    else None,
                )
                for sampled in sample_frames(path, config)
            )
        else:
            stream = analyse_video(
                path,
                config,
                detector=detection.detector,
                thumbnails=extraction.thumbnails,
                workers=settings.ENGINE_WORKERS,
            )
        count, faces = _store(extraction, detection, stream, jobs, existing={})
        complete(extraction, frame_count=count, frames_done=count, frames_total=count)
        if detection is not None:
            complete(detection, face_count=faces, frames_done=count, frames_total=count)
    except BaseException as err:
        discard_frames(extraction)
        fail(extraction, failure_message(err))
        raise


def detect_on_extracted(extraction: FrameExtraction, detection: FaceDetection) -> None:
    """Run a claimed detection over an already completed extraction's frames."""
    existing = {frame.index: frame for frame in Frame.objects.filter(extraction=extraction)}
    total = extraction.frame_count if extraction.frame_count is not None else len(existing)
    beat(detection, frames_total=total)
    stream = analyse_video(
        files.video_file_path(extraction.file),
        sampling_config(extraction),
        detector=detection.detector,
        thumbnails=False,
        workers=settings.ENGINE_WORKERS,
    )
    count, faces = _store(extraction, detection, stream, [detection], existing=existing)
    complete(detection, face_count=faces, frames_done=count, frames_total=max(total, count))


def _store(
    extraction: FrameExtraction,
    detection: FaceDetection | None,
    stream: Iterable[AnalysedFrame],
    jobs: list[Job],
    *,
    existing: dict[int, Frame],
) -> tuple[int, int]:
    count = faces = 0
    for analysed in stream:
        frame = existing.get(analysed.index) or _save_frame(extraction, analysed)
        if detection is not None and analysed.faces:
            DetectedFace.objects.bulk_create(
                [_face_row(detection, frame, face) for face in analysed.faces]
            )
            faces += len(analysed.faces)
        count += 1
        if count % _BEAT_EVERY == 0:
            for job in jobs:
                beat(job, frames_done=count)
    return count, faces


def _save_frame(extraction: FrameExtraction, analysed: AnalysedFrame) -> Frame:
    thumbnail = ""
    if analysed.thumbnail_jpeg is not None:
        path = storage.frames_dir(extraction.file_id, extraction.id) / f"{analysed.index}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(analysed.thumbnail_jpeg)
        thumbnail = storage.relative(path)
    return Frame.objects.create(
        extraction=extraction,
        index=analysed.index,
        timestamp=analysed.timestamp,
        width=analysed.width,
        height=analysed.height,
        thumbnail=thumbnail,
    )


def _face_row(detection: FaceDetection, frame: Frame, face: Face) -> DetectedFace:
    row = DetectedFace(
        detection=detection, frame=frame, embedding=embedding_to_bytes(face.embedding)
    )
    row.set_box(face.box)
    return row
