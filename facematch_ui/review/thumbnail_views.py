"""Images of the gallery, served from our origin.

The browser only ever sees these URLs: upstream thumbnail URLs (which may
carry tokens or expire) stay on the server. A missing image is a placeholder
JPEG, never an error, so a half-synced gallery still lays out.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from facematch_ui.imaging import placeholder_jpeg
from facematch_ui.review.access import get_job_for_user
from facematch_ui.review.models import Match
from facematch_ui.review.thumbnails import source_image_file, thumbnail_file

MATCH_VARIANTS = {"frame": (320, 180), "face": (160, 160)}  # placeholder sizes
SOURCE_VARIANTS = {"full": (320, 320), "face": (160, 160)}
STORED_CACHE = "private, max-age=86400"
# A placeholder may be replaced by the real image at the next sync.
PLACEHOLDER_CACHE = "private, max-age=30"


def _jpeg(path: Path | None, placeholder_size: tuple[int, int]) -> HttpResponseBase:
    if path is not None and path.is_file():
        stored = FileResponse(path.open("rb"), content_type="image/jpeg")
        stored["Cache-Control"] = STORED_CACHE
        return stored
    placeholder = HttpResponse(placeholder_jpeg(placeholder_size), content_type="image/jpeg")
    placeholder["Cache-Control"] = PLACEHOLDER_CACHE
    return placeholder


@require_GET
@login_required
def match_thumbnail(
    request: HttpRequest, api_id: str, match_id: str, variant: str
) -> HttpResponseBase:
    if variant not in MATCH_VARIANTS:
        raise Http404("No such image variant.")
    job = get_job_for_user(request.user, api_id)
    try:
        match = Match.objects.get(job=job, api_id=match_id)
    except Match.DoesNotExist:
        raise Http404("No such match.") from None
    match.job = job  # the thumbnail store names files by job
    return _jpeg(thumbnail_file(match, variant), MATCH_VARIANTS[variant])  # type: ignore[arg-type]


@require_GET
@login_required
def source_image(request: HttpRequest, api_id: str, variant: str) -> HttpResponseBase:
    if variant not in SOURCE_VARIANTS:
        raise Http404("No such image variant.")
    job = get_job_for_user(request.user, api_id)
    return _jpeg(source_image_file(job, variant), SOURCE_VARIANTS[variant])  # type: ignore[arg-type]
