"""Signed, expiring thumbnail URLs, served without a bearer token.

Like a CDN URL: anyone holding the link can fetch the image for seven days,
so the dashboard (or a browser) can show it without the API key.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.core import signing
from django.http import HttpRequest
from django.urls import reverse

MAX_AGE = timedelta(days=7)
_SALT = "facematch.engine.thumbnail"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT)


def signature(frame_id: uuid.UUID) -> str:
    """The timestamp:signature part of the signed frame id."""
    return _signer().sign(str(frame_id)).split(":", 1)[1]


def is_valid(frame_id: uuid.UUID, sig: str) -> bool:
    try:
        value = _signer().unsign(f"{frame_id}:{sig}", max_age=MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return False
    return value == str(frame_id)


def thumbnail_url(request: HttpRequest, frame_id: uuid.UUID) -> str:
    path = reverse("engine:thumbnail", kwargs={"frame_id": str(frame_id)})
    return request.build_absolute_uri(f"{path}?sig={signature(frame_id)}")
