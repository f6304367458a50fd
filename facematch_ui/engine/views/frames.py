from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from facematch_ui.engine import jobs, recovery, shapes
from facematch_ui.engine.http import api_view, get_or_not_found, json_body, page_params, parse_uuid
from facematch_ui.engine.models import FrameExtraction


@api_view("POST")
def create_extraction(request: HttpRequest, file_id: str) -> JsonResponse:
    file = jobs.get_file(parse_uuid(file_id, "File"))
    extraction = jobs.create_frame_extraction(file, json_body(request))
    return JsonResponse(shapes.extraction(request, extraction, *page_params(request)))


@api_view("GET")
def list_extractions(request: HttpRequest, file_id: str) -> JsonResponse:
    file = jobs.get_file(parse_uuid(file_id, "File"))
    limit, offset = page_params(request)
    rows = FrameExtraction.objects.filter(file=file).order_by("-created_at", "-id")
    items = [shapes.extraction_summary(row) for row in rows[offset : offset + limit]]
    return JsonResponse(shapes.page(items, rows.count(), limit, offset))


def _extraction(extraction_id: str) -> FrameExtraction:
    return get_or_not_found(FrameExtraction, extraction_id, "Frame extraction")


@api_view("GET")
def get_extraction(request: HttpRequest, extraction_id: str) -> JsonResponse:
    limit, offset = page_params(request)
    _extraction(extraction_id)
    recovery.recover_stale_jobs()
    row = _extraction(extraction_id)
    return JsonResponse(shapes.extraction(request, row, limit, offset))


@api_view("DELETE")
def delete_extraction(request: HttpRequest, extraction_id: str) -> JsonResponse:
    row = _extraction(extraction_id)
    deleted_id = str(row.id)
    jobs.delete_extraction(row)
    return JsonResponse({"id": deleted_id})
