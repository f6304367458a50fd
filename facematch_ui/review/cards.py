"""A gallery card's display values, computed in Python once per card.

The job page shows 50 cards or more; each card's similarity, time, box,
links and verdict line used to go through template filters, `{% with %}`
and two nested includes, which made rendering most of the page's cost.
Building plain strings here leaves the card template a flat loop of
attribute reads. The values stay text: the template escapes them as any
other variable (the note and the analyst's name are user data).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import date as format_date
from django.template.defaultfilters import floatformat
from django.utils.timezone import localtime

from facematch_ui.review.models import Match
from facematch_ui.review.templatetags.review_tags import hms, percent, similarity


@dataclass(frozen=True, slots=True)
class CardView:
    """What one card shows; `verdict_value` is "" for a match not (or no longer) reviewed."""

    api_id: str
    position: int  # 1-based place in the gallery
    url: str  # the match's detail page; + "frame.jpg", "face.jpg", "card/verdict/", ...
    similarity: str
    time: str
    has_box: bool  # the face box is drawn only over a stored frame
    box_x: str  # the box as CSS percentages of the frame
    box_y: str
    box_width: str
    box_height: str
    quality: str
    verdict_value: str
    verdict_class: str  # the value, or "unreviewed"
    verdict_label: str  # "Confirmed", ...
    verdict_who: str
    verdict_title: str  # "Confirmed by sam on 2025-01-02 10:00: note" ("" when not reviewed)
    note: str
    version: int  # the verdict's version the card saw (0: never reviewed)
    # aria-pressed of the three verdict buttons ("true"/"false")
    pressed_confirmed: str
    pressed_rejected: str
    pressed_unsure: str

    def __getitem__(self, name: str) -> object:
        # The template engine tries `card[name]` before `card.name`; answering
        # it spares a raised TypeError per value, a tenth of the card's cost.
        return getattr(self, name)


def _quality(match: Match) -> str:
    if match.face_px is None:
        return "size and sharpness not measured"
    return f"{match.face_px} px · sharpness {floatformat(match.sharpness, 0)}"


def _pressed(value: str, button: str) -> str:
    return "true" if value == button else "false"


def card_view(match: Match, position: int, match_url_prefix: str) -> CardView:
    """The card of `match` (from review.queries: with `shown_verdict`) at `position`."""
    verdict: Any = match.shown_verdict  # type: ignore[attr-defined]  # a Verdict, falsy, or None
    value = verdict.value if verdict else ""
    label = who = title = note = ""
    if verdict:
        note = verdict.note
    if value:
        label = verdict.get_value_display()
        who = (verdict.set_by.get_username() if verdict.set_by else "") or "someone"
        when = format_date(localtime(verdict.set_at), "Y-m-d H:i")
        title = f"{label} by {who} on {when}" + (f": {note}" if note else "")
    return CardView(
        api_id=match.api_id,
        position=position,
        url=f"{match_url_prefix}{match.api_id}/",
        similarity=similarity(match.similarity),
        time=hms(match.timestamp),
        has_box=match.thumbnail_state == "stored",
        box_x=percent(match.box_left),
        box_y=percent(match.box_top),
        box_width=percent(match.box_width),
        box_height=percent(match.box_height),
        quality=_quality(match),
        verdict_value=value,
        verdict_class=value or "unreviewed",
        verdict_label=label,
        verdict_who=who,
        verdict_title=title,
        note=note,
        version=(verdict.version if verdict else 0) or 0,
        pressed_confirmed=_pressed(value, "confirmed"),
        pressed_rejected=_pressed(value, "rejected"),
        pressed_unsure=_pressed(value, "unsure"),
    )


def card_views(matches: Iterable[Match], start: int, match_url_prefix: str) -> list[CardView]:
    """The cards of a page whose first match is at `start` (1-based)."""
    return [card_view(m, start + i, match_url_prefix) for i, m in enumerate(matches)]
