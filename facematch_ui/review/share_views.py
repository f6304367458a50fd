"""Share links: analysts create and revoke them; visitors without an account read.

A visitor's pages live under /s/<token>/ and only ever show that link's job:
the gallery (read-only, with the sharer's frozen filters when set), a match's
detail, its images and its video. No page under /s/ writes anything except
the link's open counter and, for a password, the visitor's session.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from facematch_ui.review import sharing
from facematch_ui.review.access import get_job_for_user
from facematch_ui.review.detail_views import DetailLinks, detail_context, get_match, render_detail
from facematch_ui.review.forms import GalleryQuery, GalleryQueryForm
from facematch_ui.review.models import Job, ShareLink
from facematch_ui.review.share_forms import FROZEN_FIELDS, ShareLinkForm
from facematch_ui.review.thumbnail_views import MATCH_VARIANTS, SOURCE_VARIANTS
from facematch_ui.review.thumbnail_views import _jpeg as jpeg_response
from facematch_ui.review.thumbnails import source_image_file, thumbnail_file
from facematch_ui.review.video import video_response
from facematch_ui.review.views import HtmxHttpRequest, _wants_partial, gallery_context

PASSWORD_ATTEMPTS = 10  # failed passwords per link and address ...
PASSWORD_WINDOW = 600  # ... per this many seconds
TOKEN_GUESSES = 30  # invalid tokens per address ...
TOKEN_GUESS_WINDOW = 600  # ... per this many seconds


# --- Analysts: create, list, revoke ---------------------------------------------------


def link_status(link: ShareLink, now: datetime) -> str:
    if link.revoked_at is not None:
        return "revoked"
    return "expired" if link.expires_at <= now else "active"


def _share_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("review:shared_job", kwargs={"token": token}))


def _share_page(
    request: HttpRequest, job: Job, form: ShareLinkForm, *, new_url: str = "", status: int = 200
) -> HttpResponse:
    links = list(ShareLink.objects.filter(job=job).select_related("created_by"))
    now = timezone.now()
    for link in links:
        link.status = link_status(link, now)  # type: ignore[attr-defined]
    context = {"job": job, "form": form, "links": links, "new_url": new_url}
    return render(request, "review/share_links.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def share_links(request: HttpRequest, api_id: str) -> HttpResponse:
    """The job's share links; POST creates one and shows its URL this once."""
    job = get_job_for_user(request.user, api_id)
    if request.method == "GET":
        initial = {"gallery_query": request.GET.urlencode()}
        return _share_page(request, job, ShareLinkForm(initial=initial))
    form = ShareLinkForm(request.POST)
    if not form.is_valid():
        return _share_page(request, job, form, status=400)
    try:
        _link, token = sharing.create_share_link(
            job,
            request.user,  # type: ignore[arg-type]
            expires_in=form.expires_in(),
            password=form.cleaned_data["password"] or None,
            frozen_query=form.frozen_query(),
        )
    except ValueError as err:
        form.add_error(None, str(err))
        return _share_page(request, job, form, status=400)
    return _share_page(
        request, job, ShareLinkForm(), new_url=_share_url(request, token), status=201
    )


@require_POST
@login_required
def share_revoke(request: HttpRequest, api_id: str, link_id: int) -> HttpResponse:
    job = get_job_for_user(request.user, api_id)
    link = ShareLink.objects.filter(job=job, pk=link_id).first()
    if link is None:
        return _share_page(request, job, ShareLinkForm(), status=404)
    sharing.revoke(link)
    return redirect("review:share_links", api_id=job.api_id)


# --- Visitors: the read-only pages under /s/<token>/ ------------------------------------


def _session_key(link: ShareLink) -> str:
    return f"share-unlocked:{link.pk}"


def _error_page(request: HttpRequest, err: sharing.ShareLinkError) -> HttpResponse:
    status = 404 if isinstance(err, sharing.ShareLinkInvalid) else 410
    return render(request, "review/share_error.html", {"message": str(err)}, status=status)


def _guess_key(request: HttpRequest) -> str:
    return f"review:share-guess:{request.META.get('REMOTE_ADDR', '')}"


def _count(key: str, window: int) -> None:
    cache.add(key, 0, window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr: this failure starts a new window
        cache.add(key, 1, window)


def _resolve(request: HttpRequest, token: str) -> ShareLink | HttpResponse:
    """The link, or an error page; an address guessing tokens is stopped for a while.

    192-bit tokens cannot be guessed, but a flood of lookups still costs
    queries and would probe for leaked prefixes: after TOKEN_GUESSES invalid
    tokens, an address gets 429 for every share page until the window ends.
    """
    key = _guess_key(request)
    if cache.get(key, 0) >= TOKEN_GUESSES:
        context = {"message": "Too many invalid share links from your address; try again later."}
        response = render(request, "review/share_error.html", context, status=429)
        response["Retry-After"] = str(TOKEN_GUESS_WINDOW)
        return response
    try:
        return sharing.resolve_share_link(token)
    except sharing.ShareLinkError as err:
        if isinstance(err, sharing.ShareLinkInvalid):
            _count(key, TOKEN_GUESS_WINDOW)
        return _error_page(request, err)


def _open(request: HttpRequest, token: str) -> ShareLink | HttpResponse:
    """The link, or the page to show instead (unknown, expired, revoked, locked)."""
    link = _resolve(request, token)
    if isinstance(link, HttpResponse):
        return link
    if link.has_password and not request.session.get(_session_key(link)):
        return render(request, "review/share_password.html", {"token": token}, status=401)
    return link


def _rate_key(request: HttpRequest, link: ShareLink) -> str:
    return f"review:share-password:{link.pk}:{request.META.get('REMOTE_ADDR', '')}"


def _unlock(request: HttpRequest, token: str) -> HttpResponse:
    """Check a visitor's password; too many failures lock them out for a while."""
    link = _resolve(request, token)
    if isinstance(link, HttpResponse):
        return link
    key = _rate_key(request, link)
    failures = cache.get(key, 0)
    if failures >= PASSWORD_ATTEMPTS:
        context = {"token": token, "locked": True}
        return render(request, "review/share_password.html", context, status=429)
    if not sharing.check_password(link, request.POST.get("password", "")):
        _count(key, PASSWORD_WINDOW)
        context = {"token": token, "error": "That password is not right."}
        return render(request, "review/share_password.html", context, status=403)
    request.session.cycle_key()
    request.session[_session_key(link)] = True
    return redirect("review:shared_job", token=token)


def shared_query(link: ShareLink, params: QueryDict) -> GalleryQuery:
    """The visitor's gallery state, with the link's frozen filters winning."""
    if link.frozen_query is None:
        return GalleryQueryForm(params).query()
    frozen: dict[str, Any] = link.frozen_query
    merged = params.copy()
    for name in FROZEN_FIELDS:
        merged.pop(name, None)
        if name in frozen:
            merged[name] = str(frozen[name])
    return GalleryQueryForm(merged).query()


def _share_links(token: str, job: Job) -> DetailLinks:
    base = reverse("review:shared_job", kwargs={"token": token})
    return DetailLinks(
        match_prefix=f"{base}matches/",
        gallery=base,
        video=f"{base}video/",
        source_face=f"{base}source/face.jpg",
        can_edit=False,
    )


@require_http_methods(["GET", "POST"])
def shared_job(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """The shared job's gallery; POST is the password form."""
    if request.method == "POST":
        return _unlock(request, token)
    opened = _open(request, token)
    if isinstance(opened, HttpResponse):
        return opened
    link = opened
    job = link.job
    links = _share_links(token, job)
    context = gallery_context(
        job,
        shared_query(link, request.GET),
        gallery_url=links.gallery,
        match_url_prefix=links.match_prefix,
        can_edit=False,
    )
    context.update({"link": link, "frozen": link.frozen_query is not None, "links": links})
    template = "review/shared_job.html"
    if _wants_partial(request):
        template += "#results"
    else:
        sharing.touch_opened(link)
    return render(request, template, context)


@require_GET
def shared_match(request: HtmxHttpRequest, token: str, match_id: str) -> HttpResponse:
    opened = _open(request, token)
    if isinstance(opened, HttpResponse):
        return opened
    job = opened.job
    match = get_match(job, match_id)
    query = shared_query(opened, request.GET)
    context = detail_context(job, match, query, _share_links(token, job))
    context["shared"] = True
    context["base_template"] = "review/shared_base.html"
    return render_detail(request, context)


def _locked(opened: ShareLink | HttpResponse) -> HttpResponse | None:
    """For images and video: a plain refusal instead of a page."""
    if isinstance(opened, HttpResponse):
        return HttpResponse(status=opened.status_code, content_type="text/plain")
    return None


@require_GET
def shared_thumbnail(
    request: HttpRequest, token: str, match_id: str, variant: str
) -> HttpResponseBase:
    opened = _open(request, token)
    refused = _locked(opened)
    if refused is not None or variant not in MATCH_VARIANTS:
        return refused or HttpResponse("No such image.", status=404, content_type="text/plain")
    assert isinstance(opened, ShareLink)
    match = get_match(opened.job, match_id)
    return jpeg_response(thumbnail_file(match, variant), MATCH_VARIANTS[variant])  # type: ignore[arg-type]


@require_GET
def shared_source(request: HttpRequest, token: str, variant: str) -> HttpResponseBase:
    opened = _open(request, token)
    refused = _locked(opened)
    if refused is not None or variant not in SOURCE_VARIANTS:
        return refused or HttpResponse("No such image.", status=404, content_type="text/plain")
    assert isinstance(opened, ShareLink)
    return jpeg_response(source_image_file(opened.job, variant), SOURCE_VARIANTS[variant])  # type: ignore[arg-type]


@require_GET
def shared_video(request: HttpRequest, token: str) -> HttpResponse:
    opened = _open(request, token)
    refused = _locked(opened)
    if refused is not None:
        return refused
    assert isinstance(opened, ShareLink)
    return video_response(opened.job, request.headers.get("Range"))
