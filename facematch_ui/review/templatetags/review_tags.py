"""Formatting filters and URL helpers of the review templates."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from facematch_ui.review.forms import GalleryQuery
from facematch_ui.review.models import Job

register = template.Library()


@register.filter
def hms(seconds: float | None) -> str:
    """Seconds into the video as h:mm:ss (83.6 -> "0:01:23")."""
    if seconds is None:
        return ""
    total = max(int(seconds), 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


@register.filter
def similarity(value: float | None) -> str:
    """A 0..100 similarity with one decimal ("87.3%")."""
    return "" if value is None else f"{value:.1f}%"


@register.filter
def percent(fraction: float | None) -> str:
    """A 0..1 box coordinate as a CSS percentage, locale-independent."""
    return "0%" if fraction is None else f"{fraction * 100:.4f}%"


@register.simple_tag
def gallery_url(job: Job, query: GalleryQuery, **changes: object) -> str:
    """The job page URL for `query` with `changes` (e.g. page=2)."""
    base = reverse("review:job_detail", kwargs={"api_id": job.api_id})
    return f"{base}?{urlencode(query.params(**changes))}"
