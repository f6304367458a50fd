"""Read-side queries of the gallery: one page of matches, where a match sits.

A fixed number of SQL queries whatever the page number, so the job page
costs the same on page 1 and page 1,000. The histogram and counts by
similarity live in review.similarity; verdict filters and "unreviewed" in
review.verdict_queries.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from django.db.models import Count, Q, QuerySet

from facematch_ui.review.forms import GalleryQuery, Sort
from facematch_ui.review.models import Job, Match, Verdict, VerdictValue
from facematch_ui.review.similarity import similarity_histogram
from facematch_ui.review.verdict_queries import UNREVIEWED, ReviewProgress, verdict_q
from facematch_ui.review.verdict_queries import _after as after_in_sort

__all__ = [
    "GalleryPage",
    "gallery_matches",
    "gallery_page",
    "next_unreviewed_in",
    "position_in",
    "progress_by_job",
    "similarity_histogram",
]

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
    "face_px",
    "sharpness",
    # The verdict and who set it come in the same query (a LEFT JOIN).
    "verdict__value",
    "verdict__note",
    "verdict__source",
    "verdict__set_at",
    "verdict__version",
    "verdict__set_by__username",
)
ORDERINGS: dict[str, tuple[str, ...]] = {
    "similarity": ("-similarity", "timestamp", "id"),
    "time": ("timestamp", "id"),
}


@dataclass(frozen=True)
class GalleryPage:
    """One page of the gallery: its place, known from the total, and its rows.

    The rows are read on first use of `items`: a page whose cards come from
    review.card_cache renders its counts and pagination without them.
    """

    load_items: Callable[[], list[Match]] = field(repr=False, compare=False)
    number: int  # clamped to 1..num_pages
    num_pages: int
    page_size: int
    total_at_or_above: int

    @cached_property
    def items(self) -> list[Match]:
        return self.load_items() if self.total_at_or_above else []

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start_index(self) -> int:
        """1-based position of the first item (0 when empty)."""
        return (self.number - 1) * self.page_size + 1 if self.total_at_or_above else 0

    @property
    def end_index(self) -> int:
        return min(self.number * self.page_size, self.total_at_or_above)


def gallery_matches(job: Job, query: GalleryQuery) -> QuerySet[Match]:
    """The job's matches the gallery shows for `query` (threshold and filters), unordered."""
    matching = Match.objects.filter(job=job, similarity__gte=query.threshold)
    if query.verdict:
        matching = matching.filter(verdict_q(query.verdict))
    if query.min_face_px is not None:
        matching = matching.filter(face_px__gte=query.min_face_px)
    if query.min_sharpness is not None:
        matching = matching.filter(sharpness__gte=query.min_sharpness)
    return matching


class _NotReviewed(dict):
    """What a gallery card shows as the verdict of a match never reviewed.

    Falsy and empty-valued, so `if match.shown_verdict` and every template
    use read as they do for None; but a template reads `verdict.value` from
    it in one dict lookup, where on None Django tries four ways and fails
    (about 4 ms of a 50-card page in bench/gallery.py).
    """

    def __bool__(self) -> bool:
        return False


NOT_REVIEWED = _NotReviewed(value="", note="", source="", version=0, set_by=None, set_at=None)


def shown_verdict(match: Match) -> Verdict | None:
    """The match's verdict row as the card shows it (None when never reviewed)."""
    try:
        return match.verdict
    except Verdict.DoesNotExist:
        return None


def reverse_order(order: tuple[str, ...]) -> tuple[str, ...]:
    """The same ordering read from the other end (every field flipped)."""
    return tuple(name[1:] if name.startswith("-") else f"-{name}" for name in order)


def _page_ids(
    matching: QuerySet[Match], order: tuple[str, ...], offset: int, size: int, total: int
) -> QuerySet[Match, Any]:
    """The ids of rows offset..offset+size in `order`, walking from the nearer end.

    An OFFSET costs the rows it skips; past the middle, skipping from the
    end skips fewer (page 1,000 of 1,400 skips 20,000 rows, not 50,000).
    The orderings end in the id, so both directions agree row for row; the
    caller's ORDER BY puts the page back in forward order.
    """
    if offset * 2 <= total:
        return matching.order_by(*order).values("id")[offset : offset + size]
    end = max(total - offset, 0)  # rows from this page's first one to the end
    start = max(end - size, 0)  # a short last page: fewer than `size` rows
    return matching.order_by(*reverse_order(order)).values("id")[start:end]


def gallery_page(
    job: Job,
    *,
    threshold: float,
    sort: Sort,
    page: int,
    page_size: int,
    known_total: int | None = None,
    query: GalleryQuery | None = None,
) -> GalleryPage:
    """Page `page` of the job's matches at or above `threshold`.

    One COUNT now unless `known_total` is given, and the page's rows (one
    query) when `items` is first read.

    `query` adds the verdict and quality filters (its threshold wins).
    `known_total` (from similarity counts) saves the COUNT. A page
    past the end gives the last page, so an old link still shows something
    after the threshold changed. Each item carries `shown_verdict` (a falsy
    NOT_REVIEWED when the match has none).
    """
    matching = gallery_matches(job, query or GalleryQuery(threshold=threshold))
    total = matching.count() if known_total is None else known_total
    num_pages = max(1, math.ceil(total / page_size))
    number = min(max(page, 1), num_pages)
    offset = (number - 1) * page_size
    order = ORDERINGS[sort]
    # A deferred join: the OFFSET walks an index for ids only, then just the
    # page's rows are read, so page 1,000 costs about what page 1 does.
    page_ids = _page_ids(matching, order, offset, page_size, total)

    def load_items() -> list[Match]:
        items = list(
            Match.objects.filter(id__in=page_ids)
            .select_related("verdict__set_by")
            .order_by(*order)
            .only(*CARD_FIELDS)
        )
        for item in items:
            item.shown_verdict = shown_verdict(item) or NOT_REVIEWED  # type: ignore[attr-defined]
        return items

    return GalleryPage(
        load_items=load_items,
        number=number,
        num_pages=num_pages,
        page_size=page_size,
        total_at_or_above=total,
    )


def next_unreviewed_in(job: Job, query: GalleryQuery, after: Match) -> Match | None:
    """The next unreviewed match the gallery shows after `after`, wrapping around.

    review.verdict_queries.next_unreviewed's rule, within the view's
    threshold and quality filters (a verdict filter is ignored: the next
    match to review is unreviewed by definition). At most two queries.
    """
    pending = (
        gallery_matches(job, replace(query, verdict=""))
        .filter(UNREVIEWED)
        .order_by(*ORDERINGS[query.sort])
        .only("id", "api_id", "similarity", "timestamp")
    )
    return (
        pending.filter(after_in_sort(after, query.sort)).first()
        or pending.exclude(pk=after.pk).first()
    )


def position_in(job: Job, query: GalleryQuery, match: Match) -> int:
    """1-based place of `match` in the gallery for `query` (one COUNT)."""
    before = gallery_matches(job, query).exclude(after_in_sort(match, query.sort))
    return before.exclude(pk=match.pk).count() + 1


def progress_by_job(job_ids: list[int]) -> dict[int, ReviewProgress]:
    """Review progress of each job, for a list page (one aggregate query)."""
    rows = (
        Match.objects.filter(job_id__in=job_ids)
        .values("job_id")
        .annotate(
            total=Count("id"),
            confirmed=Count("id", filter=Q(verdict__value=VerdictValue.CONFIRMED)),
            rejected=Count("id", filter=Q(verdict__value=VerdictValue.REJECTED)),
            unsure=Count("id", filter=Q(verdict__value=VerdictValue.UNSURE)),
        )
        .order_by()
    )
    return {
        row["job_id"]: ReviewProgress(
            reviewed=row["confirmed"] + row["rejected"] + row["unsure"],
            total=row["total"],
            confirmed=row["confirmed"],
            rejected=row["rejected"],
            unsure=row["unsure"],
        )
        for row in rows
    }
