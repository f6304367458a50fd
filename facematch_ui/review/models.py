"""The dashboard's local cache of face-match jobs and their matches.

Rows are keyed by the API's ids. Sync (review.sync) upserts them and never
deletes: later features hang analyst verdicts on matches, and a job that
vanished upstream is only marked (`vanished_at`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSING = "processing", "Processing"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


FINAL_STATUSES = frozenset({JobStatus.COMPLETED, JobStatus.FAILED})


class Job(models.Model):
    api_id = models.CharField(max_length=64, unique=True)  # face_match_id
    status = models.CharField(max_length=16, choices=JobStatus.choices, db_index=True)
    created_at = models.DateTimeField(db_index=True)  # upstream creation time
    file_id = models.CharField(max_length=64, blank=True)
    face_detection_id = models.CharField(max_length=64, blank=True)
    frame_extraction_id = models.CharField(max_length=64, blank=True)
    # Source face box in the source image (0..1); null until completed.
    source_top = models.FloatField(null=True, blank=True)
    source_left = models.FloatField(null=True, blank=True)
    source_width = models.FloatField(null=True, blank=True)
    source_height = models.FloatField(null=True, blank=True)
    # The source photo, kept when the job was created from this dashboard
    # (the API never returns it). Relative to REVIEW_THUMBNAIL_DIR.
    source_image = models.CharField(max_length=255, blank=True)
    match_total = models.PositiveIntegerField(null=True, blank=True)  # upstream `total`
    matches_synced = models.PositiveIntegerField(default=0)
    synced_at = models.DateTimeField(null=True, blank=True)
    sync_error = models.TextField(blank=True)  # last sync problem, shown to analysts
    vanished_at = models.DateTimeField(null=True, blank=True)  # 404 upstream
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.api_id

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class ThumbnailState(models.TextChoices):
    PENDING = "pending", "Not fetched yet"
    STORED = "stored", "Stored"
    MISSING = "missing", "Unavailable"  # no URL, fetch failed, or not an image


class Match(models.Model):
    job = models.ForeignKey(Job, related_name="matches", on_delete=models.CASCADE)
    api_id = models.CharField(max_length=64)  # FaceMatchResult.id
    frame_id = models.CharField(max_length=64, blank=True)
    similarity = models.FloatField()  # 0..100
    timestamp = models.FloatField()  # seconds
    box_top = models.FloatField()
    box_left = models.FloatField()
    box_width = models.FloatField()
    box_height = models.FloatField()
    # Upstream URL: server-side only, never rendered to the browser.
    thumbnail_url = models.TextField(blank=True)
    thumbnail_state = models.CharField(
        max_length=8, choices=ThumbnailState.choices, default=ThumbnailState.PENDING
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "api_id"], name="match_unique_per_job"),
        ]
        indexes = [
            # Gallery: filter by threshold within a job, sort, paginate.
            models.Index(fields=["job", "-similarity", "timestamp", "id"], name="match_by_similarity"),
            models.Index(fields=["job", "timestamp", "id"], name="match_by_time"),
        ]

    def __str__(self) -> str:
        return f"{self.job.api_id}/{self.api_id}"
