"""Read-side queries of the gallery: one page of matches.

A fixed number of SQL queries whatever the page number, so the job page
costs the same on page 1 and page 1,000. The histogram and counts by
similarity live in review.similarity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import QuerySet

from facematch_ui.review.forms import Sort
from facematch_ui.review.models import Job, Match
from facematch_ui.review.similarity import similarity_histogram

__all__ = ["GalleryPage", "gallery_page", "similarity_histogram"]

# Only what a card shows: the upstream thumbnail URL stays in the database.
CARD_FIELDS = (
    "id",
    "api_id",
    "similarity",
    "timestamp",
    "box_top",
    "box_left",
    "box_width",
    "box_height",
    "thumbnail_state",
)
ORDERINGS: dict[str, tuple[str, ...]] = {
    "similarity": ("-similarity", "timestamp", "id"),
    "time": ("timestamp", "id"),
}


@dataclass(frozen=True, slots=True)
class GalleryPage:
    items: list[Match]
    number: int  # clamped to 1..num_pages
    num_pages: int
    page_size: int
    total_at_or_above: int

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start_index(self) -> int:
        """1-based position of the first item (0 when empty)."""
        return (self.number - 1) * self.page_size + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.items) - 1 if self.items else 0


def _matches_at_or_above(job: Job, threshold: float) -> QuerySet[Match]:
    return Match.objects.filter(job=job, similarity__gte=threshold)


def gallery_page(
    job: Job,
    *,
    threshold: float,
    sort: Sort,
    page: int,
    page_size: int,
    known_total: int | None = None,
) -> GalleryPage:
    """Page `page` of the job's matches at or above `threshold` (1 or 2 queries).

    `known_total` (from cached similarity counts) saves the COUNT query. A
    page past the end gives the last page, so an old link still shows
    something after the threshold changed.
    """
    matching = _matches_at_or_above(job, threshold)
    total = matching.count() if known_total is None else known_total
    num_pages = max(1, math.ceil(total / page_size))
    number = min(max(page, 1), num_pages)
    offset = (number - 1) * page_size
    order = ORDERINGS[sort]
    # A deferred join: the OFFSET walks an index for ids only, then just the
    # page's rows are read, so page 1,000 costs about what page 1 does.
    page_ids = matching.order_by(*order).values("id")[offset : offset + page_size]
    items = (
        list(Match.objects.filter(id__in=page_ids).order_by(*order).only(*CARD_FIELDS))
        if total
        else []
    )
    return GalleryPage(
        items=items,
        number=number,
        num_pages=num_pages,
        page_size=page_size,
        total_at_or_above=total,
    )
