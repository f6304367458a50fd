"""The embedded face API, mounted at /v1/ (paths as in cloudglue-face-api)."""

from django.urls import path

from facematch_ui.engine.http import method_router
from facematch_ui.engine.views import face_detect, face_match, files, frames, thumbnails

app_name = "engine"
urlpatterns = [
    path("files", method_router(post=files.upload_file, get=files.list_files), name="files"),
    path(
        "files/<str:file_id>",
        method_router(get=files.get_file, put=files.update_file, delete=files.delete_file),
        name="file",
    ),
    # Extension (not in the spec): the stored video's bytes, with Range support.
    path("files/<str:file_id>/content", files.file_content, name="file_content"),
    path(
        "files/<str:file_id>/frames",
        method_router(post=frames.create_extraction, get=frames.list_extractions),
        name="file_frames",
    ),
    path(
        "frames/<str:extraction_id>",
        method_router(get=frames.get_extraction, delete=frames.delete_extraction),
        name="frame_extraction",
    ),
    path(
        "face-detect",
        method_router(post=face_detect.create_detection, get=face_detect.list_detections),
        name="face_detections",
    ),
    path(
        "face-detect/<str:detection_id>",
        method_router(get=face_detect.get_detection, delete=face_detect.delete_detection),
        name="face_detection",
    ),
    path(
        "face-match",
        method_router(post=face_match.create_match, get=face_match.list_matches),
        name="face_matches",
    ),
    path(
        "face-match/<str:face_match_id>",
        method_router(get=face_match.get_match, delete=face_match.delete_match),
        name="face_match",
    ),
    path("thumbnails/<str:frame_id>.jpg", thumbnails.thumbnail, name="thumbnail"),
]
