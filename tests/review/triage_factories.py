"""Builders for triage tests: verdicts on matches, quickly and by api id."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from PIL import Image, ImageDraw

from facematch_ui.review.models import Job, Match, ThumbnailState, Verdict
from facematch_ui.review.verdicts import set_verdict


def match_named(job: Job, api_id: str) -> Match:
    return Match.objects.get(job=job, api_id=api_id)


def give_verdicts(job: Job, verdicts: dict[str, str], user: AbstractBaseUser) -> list[Verdict]:
    """Set each `{match api_id: value}` as an analyst would, one by one."""
    return [
        set_verdict(match_named(job, api_id), value, user=user)
        for api_id, value in verdicts.items()
    ]


def checkerboard(size: tuple[int, int], square: int = 8) -> Image.Image:
    """A sharp test pattern: black and white squares."""
    image = Image.new("L", size, 0)
    draw = ImageDraw.Draw(image)
    for y in range(0, size[1], square):
        for x in range((y // square % 2) * square, size[0], 2 * square):
            draw.rectangle((x, y, x + square - 1, y + square - 1), fill=255)
    return image.convert("RGB")


def store_frame(match: Match, image: Image.Image) -> Path:
    """Put `image` where review.thumbnails keeps the match's frame, and mark it stored."""
    path = Path(settings.REVIEW_THUMBNAIL_DIR) / match.job.api_id / f"{match.api_id}.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="JPEG", quality=95)
    Match.objects.filter(pk=match.pk).update(thumbnail_state=ThumbnailState.STORED)
    match.thumbnail_state = ThumbnailState.STORED
    return path
