"""Exports of a job's matches: CSV (streamed), JSON, and a PNG contact sheet.

CSV and JSON read plain values (no model instances) in chunks, so a job of
100,000 matches streams in constant memory. Notes are analysts' free text:
the CSV writer quotes them, and a note that starts like a spreadsheet
formula (=, +, -, @) gets a leading apostrophe so opening the file in a
spreadsheet shows the text instead of running it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from facematch_ui import imaging
from facematch_ui.review.models import Job, Match
from facematch_ui.review.thumbnails import thumbnail_file

CSV_COLUMNS = (
    "match_id",
    "frame_id",
    "time",
    "seconds",
    "similarity",
    "box_top",
    "box_left",
    "box_width",
    "box_height",
    "verdict",
    "note",
    "reviewer",
    "verdict_at",
    "face_px",
    "sharpness",
)
CONTACT_SHEET_MAX_TILES = 120
_CHUNK = 2000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def format_timestamp(seconds: float) -> str:
    """h:mm:ss of a position in the video (whole seconds, rounded down)."""
    whole = max(int(seconds), 0)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def _rows(queryset: QuerySet[Match]) -> Iterator[tuple[Any, ...]]:
    reviewer = f"verdict__set_by__{get_user_model().USERNAME_FIELD}"
    return queryset.values_list(
        "api_id",
        "frame_id",
        "timestamp",
        "similarity",
        "box_top",
        "box_left",
        "box_width",
        "box_height",
        "verdict__value",
        "verdict__note",
        reviewer,
        "verdict__set_at",
        "face_px",
        "sharpness",
    ).iterator(chunk_size=_CHUNK)


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


def _cell_text(text: str | None) -> str:
    text = text or ""
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Line:
    """A file-like object whose write returns the line (csv.writer into a generator)."""

    def write(self, value: str) -> str:
        return value


def matches_csv(job: Job, queryset: QuerySet[Match]) -> Iterator[str]:
    """CSV lines (header first) of `queryset`'s matches of `job`, for a streaming response."""
    writer = csv.writer(_Line())
    yield writer.writerow(CSV_COLUMNS)
    for row in _rows(queryset.filter(job=job)):
        (api_id, frame_id, seconds, similarity, *box, value, note, who, at, face_px, sharp) = row
        yield writer.writerow(
            (
                api_id,
                frame_id,
                format_timestamp(seconds),
                f"{seconds:.3f}",
                f"{similarity:.2f}",
                *box,
                value or "",
                _cell_text(note),
                _cell_text(who),
                _iso(at),
                "" if face_px is None else face_px,
                "" if sharp is None else f"{sharp:.1f}",
            )
        )


def matches_json(job: Job, queryset: QuerySet[Match]) -> dict[str, Any]:
    """The job and `queryset`'s matches of it as plain JSON-ready data."""
    matches = []
    for row in _rows(queryset.filter(job=job)):
        (api_id, frame_id, seconds, similarity, *box, value, note, who, at, face_px, sharp) = row
        matches.append(
            {
                "id": api_id,
                "frame_id": frame_id,
                "timestamp": seconds,
                "time": format_timestamp(seconds),
                "similarity": similarity,
                "box": dict(zip(("top", "left", "width", "height"), box, strict=True)),
                "verdict": (
                    {"value": value, "note": note, "set_by": who, "set_at": _iso(at)}
                    if value
                    else None
                ),
                "face_px": face_px,
                "sharpness": sharp,
            }
        )
    return {
        "job": {
            "id": job.api_id,
            "status": job.status,
            "created_at": _iso(job.created_at),
            "file_id": job.file_id,
        },
        "count": len(matches),
        "matches": matches,
    }


def confirmed_matches(job: Job) -> QuerySet[Match]:
    """What a contact sheet shows by default: confirmed matches in time order."""
    return (
        Match.objects.filter(job=job, verdict__value="confirmed")
        .select_related("job")
        .order_by("timestamp", "id")
    )


def contact_sheet_png(job: Job, matches: Iterable[Match], *, columns: int = 4) -> bytes:
    """A PNG grid of `matches`' frames with their boxes, similarity and time.

    At most CONTACT_SHEET_MAX_TILES tiles (the title says when there were
    more); a match without a stored frame shows a placeholder.
    """
    chosen: Sequence[Match] = list(matches)
    shown = chosen[:CONTACT_SHEET_MAX_TILES]
    tiles = []
    for match in shown:
        path = thumbnail_file(match, "frame")
        try:
            data = path.read_bytes() if path is not None else None
        except OSError:
            data = None
        box = (match.box_top, match.box_left, match.box_width, match.box_height)
        caption = f"{match.similarity:.1f}%  {format_timestamp(match.timestamp)}"
        tiles.append((data, [box], caption))
    title = f"Face match {job.api_id}: {len(chosen)} match{'es' if len(chosen) != 1 else ''}"
    if len(chosen) > len(shown):
        title += f" (first {len(shown)} shown)"
    return imaging.contact_sheet_png(tiles, title=title, columns=columns)
