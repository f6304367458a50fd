"""The dashboard's pages: the jobs list, the job page and "New face match".

One view per page. htmx requests get a partial of the same template
(django-template-partials), chosen by what the request targets.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseStopPolling, trigger_client_event
from django_htmx.middleware import HtmxDetails

from facematch_ui import imaging
from facematch_ui.faceapi.errors import FaceApiError, InvalidRequest, NotFound
from facematch_ui.faceapi.types import UploadedFile
from facematch_ui.review import sync, tasks
from facematch_ui.review.access import get_job_for_user
from facematch_ui.review.card_cache import (
    card_cache_key,
    controls_cache_key,
    histogram_cache_key,
    job_actions_cache_key,
    results_cache_key,
)
from facematch_ui.review.cards import card_views
from facematch_ui.review.counts_cache import cached_verdict_counts
from facematch_ui.review.forms import (
    FILES_NOT_KEPT,
    PAGE_SIZES,
    SORT_CHOICES,
    VERDICT_CHOICES,
    GalleryQuery,
    GalleryQueryForm,
    JobFilterForm,
    NewMatchForm,
    OpenJobForm,
)
from facematch_ui.review.models import Job, JobStatus
from facematch_ui.review.new_match import start_face_match, uploaded_videos
from facematch_ui.review.queries import GalleryPage, gallery_page, progress_by_job
from facematch_ui.review.similarity import VerdictCounts, stacked_drawing
from facematch_ui.review.templatetags.review_tags import query_url

logger = logging.getLogger(__name__)

JOBS_PER_PAGE = 50
JOB_FINAL_EVENT = "job-final"  # tells the job page to load its finished body


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _wants_partial(request: HtmxHttpRequest) -> bool:
    # A history restore after a cache miss must get the whole page back.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _jobs(status: str) -> QuerySet[Job]:
    jobs = Job.objects.order_by(F("vanished_at").asc(nulls_first=True), "-created_at", "-id")
    return jobs.filter(status=status) if status else jobs


def _job_list_context(request: HtmxHttpRequest, *, open_form: OpenJobForm | None = None) -> dict:
    get = request.GET
    filter_form = JobFilterForm(get)
    status = filter_form.status_value()
    page = Paginator(_jobs(status), JOBS_PER_PAGE).get_page(get.get("page"))
    progress = progress_by_job([job.pk for job in page.object_list])
    for job in page.object_list:
        job.progress = progress.get(job.pk)  # type: ignore[attr-defined]
    return {
        "filter_form": filter_form,
        "status": status,
        "jobs_page": page,
        "open_form": open_form or OpenJobForm(),
        "any_jobs": bool(page.object_list) or Job.objects.exists(),
    }


@require_GET
@login_required
@vary_on_headers("HX-Request")
def job_list(request: HtmxHttpRequest) -> HttpResponse:
    context = _job_list_context(request)
    template = (
        "review/job_list.html#job-list" if _wants_partial(request) else "review/job_list.html"
    )
    return render(request, template, context)


@require_GET
@login_required
def open_job(request: HtmxHttpRequest) -> HttpResponse:
    """Open a job by its API id, fetching it into the cache when unknown."""
    form = OpenJobForm(request.GET)
    status = 400
    if form.is_valid():
        api_id = form.cleaned_data["id"]
        if Job.objects.filter(api_id=api_id).exists():
            return redirect("review:job_detail", api_id=api_id)
        try:
            job = sync.sync_job(api_id)
        except NotFound:
            form.add_error("id", f"No face match with id {api_id} exists on the face API.")
            status = 404
        except FaceApiError as err:
            form.add_error("id", f"Could not fetch face match {api_id}: {err}")
            status = 502
        else:
            return redirect("review:job_detail", api_id=job.api_id)
    context = _job_list_context(request, open_form=form)
    return render(request, "review/job_list.html", context, status=status)


@require_POST
@login_required
def refresh_jobs(request: HtmxHttpRequest) -> HttpResponse:
    """Ask the background worker to pull the API's job list into the cache."""
    try:
        tasks.sync_job_list_task.enqueue()
    except FaceApiError as err:  # an immediate backend runs the sync inline
        messages.error(request, f"Could not refresh from the face API: {err}")
    else:
        messages.info(request, "Refreshing the list from the face API…")
    return redirect("review:job_list")


def gallery_context(
    job: Job,
    query: GalleryQuery,
    *,
    gallery_url: str,
    match_url_prefix: str,
    can_edit: bool,
) -> dict:
    """What the gallery templates need, for the job page or a read-only page.

    `gallery_url` is where every gallery link and control points (its query
    string is added), `match_url_prefix` + a match id + "/" is a match's
    detail page (+ "frame.jpg"/"face.jpg" its thumbnails), and `can_edit`
    shows verdict controls. The verdict counts are read unless cached for
    the job's counts version (review.counts_cache), plus a COUNT for a
    quality filter or a fractional threshold. The rendered results area,
    cards and histogram are cached for that version too (review.card_cache);
    the page's rows are read only when its cards are rendered.
    """
    context = gallery_frame_context(
        job, query, gallery_url=gallery_url, match_url_prefix=match_url_prefix, can_edit=can_edit
    )
    if job.status == JobStatus.COMPLETED:
        counts = cached_verdict_counts(job)
        page = gallery_page(
            job,
            threshold=query.threshold,
            sort=query.sort,
            page=query.page,
            page_size=query.page_size,
            known_total=known_total(counts, query),
            query=query,
        )
        context.update(
            gallery_results_context(query, counts, page, match_url_prefix=match_url_prefix)
        )
        context["card_cache_key"] = card_cache_key(
            job,
            query,
            match_url_prefix=match_url_prefix,
            can_edit=can_edit,
            return_url=context["return_url"],
        )
        context["histogram_cache_key"] = histogram_cache_key(job, query.threshold)
        context["results_cache_key"] = results_cache_key(
            job,
            query,
            gallery_url=gallery_url,
            match_url_prefix=match_url_prefix,
            can_edit=can_edit,
        )
    return context


def gallery_frame_context(
    job: Job, query: GalleryQuery, *, gallery_url: str, match_url_prefix: str, can_edit: bool
) -> dict:
    """The gallery context that reads nothing: the job, the view state and its links.

    `return_url` (the gallery as shown, where a verdict sends a browser
    without JavaScript back) is built once here, not once per card. The
    controls and the job's actions are rendered through review.card_cache.
    """
    return {
        "controls_cache_key": controls_cache_key(query, gallery_url),
        "job_actions_cache_key": job_actions_cache_key(job),
        "job": job,
        "query": query,
        "page_sizes": PAGE_SIZES,
        "sorts": SORT_CHOICES,
        "verdict_choices": VERDICT_CHOICES,
        "gallery_url": gallery_url,
        "return_url": query_url(gallery_url, query),
        "match_url_prefix": match_url_prefix,
        "can_edit": can_edit,
    }


def known_total(counts: VerdictCounts, query: GalleryQuery) -> int | None:
    """How many matches `query` selects, when the counts tell (None: COUNT them)."""
    if query.has_quality_filter:
        return None
    return counts.counts(query.verdict).at_or_above(query.threshold)


def gallery_results_context(
    query: GalleryQuery, counts: VerdictCounts, page: GalleryPage, *, match_url_prefix: str
) -> dict:
    """The completed job's results: histogram, progress and the page of cards.

    Kept apart from the two reads, so bench/gallery.py builds the same
    context from in-memory values to time what the reads cost.
    """
    # Lazy: a cache hit (review.card_cache) uses none of them.
    histogram = SimpleLazyObject(counts.stacked)
    return {
        "histogram": histogram,
        "drawing": SimpleLazyObject(
            lambda: stacked_drawing(histogram, query.threshold)  # type: ignore[arg-type]
        ),
        "progress": SimpleLazyObject(counts.progress),
        "page": page,
        "cards": SimpleLazyObject(
            lambda: card_views(page.items, page.start_index, match_url_prefix)
        ),
    }


def job_gallery_links(job: Job) -> dict[str, object]:
    """Where the analysts' own (editable) job page points its gallery."""
    url = reverse("review:job_detail", kwargs={"api_id": job.api_id})
    return {"gallery_url": url, "match_url_prefix": f"{url}matches/", "can_edit": True}


def job_gallery_context(job: Job, query: GalleryQuery) -> dict:
    """The gallery context of the analysts' own job page."""
    return gallery_context(job, query, **job_gallery_links(job))  # type: ignore[arg-type]


def _gallery_context(job: Job, request: HtmxHttpRequest) -> dict:
    return job_gallery_context(job, GalleryQueryForm(request.GET).query())


@require_GET
@login_required
@vary_on_headers("HX-Request", "HX-Target")
def job_detail(request: HtmxHttpRequest, api_id: str) -> HttpResponse:
    job = get_job_for_user(request.user, api_id)
    context = _gallery_context(job, request)
    template = "review/job_detail.html"
    if _wants_partial(request):
        # The finished-job reload targets the whole body; controls target results.
        target = request.htmx.target
        template += "#job-body" if target == "job-body" else "#results"
    return render(request, template, context)


def _request_sync_throttled(api_id: str) -> bool:
    """Ask for a background sync, at most once per sync interval per job.

    True when asked now (an immediate task backend has synced by then).
    """
    interval = max(int(settings.REVIEW_SYNC_INTERVAL), 1)
    if not cache.add(f"review:sync-requested:{api_id}", True, timeout=interval):
        return False
    try:
        tasks.request_sync(api_id)
    except FaceApiError as err:  # an immediate task backend syncs inline
        logger.warning("sync of %s failed: %s", api_id, err)
    return True


@require_GET
@login_required
def job_status(request: HtmxHttpRequest, api_id: str) -> HttpResponse:
    """The status badge, polled while the job runs; 286 stops the polling.

    Polled every 2 s by every open page, so it stays at the job's one query
    (after the session's): a final job is never synced, and a running one is
    read again only when this poll asked for a sync.
    """
    job = get_job_for_user(request.user, api_id)
    if not job.is_final and job.vanished_at is None and _request_sync_throttled(job.api_id):
        job.refresh_from_db()
    response = render(request, "review/job_detail.html#status", {"job": job})
    if job.is_final or job.vanished_at is not None:
        stop = HttpResponseStopPolling(response.content)
        return trigger_client_event(stop, JOB_FINAL_EVENT, {"status": job.status})
    return response


def _uploaded_videos() -> tuple[list[UploadedFile], str]:
    """The videos to offer, or none and why (the upload option works regardless)."""
    try:
        return uploaded_videos(), ""
    except FaceApiError as err:
        return [], f"Could not list the videos already uploaded: {err}"


def _render_new_match(request: HtmxHttpRequest, form: NewMatchForm, status: int) -> HttpResponse:
    videos, videos_error = _uploaded_videos()
    form.set_videos(videos)
    context = {
        "form": form,
        "videos_error": videos_error,
        "files_not_kept": FILES_NOT_KEPT if form.is_bound else "",
    }
    return render(request, "review/new_match.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def new_match(request: HtmxHttpRequest) -> HttpResponse:
    """Upload (or pick) a video and a face photo; start the job and go to its page."""
    if request.method == "GET":
        return _render_new_match(request, NewMatchForm(), 200)
    form = NewMatchForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_new_match(request, form, 400)
    try:
        job = start_face_match(form.match_request(), user=request.user)
    except imaging.ImagingError as err:  # read past the header: damaged or truncated
        form.add_error("photo", str(err))
        return _render_new_match(request, form, 400)
    except FaceApiError as err:
        refused = isinstance(err, InvalidRequest | NotFound)
        what = "refused the request" if refused else "could not be reached or failed"
        form.add_error(None, f"The face API {what}: {err}")
        return _render_new_match(request, form, 400 if refused else 502)
    response = redirect("review:job_detail", api_id=job.api_id)
    response.status_code = 303  # see the new job's page, whatever the method was
    return response
