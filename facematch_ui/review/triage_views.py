"""Triage on the job page: a verdict on one card, undo, bulk verdicts, reject below.

Every write is a POST from a signed-in analyst. htmx gets back what changed
(a card with the progress and histogram out of band, or the whole results);
a browser without JavaScript is sent back to the gallery it came from.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from facematch_ui.review import verdicts
from facematch_ui.review.access import get_job_for_user
from facematch_ui.review.cards import card_view
from facematch_ui.review.counts_cache import cached_verdict_counts
from facematch_ui.review.forms import GalleryQuery, GalleryQueryForm
from facematch_ui.review.models import Job, Match, Verdict, VerdictValue
from facematch_ui.review.queries import CARD_FIELDS, next_unreviewed_in, position_in, shown_verdict
from facematch_ui.review.similarity import stacked_drawing
from facematch_ui.review.templatetags.review_tags import hms, query_url, similarity
from facematch_ui.review.views import HtmxHttpRequest, job_gallery_context, job_gallery_links

MAX_BULK = 1000  # matches per bulk request: a few pages' worth
VERDICT_SAVED = "verdict-saved"  # triage.js moves on and announces


class VerdictForm(forms.Form):
    value = forms.ChoiceField(choices=VerdictValue.choices)
    note = forms.CharField(required=False, max_length=verdicts.MAX_NOTE_LENGTH, strip=True)
    expected_version = forms.IntegerField(min_value=0, required=False)


class UndoForm(forms.Form):
    expected_version = forms.IntegerField(min_value=0, required=False)


class BulkForm(forms.Form):
    value = forms.ChoiceField(choices=VerdictValue.choices)


class ThresholdForm(forms.Form):
    threshold = forms.FloatField(min_value=0, max_value=100)


def invalid_form_response(form: forms.Form) -> HttpResponse:
    """400 naming each bad field, for the triage POSTs (htmx or plain forms)."""
    text = " ".join(
        f"{name}: {' '.join(str(error) for error in errors)}"
        for name, errors in form.errors.items()
    )
    return HttpResponseBadRequest(f"Invalid request. {text}", content_type="text/plain")


def _match(job: Job, match_id: str) -> Match:
    """The match as its card shows it (verdict and who set it joined in), or 404."""
    match = (
        Match.objects.filter(job=job, api_id=match_id)
        .select_related("verdict__set_by")
        .only(*CARD_FIELDS)
        .first()
    )
    if match is None:
        raise Http404("No such match.")
    match.shown_verdict = shown_verdict(match)  # type: ignore[attr-defined]
    return match


def return_state(job: Job, raw: str | None) -> tuple[GalleryQuery, str]:
    """The gallery state the request came from, and where to send a browser back.

    Only this job's page on our own site is accepted as a place to return to.
    """
    base = reverse("review:job_detail", kwargs={"api_id": job.api_id})
    parts = urlsplit(raw or "")
    if not raw or parts.path != base or not url_has_allowed_host_and_scheme(raw, None):
        return GalleryQuery(), base
    query = GalleryQueryForm(QueryDict(parts.query)).query()
    return query, f"{base}?{parts.query}" if parts.query else base


def conflict_message(current: Verdict | None) -> str:
    """ "Changed by sam at 14:02: now rejected" for a save that lost a race."""
    if current is None:
        return "Changed meanwhile: now not reviewed. Look again before deciding."
    who = current.set_by.get_username() if current.set_by else "someone"
    when = timezone.localtime(current.set_at).strftime("%Y-%m-%d %H:%M:%S")
    now = current.get_value_display() if current.value else "not reviewed"
    return f"Changed by {who} at {when}: now {now.lower()}. Your change was not saved."


def _card_response(
    request: HtmxHttpRequest,
    job: Job,
    match_id: str,
    query: GalleryQuery,
    *,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    """The re-rendered card, with the progress and histogram out of band."""
    match = _match(job, match_id)
    # The write bumped the version on another Job instance; read it to hit
    # the counts cached for it rather than count all the job's matches.
    job.refresh_from_db(fields=["counts_version"])
    counts = cached_verdict_counts(job)
    histogram = counts.stacked()
    links = job_gallery_links(job)
    context = {
        **links,
        "job": job,
        "query": query,
        "return_url": query_url(str(links["gallery_url"]), query),
        "cards": [card_view(match, position_in(job, query, match), str(links["match_url_prefix"]))],
        "conflict": conflict,
        "progress": counts.progress(),
        "histogram": histogram,
        "drawing": stacked_drawing(histogram, query.threshold),
        "oob": True,
    }
    html = render_to_string("review/_verdict_response.html", context, request=request)
    return HttpResponse(html, status=status)


def _next_step(job: Job, query: GalleryQuery, match: Match) -> dict[str, object]:
    """Where keyboard review goes after `match`: the next unreviewed one the gallery shows."""
    following = next_unreviewed_in(job, query, match)
    if following is None:
        return {"next": None, "nextPage": None, "nextLabel": ""}
    position = position_in(job, query, following)
    return {
        "next": following.api_id,
        "nextPage": (position - 1) // query.page_size + 1,
        "nextPosition": position,
        "nextLabel": f"match {position}, {similarity(following.similarity)} "
        f"at {hms(following.timestamp)}",
    }


def _conflict_response(
    request: HtmxHttpRequest,
    job: Job,
    match_id: str,
    query: GalleryQuery,
    back: str,
    err: verdicts.VerdictConflict,
) -> HttpResponse:
    """A save refused as stale: the card as it now is (409), or back with a message."""
    message = conflict_message(err.current)
    if not request.htmx:
        messages.error(request, message)
        return redirect(f"{back}#match-{match_id}")
    return _card_response(request, job, match_id, query, conflict=message, status=409)


@require_POST
@login_required
def set_verdict(request: HtmxHttpRequest, api_id: str, match_id: str) -> HttpResponse:
    """Confirm, reject or mark unsure one match; 409 if it changed since it was shown."""
    job = get_job_for_user(request.user, api_id)
    match = _match(job, match_id)
    form = VerdictForm(request.POST)
    if not form.is_valid():
        return invalid_form_response(form)
    query, back = return_state(job, request.POST.get("return"))
    data = form.cleaned_data
    current = match.shown_verdict  # type: ignore[attr-defined]
    note = data["note"] if "note" in request.POST else (current.note if current else "")
    try:
        verdicts.set_verdict(
            match,
            data["value"],
            note=note,
            user=request.user,  # type: ignore[arg-type]
            expected_version=data["expected_version"],
        )
    except verdicts.VerdictConflict as err:
        return _conflict_response(request, job, match_id, query, back, err)
    if not request.htmx:
        return redirect(f"{back}#match-{match_id}")
    response = _card_response(request, job, match_id, query)
    step = {"match": match_id, "value": data["value"], **_next_step(job, query, match)}
    return trigger_client_event(response, VERDICT_SAVED, step)


@require_POST
@login_required
def undo_verdict(request: HtmxHttpRequest, api_id: str, match_id: str) -> HttpResponse:
    """Take back the match's latest verdict change (z on the keyboard)."""
    job = get_job_for_user(request.user, api_id)
    match = _match(job, match_id)
    form = UndoForm(request.POST)
    if not form.is_valid():
        return invalid_form_response(form)
    query, back = return_state(job, request.POST.get("return"))
    try:
        verdicts.clear_verdict(
            match,
            user=request.user,  # type: ignore[arg-type]
            expected_version=form.cleaned_data["expected_version"],
        )
    except verdicts.VerdictConflict as err:
        return _conflict_response(request, job, match_id, query, back, err)
    if not request.htmx:
        return redirect(f"{back}#match-{match_id}")
    return _card_response(request, job, match_id, query)


def _results_response(
    request: HtmxHttpRequest, job: Job, query: GalleryQuery, notice: str
) -> HttpResponse:
    context = {**job_gallery_context(job, query), "bulk_notice": notice}
    return render(request, "review/job_detail.html#results", context)


@require_POST
@login_required
def bulk_verdict(request: HtmxHttpRequest, api_id: str) -> HttpResponse:
    """Give one verdict to the selected matches (their api ids, as `match`)."""
    job = get_job_for_user(request.user, api_id)
    form = BulkForm(request.POST)
    if not form.is_valid():
        return invalid_form_response(form)
    chosen = request.POST.getlist("match")
    if not chosen:
        return HttpResponseBadRequest("Select at least one match.", content_type="text/plain")
    if len(chosen) > MAX_BULK:
        return HttpResponseBadRequest(
            f"Select at most {MAX_BULK} matches at once.", content_type="text/plain"
        )
    query, back = return_state(job, request.POST.get("return"))
    ids = list(Match.objects.filter(job=job, api_id__in=chosen).values_list("pk", flat=True))
    value = form.cleaned_data["value"]
    changed = verdicts.bulk_set_verdict(job, ids, value, request.user)  # type: ignore[arg-type]
    label = VerdictValue(value).label.lower()
    notice = f"{label.capitalize()}: {changed} match{'es' if changed != 1 else ''} changed."
    if not request.htmx:
        messages.success(request, notice)
        return redirect(back)
    return _results_response(request, job, query, notice)


@require_http_methods(["GET", "POST"])
@login_required
def reject_below(request: HtmxHttpRequest, api_id: str) -> HttpResponse:
    """GET: how many unreviewed matches below the threshold would be rejected. POST: do it."""
    job = get_job_for_user(request.user, api_id)
    data = request.GET if request.method == "GET" else request.POST
    form = ThresholdForm(data)
    if not form.is_valid():
        return invalid_form_response(form)
    threshold = form.cleaned_data["threshold"]
    shown = GalleryQuery(threshold=threshold).threshold_text
    query, back = return_state(job, data.get("return"))
    if request.method == "GET":
        count = verdicts.reject_below(job, threshold, request.user, dry_run=True)  # type: ignore[arg-type]
        context = {"job": job, "count": count, "threshold_text": shown, "return": back}
        template = "review/reject_below.html"
        return render(request, template + ("#confirm" if request.htmx else ""), context)
    changed = verdicts.reject_below(job, threshold, request.user, dry_run=False)  # type: ignore[arg-type]
    notice = f"Rejected {changed} unreviewed match{'es' if changed != 1 else ''} below {shown}%."
    if not request.htmx:
        messages.success(request, notice)
        return redirect(back)
    return _results_response(request, job, query, notice)
