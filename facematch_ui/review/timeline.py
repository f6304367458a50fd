"""The timeline strip of a match's detail: every match of the job along the video.

One query reads (id, time, similarity, verdict) of all matches. A long video
can have 100,000 matches, more than a strip can show, so past MAX_MARKS they
are grouped into MAX_MARKS equal slices of time and each slice is drawn as
its most similar match (the one an analyst would open first).
"""

from __future__ import annotations

from dataclasses import dataclass

from facematch_ui.review.models import Job, Match

MAX_MARKS = 600
SIMILARITY_SHADES = 5  # unreviewed marks: darker for more similar
MARK_WIDTH = 4
STRIP_HEIGHT = 40


@dataclass(frozen=True, slots=True)
class Mark:
    match_id: str
    timestamp: float
    similarity: float
    verdict: str  # "" = unreviewed
    count: int  # matches this mark stands for
    x: float  # 0..100, percent of the duration
    current: bool = False

    @property
    def tone(self) -> str:
        """The CSS class naming its colour: the verdict, else a similarity shade."""
        if self.verdict:
            return self.verdict
        shade = min(int(self.similarity / 100 * SIMILARITY_SHADES), SIMILARITY_SHADES - 1)
        return f"s{shade}"

    # Drawn in a 1000 x 40 viewBox: more similar matches stand taller.
    @property
    def svg_x(self) -> str:
        return f"{min(max(self.x * 10 - MARK_WIDTH / 2, 0), 1000 - MARK_WIDTH):.2f}"

    @property
    def svg_height(self) -> str:
        return f"{STRIP_HEIGHT * (0.3 + 0.007 * max(0.0, min(self.similarity, 100.0))):.2f}"

    @property
    def svg_y(self) -> str:
        return f"{STRIP_HEIGHT - float(self.svg_height):.2f}"


@dataclass(frozen=True, slots=True)
class Timeline:
    marks: list[Mark]
    duration: float  # seconds the strip spans
    total: int  # matches of the job
    current: Mark | None

    @property
    def grouped(self) -> bool:
        return self.total > len(self.marks)


def _x(timestamp: float, duration: float) -> float:
    return round(max(0.0, min(timestamp / duration, 1.0)) * 100, 3)


def build_timeline(
    job: Job,
    *,
    current_id: str | None = None,
    duration: float | None = None,
    max_marks: int = MAX_MARKS,
) -> Timeline:
    """The marks of `job`'s matches over `duration` (the last match's time if unknown)."""
    rows = list(
        Match.objects.filter(job=job)
        .order_by("timestamp", "id")
        .values_list("api_id", "timestamp", "similarity", "verdict__value")
    )
    last = rows[-1][1] if rows else 0.0
    span = max(duration or 0.0, last) or 1.0
    current: Mark | None = None
    best: dict[int, tuple[tuple[str, float, float, str | None], int]] = {}
    for row in rows:
        api_id, timestamp, similarity, _verdict = row
        if api_id == current_id:
            current = Mark(
                api_id, timestamp, similarity, row[3] or "", 1, _x(timestamp, span), True
            )
        # One slice per match when they fit, else max_marks slices of time.
        key = (
            len(best)
            if len(rows) <= max_marks
            else min(int(timestamp * max_marks / span), max_marks - 1)
        )
        kept = best.get(key)
        if kept is None:
            best[key] = (row, 1)
        else:
            winner = row if similarity > kept[0][2] else kept[0]
            best[key] = (winner, kept[1] + 1)
    marks = [
        Mark(api_id, timestamp, similarity, verdict or "", count, _x(timestamp, span))
        for (api_id, timestamp, similarity, verdict), count in best.values()
    ]
    return Timeline(marks=marks, duration=span, total=len(rows), current=current)
