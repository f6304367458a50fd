"""A match's detail: frame with its box, both faces, timeline, video, verdict.

Opened over the gallery (htmx fetches the `detail` partial into a <dialog>),
or as a whole page from a copied URL or without JavaScript. The same page
serves share links read-only (review.share_views): everything that differs
is in `DetailLinks`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from facematch_ui.review import verdicts
from facematch_ui.review.access import get_job_for_user
from facematch_ui.review.forms import GalleryQuery, GalleryQueryForm
from facematch_ui.review.models import Job, Match, VerdictValue
from facematch_ui.review.queries import ORDERINGS, gallery_matches
from facematch_ui.review.timeline import build_timeline
from facematch_ui.review.video import video_info, video_response
from facematch_ui.review.views import HtmxHttpRequest, _wants_partial

DEFAULT_SAMPLING_INTERVAL = 1.0  # seconds, when a job has a single frame with matches
SAMPLING_PROBE = 500  # timestamps read to estimate the sampling interval


@dataclass(frozen=True, slots=True)
class DetailLinks:
    """Where the detail's links and images point: the analyst's routes or a share's."""

    match_prefix: str  # ".../matches/": + id + "/" is a match, + id + "/face.jpg" its face
    gallery: str
    video: str
    source_face: str
    can_edit: bool

    def match(self, api_id: str, query_string: str) -> str:
        return f"{self.match_prefix}{api_id}/" + (f"?{query_string}" if query_string else "")

    def image(self, api_id: str, variant: str) -> str:
        return f"{self.match_prefix}{api_id}/{variant}.jpg"


def analyst_links(job: Job) -> DetailLinks:
    return DetailLinks(
        match_prefix=reverse("review:job_detail", kwargs={"api_id": job.api_id}) + "matches/",
        gallery=reverse("review:job_detail", kwargs={"api_id": job.api_id}),
        video=reverse("review:match_video", kwargs={"api_id": job.api_id}),
        source_face=reverse(
            "review:source_image", kwargs={"api_id": job.api_id, "variant": "face"}
        ),
        can_edit=True,
    )


def _neighbour(matching: QuerySet[Match], match: Match, sort: str, *, after: bool) -> str | None:
    """The api_id just after (or before) `match` in the gallery's `sort` order."""
    order = ORDERINGS[sort]
    same_time_later = Q(timestamp=match.timestamp, id__gt=match.pk)
    later_in_time = Q(timestamp__gt=match.timestamp) | same_time_later
    if sort == "similarity":
        later = Q(similarity__lt=match.similarity) | (
            Q(similarity=match.similarity) & later_in_time
        )
    else:
        later = later_in_time
    if after:
        candidates = matching.filter(later).order_by(*order)
    else:
        reverse_order = [f[1:] if f.startswith("-") else f"-{f}" for f in order]
        candidates = matching.filter(~later).exclude(pk=match.pk).order_by(*reverse_order)
    return candidates.values_list("api_id", flat=True).first()


def _sampling_interval(job: Job) -> float:
    times = list(
        Match.objects.filter(job=job)
        .order_by("timestamp")
        .values_list("timestamp", flat=True)
        .distinct()[:SAMPLING_PROBE]
    )
    gaps = [b - a for a, b in itertools.pairwise(times) if b - a > 1e-6]
    return min(gaps) if gaps else DEFAULT_SAMPLING_INTERVAL


def _query_string(query: GalleryQuery) -> str:
    return urlencode(query.params())


def detail_context(
    job: Job, match: Match, query: GalleryQuery, links: DetailLinks
) -> dict[str, object]:
    """Everything the detail template shows, for the analyst's page or a share's."""
    matching = gallery_matches(job, query)
    query_string = _query_string(query)
    previous_id = _neighbour(matching, match, query.sort, after=False)
    next_id = _neighbour(matching, match, query.sort, after=True)
    video = video_info(job)
    timeline = build_timeline(job, current_id=match.api_id, duration=video.duration)
    verdict = getattr(match, "verdict", None)
    return {
        "job": job,
        "match": match,
        "query": query,
        "links": links,
        "can_edit": links.can_edit,
        "match_url": links.match(match.api_id, query_string),
        "close_url": f"{links.gallery}?{query_string}",
        "previous_url": links.match(previous_id, query_string) if previous_id else "",
        "next_url": links.match(next_id, query_string) if next_id else "",
        "frame_src": links.image(match.api_id, "frame"),
        "face_src": links.image(match.api_id, "face"),
        "timeline": timeline,
        "timeline_marks": [
            (mark, links.match(mark.match_id, query_string)) for mark in timeline.marks
        ],
        "timeline_query": query_string,
        "video": video,
        "video_start": max(match.timestamp - 3, 0),
        "overlay_tolerance": _sampling_interval(job) / 2,
        "verdict": verdict,
        "verdict_version": verdict.version if verdict is not None else 0,
        "verdict_choices": VerdictValue.choices,
        "history": verdicts.history(match) if links.can_edit else [],
    }


def get_match(job: Job, match_id: str) -> Match:
    match = Match.objects.filter(job=job, api_id=match_id).select_related("verdict").first()
    if match is None:
        raise Http404("No such match.")
    match.job = job
    return match


def render_detail(
    request: HtmxHttpRequest, context: dict[str, object], *, status: int = 200
) -> HttpResponse:
    template = "review/match_detail.html"
    if _wants_partial(request):
        template += "#detail"
    return render(request, template, context, status=status)


@require_GET
@login_required
@vary_on_headers("HX-Request")
def match_detail(request: HtmxHttpRequest, api_id: str, match_id: str) -> HttpResponse:
    job = get_job_for_user(request.user, api_id)
    match = get_match(job, match_id)
    query = GalleryQueryForm(request.GET).query()
    return render_detail(request, detail_context(job, match, query, analyst_links(job)))


@require_POST
@login_required
def match_verdict(request: HtmxHttpRequest, api_id: str, match_id: str) -> HttpResponse:
    """Set the verdict from the detail; a stale version is refused with 409."""
    job = get_job_for_user(request.user, api_id)
    match = get_match(job, match_id)
    query = GalleryQueryForm(request.GET).query()
    error, status = "", 200
    try:
        expected = int(request.POST.get("expected_version", ""))
    except ValueError:
        expected = None
    try:
        verdicts.set_verdict(
            match,
            request.POST.get("value", ""),
            note=request.POST.get("note", ""),
            user=request.user,  # type: ignore[arg-type]
            expected_version=expected,
        )
    except verdicts.VerdictConflict as err:
        error, status = (
            f"Someone else changed this verdict meanwhile (now "
            f"“{(err.current.value if err.current else '') or 'unreviewed'}”). "
            "Check it below and choose again.",
            409,
        )
    except ValueError as err:
        error, status = str(err), 400
    if status == 200 and not _wants_partial(request):
        return redirect(analyst_links(job).match(match.api_id, _query_string(query)))
    match = get_match(job, match_id)
    context = detail_context(job, match, query, analyst_links(job))
    context["verdict_error"] = error
    return render_detail(request, context, status=status)


@require_GET
@login_required
def match_video(request: HtmxHttpRequest, api_id: str) -> HttpResponse:
    """The job's video, a byte range at a time, for the detail's player."""
    job = get_job_for_user(request.user, api_id)
    return video_response(job, request.headers.get("Range"))
