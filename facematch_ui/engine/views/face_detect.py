from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from facematch_ui.engine import jobs, recovery, shapes
from facematch_ui.engine.http import (
    api_view,
    get_or_not_found,
    json_body,
    list_filters,
    page_params,
)
from facematch_ui.engine.models import FaceDetection, JobStatus


@api_view("POST")
def create_detection(request: HttpRequest) -> JsonResponse:
    detection = jobs.create_face_detection(json_body(request))
    return JsonResponse(shapes.detection(request, detection, *page_params(request)))


@api_view("GET")
def list_detections(request: HttpRequest) -> JsonResponse:
    limit, offset = page_params(request)
    rows = FaceDetection.objects.filter(**list_filters(request, tuple(JobStatus.values)))
    rows = rows.order_by("-created_at", "-id")
    items = [shapes.detection_summary(row) for row in rows[offset : offset + limit]]
    return JsonResponse(shapes.page(items, rows.count(), limit, offset))


def _detection(detection_id: str) -> FaceDetection:
    return get_or_not_found(FaceDetection, detection_id, "Face detection")


@api_view("GET")
def get_detection(request: HttpRequest, detection_id: str) -> JsonResponse:
    limit, offset = page_params(request)
    _detection(detection_id)
    recovery.recover_stale_jobs()
    return JsonResponse(shapes.detection(request, _detection(detection_id), limit, offset))


@api_view("DELETE")
def delete_detection(request: HttpRequest, detection_id: str) -> JsonResponse:
    row = _detection(detection_id)
    deleted_id = str(row.id)
    row.delete()
    return JsonResponse({"id": deleted_id})
