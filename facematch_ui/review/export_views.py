"""Downloads of a job's matches for signed-in analysts: CSV, JSON, PNG contact sheet.

They follow the gallery's current filters (its query string), so "export"
gives what the analyst is looking at. Share links get no exports: a link
shows a job to read, not its data to take away.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from facematch_ui.review.access import get_job_for_user
from facematch_ui.review.exports import (
    confirmed_matches,
    contact_sheet_png,
    matches_csv,
    matches_json,
)
from facematch_ui.review.forms import GalleryQueryForm
from facematch_ui.review.queries import ORDERINGS, gallery_matches

FORMATS = ("csv", "json", "png")


def _attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def export(request: HttpRequest, api_id: str, fmt: str) -> HttpResponseBase:
    """The gallery's matches (current filters and sort) as `fmt`.

    The PNG contact sheet shows the confirmed ones among them.
    """
    if fmt not in FORMATS:
        raise Http404("Exports are csv, json or png.")
    job = get_job_for_user(request.user, api_id)
    query = GalleryQueryForm(request.GET).query()
    matching = gallery_matches(job, query).order_by(*ORDERINGS[query.sort])
    name = f"facematch-{job.api_id}"
    if fmt == "csv":
        stream = StreamingHttpResponse(matches_csv(job, matching), content_type="text/csv")
        return _attachment(stream, f"{name}.csv")
    if fmt == "json":
        body = json.dumps(matches_json(job, matching), cls=DjangoJSONEncoder)
        return _attachment(HttpResponse(body, content_type="application/json"), f"{name}.json")
    confirmed = confirmed_matches(job).filter(pk__in=matching.values("pk"))
    png = contact_sheet_png(job, confirmed)
    return _attachment(HttpResponse(png, content_type="image/png"), f"{name}-confirmed.png")
