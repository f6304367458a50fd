from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponseBase

from facematch_ui.engine import storage, thumbnails
from facematch_ui.engine.http import ApiError, NotFound, api_view, parse_uuid
from facematch_ui.engine.models import Frame


@api_view("GET", auth=False)  # the signature is the credential, like a CDN link
def thumbnail(request: HttpRequest, frame_id: str) -> HttpResponseBase:
    pk = parse_uuid(frame_id, "Thumbnail")
    if not thumbnails.is_valid(pk, request.GET.get("sig", "")):
        raise ApiError("Invalid or expired thumbnail link.", status=403)
    frame = Frame.objects.filter(pk=pk).first()
    if frame is None or not frame.thumbnail:
        raise NotFound(f"Thumbnail {frame_id} not found.")
    try:
        handle = storage.absolute(frame.thumbnail).open("rb")
    except (OSError, ValueError) as err:
        raise NotFound(f"Thumbnail {frame_id} not found.") from err
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400, immutable"
    return response
