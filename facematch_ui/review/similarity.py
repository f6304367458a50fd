"""How a job's similarities are distributed: counts, histogram, its drawing.

One GROUP BY counts the matches at each whole-number similarity (split by
verdict for the job page, which caches it: review.counts_cache), and both
the histogram and "how many at or above the threshold" (for whole-number
thresholds, what the slider sends) are read from it without touching the
database again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, IntegerField
from django.db.models.functions import Cast, Floor, Least

from facematch_ui.review.models import Job, Match
from facematch_ui.review.verdict_queries import (
    VERDICT_FILTERS,
    ReviewProgress,
    StackedBin,
    StackedHistogram,
)


@dataclass(frozen=True, slots=True)
class SimilarityCounts:
    """per_point[i]: matches with i <= similarity < i + 1 (100 counts in 100)."""

    per_point: tuple[int, ...]  # 101 values

    @property
    def total(self) -> int:
        return sum(self.per_point)

    def at_or_above(self, threshold: float) -> int | None:
        """Matches with similarity >= threshold; None unless it is a whole number."""
        if not float(threshold).is_integer():
            return None
        return sum(self.per_point[min(max(int(threshold), 0), 101) :])

    def histogram(self, bins: int = 20) -> Histogram:
        if 100 % bins:
            raise ValueError("bins must divide 100")
        width = 100 // bins
        counts = [sum(self.per_point[i * width : (i + 1) * width]) for i in range(bins)]
        counts[-1] += self.per_point[100]  # a perfect 100 belongs to the top bin
        return Histogram(counts=tuple(counts))


def _point() -> Least:
    return Least(Cast(Floor(F("similarity")), IntegerField()), 100)


def similarity_counts(job: Job) -> SimilarityCounts:
    """Counts per whole-number similarity (one GROUP BY query)."""
    point = _point()
    rows = (
        Match.objects.filter(job=job)
        .annotate(point=point)
        .values("point")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_point = [0] * 101
    for row in rows:
        per_point[min(max(int(row["point"]), 0), 100)] += row["n"]
    return SimilarityCounts(per_point=tuple(per_point))


def similarity_histogram(job: Job, *, bins: int = 20) -> Histogram:
    """The job's similarities in `bins` equal bins over 0..100 (one query)."""
    return similarity_counts(job).histogram(bins)


@dataclass(frozen=True, slots=True)
class VerdictCounts:
    """Counts per whole-number similarity, split by verdict.

    The job page's one counting query: the stacked histogram, review
    progress and "how many at or above the threshold" for any verdict filter
    all come from it. review.counts_cache keeps it per job counts version.
    """

    by_verdict: dict[str, SimilarityCounts]  # VERDICT_FILTERS -> counts

    def counts(self, verdict: str = "") -> SimilarityCounts:
        """Counts of one verdict filter ("" = every match)."""
        if verdict:
            return self.by_verdict[verdict]
        columns = zip(*(c.per_point for c in self.by_verdict.values()), strict=True)
        return SimilarityCounts(per_point=tuple(sum(column) for column in columns))

    @property
    def total(self) -> int:
        return sum(c.total for c in self.by_verdict.values())

    def progress(self) -> ReviewProgress:
        confirmed, rejected, unsure = (
            self.by_verdict[name].total for name in ("confirmed", "rejected", "unsure")
        )
        return ReviewProgress(
            reviewed=confirmed + rejected + unsure,
            total=self.total,
            confirmed=confirmed,
            rejected=rejected,
            unsure=unsure,
        )

    def stacked(self, bins: int = 20) -> StackedHistogram:
        split = {name: c.histogram(bins).counts for name, c in self.by_verdict.items()}
        width = 100 / bins
        return StackedHistogram(
            bins=tuple(
                StackedBin(
                    lower=i * width,
                    upper=(i + 1) * width,
                    **{name: split[name][i] for name in VERDICT_FILTERS},
                )
                for i in range(bins)
            )
        )


def verdict_counts(job: Job) -> VerdictCounts:
    """The job's counts per whole-number similarity and verdict (one GROUP BY query)."""
    rows = (
        Match.objects.filter(job=job)
        .annotate(point=_point())
        .values_list("point", "verdict__value")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_point = {name: [0] * 101 for name in VERDICT_FILTERS}
    for point, value, n in rows:
        per_point[value or "unreviewed"][min(max(int(point), 0), 100)] += n
    return VerdictCounts(
        by_verdict={name: SimilarityCounts(per_point=tuple(c)) for name, c in per_point.items()}
    )


@dataclass(frozen=True, slots=True)
class StackedSegment:
    verdict: str
    count: int
    y: float
    height: float


@dataclass(frozen=True, slots=True)
class StackedBar:
    lower: float
    upper: float
    total: int
    x: float
    width: float
    segments: tuple[StackedSegment, ...]  # bottom to top; empty ones left out
    dimmed: bool

    @property
    def label(self) -> str:
        """ "60-65%: 12 (3 confirmed, 8 not reviewed)" for the tooltip (an en dash in fact)."""
        parts = ", ".join(
            f"{s.count} {'not reviewed' if s.verdict == 'unreviewed' else s.verdict}"
            for s in self.segments
        )
        span = f"{self.lower:g}\u2013{self.upper:g}%"
        return f"{span}: {self.total}" + (f" ({parts})" if parts else "")


# Bottom to top: decided verdicts sit on the axis, what is left to review on top.
STACK_ORDER = ("confirmed", "unsure", "rejected", "unreviewed")


def stacked_drawing(
    histogram: StackedHistogram, threshold: float, *, width: float = 400, height: float = 80
) -> HistogramDrawing:
    """Stacked bars scaled to a `width` x `height` SVG, the tallest bar full height."""
    tallest = max((b.total for b in histogram.bins), default=0) or 1
    slot = width / max(len(histogram.bins), 1)
    bars = []
    for index, b in enumerate(histogram.bins):
        top = height
        segments = []
        for name in STACK_ORDER:
            count = getattr(b, name)
            if not count:
                continue
            # A non-empty segment keeps at least one unit so it stays visible.
            segment_height = max(height * count / tallest, 1.0)
            top -= segment_height
            segments.append(StackedSegment(name, count, top, segment_height))
        bars.append(
            StackedBar(
                lower=b.lower,
                upper=b.upper,
                total=b.total,
                x=index * slot + 1,
                width=slot - 2,
                segments=tuple(segments),
                dimmed=b.upper <= threshold,
            )
        )
    return HistogramDrawing(
        bars=bars,
        marker_x=width * min(max(threshold, 0), 100) / 100,
        width=width,
        height=height,
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
    bars: list[HistogramBar] | list[StackedBar]
    marker_x: float  # where the threshold falls
    width: float
    height: float
