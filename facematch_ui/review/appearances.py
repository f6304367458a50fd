"""Appearances: runs of matches in nearby sampled frames, reviewed as one.

Matches sorted by time fall into one appearance while each is at most
`max_gap` seconds after the previous one. Grouping reads plain tuples in one
query (no model instances), so a job of 100,000 matches groups in well
under a second.

A verdict on an appearance goes to each of its matches, except those with
an individual override: a match whose current verdict was set on the match
itself (source "match"). Everything else (unreviewed, or set by an earlier
appearance verdict, a bulk action or an undo) follows the appearance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser

from facematch_ui.review.models import Job, Match, VerdictSource
from facematch_ui.review.verdicts import apply_to_many, matches_by_ids

DEFAULT_MAX_GAP = 3.0  # seconds between sampled frames of one appearance


@dataclass(frozen=True, slots=True)
class VerdictSummary:
    confirmed: int = 0
    rejected: int = 0
    unsure: int = 0
    unreviewed: int = 0

    @property
    def overall(self) -> str:
        """The one verdict all matches share, "unreviewed", or "mixed"."""
        present = [
            name
            for name in ("confirmed", "rejected", "unsure", "unreviewed")
            if getattr(self, name)
        ]
        return present[0] if len(present) == 1 else "mixed"


@dataclass(frozen=True, slots=True)
class Appearance:
    index: int  # 0-based, in time order
    start: float  # seconds
    end: float
    best_match_id: int
    best_similarity: float
    match_ids: tuple[int, ...] = field(repr=False)
    verdicts: VerdictSummary

    @property
    def count(self) -> int:
        return len(self.match_ids)

    @property
    def duration(self) -> float:
        return self.end - self.start


class _Run:
    """An appearance being built while scanning matches in time order."""

    def __init__(self, match_id: int, timestamp: float, similarity: float) -> None:
        self.start = self.end = timestamp
        self.best_id, self.best_similarity = match_id, similarity
        self.ids: list[int] = []
        self.counts = dict.fromkeys(("confirmed", "rejected", "unsure", "unreviewed"), 0)

    def add(self, match_id: int, timestamp: float, similarity: float, verdict: str) -> None:
        self.end = timestamp
        self.ids.append(match_id)
        self.counts[verdict] += 1
        if similarity > self.best_similarity:
            self.best_id, self.best_similarity = match_id, similarity

    def freeze(self, index: int) -> Appearance:
        return Appearance(
            index=index,
            start=self.start,
            end=self.end,
            best_match_id=self.best_id,
            best_similarity=self.best_similarity,
            match_ids=tuple(self.ids),
            verdicts=VerdictSummary(**self.counts),
        )


def group_appearances(job: Job, *, max_gap: float = DEFAULT_MAX_GAP) -> list[Appearance]:
    """The job's matches grouped into appearances, in time order (one query).

    The best match is the most similar one; on a tie, the earliest.
    """
    if max_gap < 0:
        raise ValueError("The gap between frames of an appearance cannot be negative.")
    rows = (
        Match.objects.filter(job=job)
        .order_by("timestamp", "id")
        .values_list("id", "timestamp", "similarity", "verdict__value")
    )
    appearances: list[Appearance] = []
    run: _Run | None = None
    for match_id, timestamp, similarity, verdict in rows.iterator(chunk_size=5000):
        if run is None or timestamp - run.end > max_gap:
            if run is not None:
                appearances.append(run.freeze(len(appearances)))
            run = _Run(match_id, timestamp, similarity)
        run.add(match_id, timestamp, similarity, verdict or "unreviewed")
    if run is not None:
        appearances.append(run.freeze(len(appearances)))
    return appearances


def set_appearance_verdict(
    job: Job,
    appearance: int | Sequence[int],
    value: str,
    user: AbstractBaseUser | None,
    *,
    max_gap: float = DEFAULT_MAX_GAP,
    note: str = "",
) -> int:
    """Give `value` to an appearance's matches, sparing individual overrides.

    `appearance` is its index in group_appearances(job, max_gap=max_gap), or
    the ids of its matches (what the page showed, so a resync that regrouped
    the job in between cannot shift the verdict onto other matches). Returns
    how many matches changed; each change is in the history with source
    "appearance".
    """
    if isinstance(appearance, int):
        groups = group_appearances(job, max_gap=max_gap)
        if not 0 <= appearance < len(groups):
            raise ValueError(f"This job has no appearance {appearance}.")
        match_ids: Sequence[int] = groups[appearance].match_ids
    else:
        match_ids = appearance
    return apply_to_many(
        job,
        matches_by_ids(job, match_ids),
        value,
        user=user,
        source=VerdictSource.APPEARANCE,
        note=note,
        skip_individual=True,
    )
