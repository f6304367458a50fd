"""Read side of triage: filter by verdict, progress, next to review, stacked histogram.

Each function is one SQL query (next_unreviewed: at most two), whatever the
size of the job. "Unreviewed" means no verdict row, or one an undo emptied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import Count, F, IntegerField, Q, QuerySet
from django.db.models.functions import Cast, Floor, Least

from facematch_ui.review.models import Job, Match, VerdictValue

VerdictFilter = Literal["confirmed", "rejected", "unsure", "unreviewed"]
VERDICT_FILTERS: tuple[VerdictFilter, ...] = ("confirmed", "rejected", "unsure", "unreviewed")
UNREVIEWED = Q(verdict__isnull=True) | Q(verdict__value="")

# The gallery's sort orders (review.queries.ORDERINGS), with their "after" test.
_ORDERINGS: dict[str, tuple[str, ...]] = {
    "similarity": ("-similarity", "timestamp", "id"),
    "time": ("timestamp", "id"),
}


def verdict_q(verdict: str) -> Q:
    """The condition on Match rows for one verdict filter."""
    if verdict == "unreviewed":
        return UNREVIEWED
    if verdict in VerdictValue.values:
        return Q(verdict__value=verdict)
    raise ValueError(
        f"{verdict!r} is not a verdict filter; use one of {', '.join(VERDICT_FILTERS)}."
    )


def filter_by_verdict(queryset: QuerySet[Match], verdict: str) -> QuerySet[Match]:
    """`queryset` narrowed to matches with that verdict (or none: "unreviewed")."""
    return queryset.filter(verdict_q(verdict))


@dataclass(frozen=True, slots=True)
class ReviewProgress:
    reviewed: int
    total: int
    confirmed: int
    rejected: int
    unsure: int

    @property
    def unreviewed(self) -> int:
        return self.total - self.reviewed

    @property
    def percent(self) -> float:
        return 100 * self.reviewed / self.total if self.total else 0.0


def review_progress(job: Job) -> ReviewProgress:
    """How far the review of `job` is (one aggregate query)."""
    counts = Match.objects.filter(job=job).aggregate(
        total=Count("id"),
        confirmed=Count("id", filter=Q(verdict__value=VerdictValue.CONFIRMED)),
        rejected=Count("id", filter=Q(verdict__value=VerdictValue.REJECTED)),
        unsure=Count("id", filter=Q(verdict__value=VerdictValue.UNSURE)),
    )
    return ReviewProgress(
        reviewed=counts["confirmed"] + counts["rejected"] + counts["unsure"],
        total=counts["total"],
        confirmed=counts["confirmed"],
        rejected=counts["rejected"],
        unsure=counts["unsure"],
    )


def _after(match: Match, sort: str) -> Q:
    """Matches strictly after `match` in the `sort` order."""
    later_in_time = Q(timestamp__gt=match.timestamp) | Q(timestamp=match.timestamp, id__gt=match.pk)
    if sort == "time":
        return later_in_time
    return Q(similarity__lt=match.similarity) | (Q(similarity=match.similarity) & later_in_time)


def next_unreviewed(job: Job, after_match: Match | None, sort: str) -> Match | None:
    """The first unreviewed match after `after_match` in the gallery's `sort` order.

    Wraps around to the start, so skipped matches come back; None once every
    match of the job has a verdict.
    """
    if sort not in _ORDERINGS:
        raise ValueError(f"{sort!r} is not a sort order; use one of {', '.join(_ORDERINGS)}.")
    pending = Match.objects.filter(job=job).filter(UNREVIEWED).order_by(*_ORDERINGS[sort])
    if after_match is None:
        return pending.first()
    return (
        pending.filter(_after(after_match, sort)).first()
        or pending.exclude(pk=after_match.pk).first()
    )


@dataclass(frozen=True, slots=True)
class StackedBin:
    lower: float
    upper: float
    confirmed: int
    rejected: int
    unsure: int
    unreviewed: int

    @property
    def total(self) -> int:
        return self.confirmed + self.rejected + self.unsure + self.unreviewed


@dataclass(frozen=True, slots=True)
class StackedHistogram:
    """Similarities in equal bins over 0..100, each bin split by verdict."""

    bins: tuple[StackedBin, ...]

    @property
    def total(self) -> int:
        return sum(b.total for b in self.bins)


def stacked_histogram(job: Job, *, bins: int = 20) -> StackedHistogram:
    """The job's similarities in `bins` bins, counted per verdict (one GROUP BY query)."""
    if bins < 1:
        raise ValueError("A histogram needs at least one bin.")
    width = 100 / bins
    # Similarity 100 would make bin `bins`: fold it into the top bin.
    bin_expr = Least(Cast(Floor(F("similarity") / width), IntegerField()), bins - 1)
    rows = (
        Match.objects.filter(job=job)
        .annotate(bin=bin_expr)
        .values("bin", "verdict__value")
        .annotate(n=Count("id"))
        .values_list("bin", "verdict__value", "n")
        .order_by()
    )
    counts: list[dict[str, int]] = [dict.fromkeys(VERDICT_FILTERS, 0) for _ in range(bins)]
    for index, value, n in rows:
        verdict = value or "unreviewed"
        counts[min(max(int(index), 0), bins - 1)][verdict] += n
    return StackedHistogram(
        bins=tuple(
            StackedBin(lower=i * width, upper=(i + 1) * width, **bin_counts)
            for i, bin_counts in enumerate(counts)
        )
    )
