"""Read-side queries of the gallery: one page of matches and the histogram.

Each function issues a fixed number of SQL queries whatever the page number,
so the job page costs the same on page 1 and page 1,000.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, QuerySet
from django.db.models.functions import Cast, Floor, Least

from facematch_ui.review.forms import Sort
from facematch_ui.review.models import Job, Match

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
    job: Job, *, threshold: float, sort: Sort, page: int, page_size: int
) -> GalleryPage:
    """Page `page` of the job's matches at or above `threshold` (2 queries).

    A page past the end gives the last page, so an old link still shows
    something after the threshold changed.
    """
    matching = _matches_at_or_above(job, threshold)
    total = matching.count()
    num_pages = max(1, math.ceil(total / page_size))
    number = min(max(page, 1), num_pages)
    offset = (number - 1) * page_size
    items = (
        list(matching.order_by(*ORDERINGS[sort]).only(*CARD_FIELDS)[offset : offset + page_size])
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


@dataclass(frozen=True, slots=True)
class HistogramBar:
    lower: float
    upper: float
    count: int
    x: float  # SVG user units
    y: float
    width: float
    height: float
    dimmed: bool  # every similarity in the bin is below the threshold


@dataclass(frozen=True, slots=True)
class Histogram:
    """Counts of similarities in equal bins over 0..100."""

    counts: tuple[int, ...]

    @property
    def bins(self) -> int:
        return len(self.counts)

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def bin_width(self) -> float:
        return 100 / self.bins

    def drawing(
        self, threshold: float, *, width: float = 400, height: float = 80
    ) -> HistogramDrawing:
        """Bars scaled to a `width` x `height` SVG, the tallest bar full height."""
        tallest = max(self.counts, default=0) or 1
        slot = width / self.bins
        bars = []
        for index, count in enumerate(self.counts):
            lower = index * self.bin_width
            upper = lower + self.bin_width
            # A non-empty bin keeps at least one unit so it stays visible.
            bar_height = max(height * count / tallest, 1.0 if count else 0.0)
            bars.append(
                HistogramBar(
                    lower=lower,
                    upper=upper,
                    count=count,
                    x=index * slot + 1,
                    y=height - bar_height,
                    width=slot - 2,
                    height=bar_height,
                    dimmed=upper <= threshold,
                )
            )
        return HistogramDrawing(
            bars=bars,
            marker_x=width * min(max(threshold, 0), 100) / 100,
            width=width,
            height=height,
        )


@dataclass(frozen=True, slots=True)
class HistogramDrawing:
    bars: list[HistogramBar]
    marker_x: float  # where the threshold falls
    width: float
    height: float


def similarity_histogram(job: Job, *, bins: int = 20) -> Histogram:
    """The job's similarities in `bins` equal bins (one GROUP BY query)."""
    width = 100 / bins
    # Similarity 100 would make bin `bins`: fold it into the top bin.
    bin_expr = Least(Cast(Floor(F("similarity") / width), IntegerField()), bins - 1)
    rows = (
        Match.objects.filter(job=job)
        .annotate(bin=bin_expr)
        .values("bin")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = [0] * bins
    for row in rows:
        index = min(max(int(row["bin"]), 0), bins - 1)
        counts[index] += row["n"]
    return Histogram(counts=tuple(counts))
