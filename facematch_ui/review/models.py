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
    # While processing, when the API reports it (the embedded engine does).
    frames_done = models.PositiveIntegerField(null=True, blank=True)
    frames_total = models.PositiveIntegerField(null=True, blank=True)
    failure_message = models.TextField(blank=True)  # the API's reason for a failed job
    vanished_at = models.DateTimeField(null=True, blank=True)  # 404 upstream
    # Bumped in the same transaction as every write that changes the counts
    # by similarity and verdict (review.counts_cache): cached counts are keyed
    # by it, so every process sees a write at once, whatever its cache.
    counts_version = models.PositiveBigIntegerField(default=0)
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

    @property
    def has_progress(self) -> bool:
        return (
            self.status == JobStatus.PROCESSING
            and self.frames_total is not None
            and self.frames_done is not None
        )


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
    # Face quality cues (review.quality), measured on the stored frame
    # thumbnail, so in its pixels (frames are scaled to at most 640 px):
    # the shorter side of the face box, and the Laplacian variance of the
    # face resized to a fixed size. Null until scored.
    face_px = models.PositiveIntegerField(null=True, blank=True)
    sharpness = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "api_id"], name="match_unique_per_job"),
        ]
        indexes = [
            # Gallery: filter by threshold within a job, sort, paginate.
            models.Index(
                fields=["job", "-similarity", "timestamp", "id"], name="match_by_similarity"
            ),
            # Covers the threshold filter so deep time-sorted pages scan the index only.
            models.Index(
                fields=["job", "timestamp", "id", "similarity"], name="match_by_time_covering"
            ),
            # Triage: "faces at least N px" / "sharp enough" within a job.
            models.Index(fields=["job", "face_px"], name="match_by_face_px"),
            models.Index(fields=["job", "sharpness"], name="match_by_sharpness"),
        ]

    def __str__(self) -> str:
        return f"{self.job.api_id}/{self.api_id}"


# --- Triage: analysts' verdicts --------------------------------------------------


class VerdictValue(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"
    UNSURE = "unsure", "Unsure"


class VerdictSource(models.TextChoices):
    """Where a verdict change came from; an appearance verdict skips "match" ones."""

    MATCH = "match", "Set on the match"
    APPEARANCE = "appearance", "Set on its appearance"
    BULK = "bulk", "Bulk action"
    UNDO = "undo", "Undo"


class Verdict(models.Model):
    """The current verdict of a match (review.verdicts writes it).

    `value` is "" once an undo took the match back to unreviewed: the row is
    kept so `version` keeps counting up and a stale save is still detected.
    """

    match = models.OneToOneField(Match, related_name="verdict", on_delete=models.CASCADE)
    value = models.CharField(max_length=16, choices=VerdictValue.choices, blank=True)
    note = models.TextField(blank=True)
    source = models.CharField(max_length=16, choices=VerdictSource.choices)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)  # optimistic concurrency

    class Meta:
        indexes = [models.Index(fields=["value"], name="verdict_by_value")]

    def __str__(self) -> str:
        return f"{self.match_id}: {self.value or 'unreviewed'}"


class VerdictChange(models.Model):
    """One change of a match's verdict; append-only (the audit trail)."""

    match = models.ForeignKey(Match, related_name="verdict_changes", on_delete=models.CASCADE)
    value = models.CharField(max_length=16, choices=VerdictValue.choices, blank=True)
    note = models.TextField(blank=True)
    previous_value = models.CharField(max_length=16, choices=VerdictValue.choices, blank=True)
    previous_note = models.TextField(blank=True)
    source = models.CharField(max_length=16, choices=VerdictSource.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField()
    version = models.PositiveIntegerField()  # the verdict's version after this change
    # Set on an undo: the change it took back (so the next undo goes further back).
    reverts = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reverted_by"
    )

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["match", "-id"], name="verdict_change_by_match")]

    def __str__(self) -> str:
        return f"{self.match_id}: {self.previous_value or '-'} -> {self.value or '-'}"


# --- Triage: share links ------------------------------------------------------------


class ShareLink(models.Model):
    """A read-only link to one job (review.sharing creates and resolves them).

    Only a SHA-256 of the token is stored. `token_prefix` (its first
    characters, 48 bits) narrows the lookup; the remaining 144 bits stay
    secret, and the hash is compared in constant time.
    """

    job = models.ForeignKey(Job, related_name="share_links", on_delete=models.CASCADE)
    token_prefix = models.CharField(max_length=8, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)  # sha256 hex
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    password_hash = models.CharField(max_length=256, blank=True)  # make_password; "" = none
    frozen_query = models.JSONField(null=True, blank=True)  # view filters fixed by the sharer
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    open_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.job.api_id} share {self.token_prefix}..."

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)
