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
from facematch_ui.engine.models import FaceMatch, JobStatus


@api_view("POST")
def create_match(request: HttpRequest) -> JsonResponse:
    face_match = jobs.create_face_match(json_body(request))
    return JsonResponse(shapes.face_match(request, face_match, *page_params(request)))


@api_view("GET")
def list_matches(request: HttpRequest) -> JsonResponse:
    limit, offset = page_params(request)
    rows = FaceMatch.objects.filter(**list_filters(request, tuple(JobStatus.values)))
    rows = rows.order_by("-created_at", "-id")
    items = [shapes.match_summary(row) for row in rows[offset : offset + limit]]
    return JsonResponse(shapes.page(items, rows.count(), limit, offset))


def _match(face_match_id: str) -> FaceMatch:
    return get_or_not_found(FaceMatch, face_match_id, "Face match")


@api_view("GET")
def get_match(request: HttpRequest, face_match_id: str) -> JsonResponse:
    limit, offset = page_params(request)
    _match(face_match_id)
    recovery.recover_stale_jobs()
    return JsonResponse(shapes.face_match(request, _match(face_match_id), limit, offset))


@api_view("DELETE")
def delete_match(request: HttpRequest, face_match_id: str) -> JsonResponse:
    row = _match(face_match_id)
    deleted_id = str(row.id)
    jobs.delete_face_match(row)
    return JsonResponse({"face_match_id": deleted_id, "object": "face_match"})
