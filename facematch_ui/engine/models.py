"""The embedded engine's data: uploaded files, frames, detections, matches, keys.

Files on disk live under MEDIA_ROOT/files/<file_id>/ (see engine.storage), so
deleting a file's row and its folder removes everything derived from it.
"""

from __future__ import annotations

import uuid

import numpy as np
from django.db import models

from facematch_ui.engine.pipeline.types import Box, Embedding

EMBEDDING_DIM = 128


class JobStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSING = "processing", "Processing"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


FINAL_STATUSES = frozenset({JobStatus.COMPLETED, JobStatus.FAILED})


def embedding_to_bytes(embedding: Embedding) -> bytes:
    return np.asarray(embedding, dtype="<f4").reshape(EMBEDDING_DIM).tobytes()


def embedding_from_bytes(data: bytes) -> Embedding:
    return np.frombuffer(data, dtype="<f4").astype(np.float32)


class BoxFields(models.Model):
    """A normalized face box (0..1 of the frame or image)."""

    box_top = models.FloatField()
    box_left = models.FloatField()
    box_width = models.FloatField()
    box_height = models.FloatField()

    class Meta:
        abstract = True

    @property
    def box(self) -> Box:
        return Box(self.box_top, self.box_left, self.box_width, self.box_height)

    def set_box(self, box: Box) -> None:
        self.box_top, self.box_left = box.top, box.left
        self.box_width, self.box_height = box.width, box.height


class JobFields(models.Model):
    """Status, progress and liveness of a background job."""

    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING)
    error = models.TextField(blank=True)
    frames_done = models.PositiveIntegerField(default=0)
    frames_total = models.PositiveIntegerField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class File(models.Model):
    class Source(models.TextChoices):
        UPLOAD = "upload", "Upload"
        HTTP = "http", "HTTP"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    filename = models.CharField(max_length=255)
    bytes = models.BigIntegerField()
    path = models.CharField(max_length=500)  # relative to MEDIA_ROOT
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.UPLOAD)
    status = models.CharField(max_length=16, default=JobStatus.COMPLETED)
    metadata = models.JSONField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    format = models.CharField(max_length=64, blank=True)
    has_audio = models.BooleanField(null=True)
    has_video = models.BooleanField(default=True)
    frame_rate = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at"], name="engine_file_created"),
            models.Index(fields=["status", "-created_at"], name="engine_file_status"),
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def uri(self) -> str:
        return f"cloudglue://files/{self.id}"


class FrameExtraction(JobFields):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.ForeignKey(File, related_name="frame_extractions", on_delete=models.CASCADE)
    frames_per_second = models.FloatField(default=1.0)
    max_width = models.PositiveIntegerField(null=True, blank=True)
    start_seconds = models.FloatField(null=True, blank=True)
    end_seconds = models.FloatField(null=True, blank=True)
    thumbnails = models.BooleanField(default=True)
    frame_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["file", "-created_at"], name="engine_fx_file_created"),
            models.Index(fields=["status", "heartbeat_at"], name="engine_fx_status_beat"),
        ]

    def __str__(self) -> str:
        return f"frames {self.id}"


class Frame(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    extraction = models.ForeignKey(FrameExtraction, related_name="frames", on_delete=models.CASCADE)
    index = models.PositiveIntegerField()
    timestamp = models.FloatField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    thumbnail = models.CharField(max_length=500, blank=True)  # relative to MEDIA_ROOT

    class Meta:
        ordering = ["extraction", "index"]
        constraints = [
            models.UniqueConstraint(
                fields=["extraction", "index"], name="engine_frame_unique_index"
            )
        ]

    def __str__(self) -> str:
        return f"frame {self.index} @ {self.timestamp:.2f}s"


class FaceDetection(JobFields):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.ForeignKey(File, related_name="face_detections", on_delete=models.CASCADE)
    frame_extraction = models.ForeignKey(
        FrameExtraction, related_name="face_detections", on_delete=models.CASCADE
    )
    detector = models.CharField(max_length=8, default="hog")
    face_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at"], name="engine_fd_created"),
            models.Index(fields=["status", "-created_at"], name="engine_fd_status"),
        ]

    def __str__(self) -> str:
        return f"detection {self.id}"


class DetectedFace(BoxFields):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    detection = models.ForeignKey(FaceDetection, related_name="faces", on_delete=models.CASCADE)
    frame = models.ForeignKey(Frame, related_name="faces", on_delete=models.CASCADE)
    embedding = models.BinaryField()  # 128 little-endian float32 = 512 bytes

    class Meta:
        indexes = [models.Index(fields=["detection", "frame"], name="engine_face_det_frame")]

    def __str__(self) -> str:
        return f"face {self.id}"


class FaceMatch(JobFields):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.ForeignKey(File, related_name="face_matches", on_delete=models.CASCADE)
    # Kept when an earlier detection or extraction is deleted: the results
    # carry their own copy of boxes, timestamps and frame ids.
    face_detection = models.ForeignKey(
        FaceDetection, related_name="face_matches", null=True, on_delete=models.SET_NULL
    )
    frame_extraction = models.ForeignKey(
        FrameExtraction, related_name="face_matches", null=True, on_delete=models.SET_NULL
    )
    source_image = models.CharField(max_length=500, blank=True)  # relative to MEDIA_ROOT
    source_box_top = models.FloatField(null=True, blank=True)
    source_box_left = models.FloatField(null=True, blank=True)
    source_box_width = models.FloatField(null=True, blank=True)
    source_box_height = models.FloatField(null=True, blank=True)
    source_embedding = models.BinaryField(null=True, blank=True)
    max_faces = models.PositiveIntegerField(null=True, blank=True)
    match_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at"], name="engine_fm_created"),
            models.Index(fields=["status", "-created_at"], name="engine_fm_status"),
        ]

    def __str__(self) -> str:
        return f"face match {self.id}"

    @property
    def source_box(self) -> Box | None:
        if self.source_box_top is None:
            return None
        return Box(
            self.source_box_top,
            self.source_box_left or 0.0,
            self.source_box_width or 0.0,
            self.source_box_height or 0.0,
        )

    def set_source_box(self, box: Box) -> None:
        self.source_box_top, self.source_box_left = box.top, box.left
        self.source_box_width, self.source_box_height = box.width, box.height


class FaceMatchResult(BoxFields):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    face_match = models.ForeignKey(FaceMatch, related_name="results", on_delete=models.CASCADE)
    detected_face = models.ForeignKey(
        DetectedFace, related_name="+", null=True, on_delete=models.SET_NULL
    )
    frame = models.ForeignKey(Frame, related_name="+", null=True, on_delete=models.SET_NULL)
    frame_uid = models.UUIDField()  # the frame's id, kept if the frame is deleted
    similarity = models.FloatField()
    timestamp = models.FloatField()

    class Meta:
        ordering = ["-similarity", "timestamp", "id"]
        indexes = [
            models.Index(
                fields=["face_match", "-similarity", "timestamp"], name="engine_result_rank"
            )
        ]

    def __str__(self) -> str:
        return f"{self.similarity:.1f} @ {self.timestamp:.2f}s"


class ApiKey(models.Model):
    name = models.CharField(max_length=100, unique=True)
    prefix = models.CharField(max_length=16, unique=True)  # shown in listings
    key_hash = models.CharField(max_length=64)  # sha256 hex of the whole key
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
