"""Formatting filters and URL helpers of the review templates."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template

from facematch_ui.review.forms import GalleryQuery

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
def query_url(base: str, query: GalleryQuery, **changes: object) -> str:
    """`base` (the page's `gallery_url`) with `query`'s state and `changes` (e.g. page=2).

    The gallery templates serve the job page and the read-only shared page,
    so every link starts from the URL the view passes, never a fixed route.
    """
    return f"{base}?{urlencode(query.params(**changes))}"
