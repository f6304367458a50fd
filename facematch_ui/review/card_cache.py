"""The gallery's rendered pieces, cached per job state and view.

Rendering the page of cards is most of a job page request's CPU, and the
histogram's stacked bars most of the rest. The results area around them
(counts, progress, bulk actions, pagination) is cached whole, under a key of
its own; the cards and histogram also alone, since other views share them
(every page size of a threshold draws the same histogram). They
show only the job's matches and verdicts, and every write that changes what
a card shows bumps `Job.counts_version` in its own transaction (verdicts,
syncs, thumbnails stored, quality scored), so the version plus the view's
inputs name the HTML exactly, as review.counts_cache does for the counts.

The one per-user part of a card, the CSRF token of its forms, is never
stored: the cache holds a sentinel input in its place, swapped for the
request's own token on every read.
"""

from __future__ import annotations

import hashlib

from django.core.cache import caches
from django.template import Context, Template
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import SafeString, mark_safe

from facematch_ui.review.forms import GalleryQuery
from facematch_ui.review.models import Job

CARD_CACHE_SECONDS = 600
# Bump when the card template or review.cards changes what a card renders,
# so a deploy never serves the previous markup should this cache ever be shared.
_MARKUP_VERSION = 1
_SENTINEL = "card-cache-csrf-sentinel-not-a-token"


def _csrf_input(context: Context) -> str:
    # The {% csrf_token %} tag itself, so the markup is the template's own.
    return str(CsrfTokenNode().render(context))


_SENTINEL_INPUT = _csrf_input(Context({"csrf_token": _SENTINEL}))


def _job_state(job: Job) -> str:
    # added_at tells apart a job row that reused a deleted one's primary key.
    created = job.added_at.timestamp() if job.added_at else 0
    return f"{job.pk}:{created}:{job.counts_version}"


def _view_digest(*view: object) -> str:
    return hashlib.sha256(repr((_MARKUP_VERSION, *view)).encode()).hexdigest()


def card_cache_key(
    job: Job,
    query: GalleryQuery,
    *,
    match_url_prefix: str,
    can_edit: bool,
    return_url: str,
) -> str:
    """The key of the card list `job` shows for `query` at its current counts version."""
    digest = _view_digest(query, match_url_prefix, can_edit, return_url)
    return f"review:cards:{_job_state(job)}:{digest}"


def results_cache_key(
    job: Job,
    query: GalleryQuery,
    *,
    gallery_url: str,
    match_url_prefix: str,
    can_edit: bool,
) -> str:
    """The key of the whole results area: counts, histogram, bulk actions, cards, pages.

    Beyond the cards it shows how many matches are synced of how many,
    which a sync may change without changing a row: both are in the key.
    """
    synced = (job.api_id, job.match_total, job.matches_synced)
    digest = _view_digest(query, gallery_url, match_url_prefix, can_edit, synced)
    return f"review:results:{_job_state(job)}:{digest}"


def controls_cache_key(query: GalleryQuery, gallery_url: str) -> str:
    """The key of the gallery's controls: the view state and where they point, nothing else."""
    return f"review:controls:{_view_digest(query, gallery_url)}"


def job_actions_cache_key(job: Job) -> str:
    """The key of the job page's Share and Export actions (which depend on the status)."""
    return f"review:job-actions:{_MARKUP_VERSION}:{job.api_id}:{job.status}"


def histogram_cache_key(job: Job, threshold: float) -> str:
    """The key of the job's histogram drawn at `threshold`: the counts and it are all it shows."""
    return f"review:histogram:{_job_state(job)}:{_MARKUP_VERSION}:{threshold!r}"


def render_cached(template: Template, context: Context, key: str | None) -> SafeString:
    """`template` rendered in `context`, from the cache under `key`.

    No key (None, or "" from a template variable the context lacks):
    rendered afresh and not stored (a caller that did not name the job
    state, or a benchmark's uncached baseline).
    """
    if not key:
        return mark_safe(template.render(context))
    html = caches["local"].get(key)
    if html is None:
        with context.push(csrf_token=_SENTINEL):
            html = str(template.render(context))
        caches["local"].set(key, html, timeout=CARD_CACHE_SECONDS)
    # User data is escaped in the cards, so only the tag can write this markup.
    return mark_safe(html.replace(_SENTINEL_INPUT, _csrf_input(context)))
