from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)

from facematch_ui.engine import files, jobs, shapes, storage
from facematch_ui.engine.http import (
    ApiError,
    NotFound,
    api_view,
    error_response,
    json_body,
    list_filters,
    page_params,
)
from facematch_ui.engine.http import parse_uuid as _uuid
from facematch_ui.engine.models import File

FILE_STATUSES = ("pending", "processing", "completed", "failed", "not_applicable")


@api_view("POST")
def upload_file(request: HttpRequest) -> JsonResponse:
    """uploadFile: multipart `file` (+ optional `metadata` JSON string)."""
    declared = request.META.get("CONTENT_LENGTH", "")
    # Refuse before Django spools gigabytes to a temporary file.
    if declared.isdigit() and int(declared) > settings.MAX_UPLOAD_BYTES + 64 * 1024:
        raise ApiError(files.too_large_message(int(declared)))
    if not (request.content_type or "").startswith("multipart/form-data"):
        raise ApiError("Upload the video as multipart/form-data with a 'file' field.")
    try:
        upload = request.FILES.get("file")
        metadata_raw = request.POST.get("metadata")
    except RequestDataTooBig as err:
        raise ApiError("The form fields are too large.") from err
    if upload is None:
        raise ApiError("Missing the 'file' field (multipart/form-data).")
    if upload.size is not None and upload.size > settings.MAX_UPLOAD_BYTES:
        raise ApiError(files.too_large_message(upload.size))
    metadata = files.parse_metadata(metadata_raw)
    stored = files.store_video(upload.chunks(), upload.name, metadata=metadata)
    return JsonResponse(shapes.file(stored))


@api_view("GET")
def list_files(request: HttpRequest) -> JsonResponse:
    limit, offset = page_params(request)
    rows = File.objects.filter(**list_filters(request, FILE_STATUSES))
    order = request.GET.get("order") or "created_at"
    sort = request.GET.get("sort") or "desc"
    if order not in ("created_at", "filename") or sort not in ("asc", "desc"):
        raise ApiError("'order' must be created_at or filename, 'sort' asc or desc.")
    prefix = "-" if sort == "desc" else ""
    rows = rows.order_by(f"{prefix}{order}", f"{prefix}id")
    items = [shapes.file(row) for row in rows[offset : offset + limit]]
    return JsonResponse(shapes.page(items, rows.count(), limit, offset))


def _file(file_id: str) -> File:
    return jobs.get_file(_uuid(file_id, "File"))


@api_view("GET")
def get_file(request: HttpRequest, file_id: str) -> JsonResponse:
    return JsonResponse(shapes.file(_file(file_id)))


@api_view("PUT")
def update_file(request: HttpRequest, file_id: str) -> JsonResponse:
    """updateFile: new `metadata` (object) and/or `filename`."""
    file = _file(file_id)
    body = json_body(request)
    if "metadata" in body:
        if body["metadata"] is not None and not isinstance(body["metadata"], dict):
            raise ApiError("'metadata' must be an object.")
        file.metadata = body["metadata"]
    if "filename" in body:
        if not isinstance(body["filename"], str) or not body["filename"].strip():
            raise ApiError("'filename' must be a non-empty string.")
        file.filename = files.storage.sanitize_filename(body["filename"])
    file.save(update_fields=["metadata", "filename"])
    return JsonResponse(shapes.file(file))


@api_view("DELETE")
def delete_file(request: HttpRequest, file_id: str) -> JsonResponse:
    file = _file(file_id)
    deleted_id = str(file.id)
    files.delete_file(file)
    return JsonResponse({"id": deleted_id, "object": "file"})


# --- Extension: the stored video's bytes ----------------------------------------------
# Not in the spec (it has no download operation): the dashboard plays the
# video of a match from here. Same bearer auth as the rest of /v1.

CONTENT_CHUNK = 64 * 1024
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte of a single `bytes=` range, None if unsatisfiable."""
    found = _RANGE.fullmatch(header.strip())
    if found is None or found.group(1) == found.group(2) == "":
        return None
    first_text, last_text = found.groups()
    if first_text == "":  # "bytes=-500": the last 500 bytes
        suffix = int(last_text)
        if suffix == 0:
            return None
        return max(size - suffix, 0), size - 1
    first = int(first_text)
    last = size - 1 if last_text == "" else min(int(last_text), size - 1)
    if first >= size or last < first:
        return None
    return first, last


def _read_span(handle: BinaryIO, first: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(first)
        left = length
        while left > 0:
            chunk = handle.read(min(CONTENT_CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk
    finally:
        handle.close()


def _content_type(file: File) -> str:
    guessed, _ = mimetypes.guess_type(file.filename)
    return guessed or "application/octet-stream"


@api_view("GET")
def file_content(request: HttpRequest, file_id: str) -> HttpResponseBase:
    """The stored file's bytes; a `Range: bytes=a-b` header gets 206 (or 416)."""
    file = _file(file_id)
    try:
        path = storage.absolute(file.path)
        size = path.stat().st_size
    except (OSError, ValueError) as err:
        raise NotFound(f"The content of file {file_id} is not stored.") from err
    header = request.headers.get("Range")
    response: HttpResponseBase
    if header is None:
        response = FileResponse(path.open("rb"), content_type=_content_type(file))
    else:
        span = _byte_range(header, size)
        if span is None:
            refused = error_response(
                f"Range {header!r} cannot be served: the file is {size} bytes.", 416
            )
            refused["Content-Range"] = f"bytes */{size}"
            return refused
        first, last = span
        length = last - first + 1
        response = StreamingHttpResponse(
            _read_span(path.open("rb"), first, length), status=206, content_type=_content_type(file)
        )
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response
