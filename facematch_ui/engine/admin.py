"""Read-mostly admin for operators: inspect jobs and revoke keys, not edit results."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from facematch_ui.engine.models import (
    ApiKey,
    FaceDetection,
    FaceMatch,
    FaceMatchResult,
    File,
    FrameExtraction,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(File)
class FileAdmin(ReadOnlyAdmin):
    list_display = ("filename", "id", "bytes", "duration_seconds", "status", "created_at")
    list_filter = ("status", "source")
    search_fields = ("filename", "id")


@admin.register(FrameExtraction)
class FrameExtractionAdmin(ReadOnlyAdmin):
    list_display = ("id", "file", "status", "frames_per_second", "frame_count", "created_at")
    list_filter = ("status",)


@admin.register(FaceDetection)
class FaceDetectionAdmin(ReadOnlyAdmin):
    list_display = ("id", "file", "status", "frames_done", "frames_total", "face_count")
    list_filter = ("status", "detector")
    readonly_fields = ("error",)


@admin.register(FaceMatch)
class FaceMatchAdmin(ReadOnlyAdmin):
    list_display = ("id", "file", "status", "match_count", "attempts", "created_at")
    list_filter = ("status",)
    exclude = ("source_embedding",)


@admin.register(FaceMatchResult)
class FaceMatchResultAdmin(ReadOnlyAdmin):
    list_display = ("id", "face_match", "similarity", "timestamp")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are created with `manage.py create_api_key`; here only revoked."""

    list_display = ("name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("name", "prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
