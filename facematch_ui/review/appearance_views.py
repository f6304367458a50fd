"""Review by appearance: runs of matches in nearby frames, judged as one.

The page lists review.appearances.group_appearances(job); a verdict on an
appearance goes to the matches the page showed (their ids travel with the
form), sparing matches an analyst judged one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from facematch_ui.review.access import get_job_for_user
from facematch_ui.review.appearances import Appearance, group_appearances, set_appearance_verdict
from facematch_ui.review.forms import PAGE_SIZES
from facematch_ui.review.models import Job, Match, VerdictValue
from facematch_ui.review.triage_views import invalid_form_response
from facematch_ui.review.views import HtmxHttpRequest

APPEARANCES_PER_PAGE = 25
MAX_IDS_CHARS = 200_000  # the ids of one appearance, comma-separated
GALLERY_PAGE_SIZE = PAGE_SIZES[-1]


@dataclass(frozen=True, slots=True)
class AppearanceRow:
    """An appearance as the page shows it: its best face and where it starts in the gallery."""

    appearance: Appearance
    best_api_id: str
    gallery_link: str  # the time-sorted gallery page holding its first match, focused on it

    @property
    def ids_text(self) -> str:
        return ",".join(str(i) for i in self.appearance.match_ids)


class AppearanceVerdictForm(forms.Form):
    value = forms.ChoiceField(choices=VerdictValue.choices)
    ids = forms.CharField(max_length=MAX_IDS_CHARS)
    page = forms.IntegerField(min_value=1, required=False)

    def clean_ids(self) -> list[int]:
        try:
            ids = [int(part) for part in self.cleaned_data["ids"].split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError("The matches of the appearance are missing.") from None
        if not ids:
            raise forms.ValidationError("The matches of the appearance are missing.")
        return ids


def _rows(job: Job, appearances: list[Appearance], page: list[Appearance]) -> list[AppearanceRow]:
    """The page's appearances with their best and first matches' ids (one query)."""
    wanted = {a.best_match_id for a in page} | {a.match_ids[0] for a in page}
    api_ids = dict(Match.objects.filter(job=job, pk__in=wanted).values_list("pk", "api_id"))
    # Appearances are in time order, so the matches before one are the
    # earlier appearances' matches: its place in the time-sorted gallery.
    before: dict[int, int] = {}
    seen = 0
    for appearance in appearances:
        before[appearance.index] = seen
        seen += appearance.count
    base = reverse("review:job_detail", kwargs={"api_id": job.api_id})
    rows = []
    for appearance in page:
        params = {
            "sort": "time",
            "page_size": GALLERY_PAGE_SIZE,
            "page": before[appearance.index] // GALLERY_PAGE_SIZE + 1,
            "focus": api_ids.get(appearance.match_ids[0], ""),
        }
        rows.append(
            AppearanceRow(
                appearance=appearance,
                best_api_id=api_ids.get(appearance.best_match_id, ""),
                gallery_link=f"{base}?{urlencode(params)}",
            )
        )
    return rows


def _context(job: Job, page_number: int | str | None) -> dict[str, object]:
    appearances = group_appearances(job)
    page = Paginator(appearances, APPEARANCES_PER_PAGE).get_page(page_number)
    job_url = reverse("review:job_detail", kwargs={"api_id": job.api_id})
    return {
        "job": job,
        "appearances_page": page,
        "rows": _rows(job, appearances, list(page.object_list)),
        "total_appearances": len(appearances),
        "match_url_prefix": f"{job_url}matches/",
        "can_edit": True,
    }


@require_GET
@login_required
def appearances(request: HtmxHttpRequest, api_id: str) -> HttpResponse:
    job = get_job_for_user(request.user, api_id)
    context = _context(job, request.GET.get("page"))
    template = "review/appearances.html" + ("#appearance-list" if request.htmx else "")
    return render(request, template, context)


@require_POST
@login_required
def appearance_verdict(request: HtmxHttpRequest, api_id: str) -> HttpResponse:
    """Give a verdict to an appearance's matches, except individually judged ones."""
    job = get_job_for_user(request.user, api_id)
    form = AppearanceVerdictForm(request.POST)
    if not form.is_valid():
        return invalid_form_response(form)
    data = form.cleaned_data
    changed = set_appearance_verdict(
        job,
        data["ids"],
        data["value"],
        request.user,  # type: ignore[arg-type]
    )
    label = VerdictValue(data["value"]).label.lower()
    notice = f"{changed} match{'es' if changed != 1 else ''} of the appearance now {label}."
    if not request.htmx:
        messages.success(request, notice)
        url = reverse("review:appearances", kwargs={"api_id": job.api_id})
        return redirect(f"{url}?page={data['page'] or 1}")
    context = {**_context(job, data["page"]), "notice": notice}
    return render(request, "review/appearances.html#appearance-list", context)
