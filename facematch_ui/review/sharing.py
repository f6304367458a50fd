"""Share links: read-only access to one job for someone without an account.

A token is `secrets.token_urlsafe(24)` (192 random bits, 32 characters).
Only its SHA-256 is stored, with its first TOKEN_PREFIX_LENGTH characters to
find the row; the other 144 bits never leave the sharer's hands. Resolving
compares hashes with hmac.compare_digest and takes the same path for an
unknown token as for a wrong one, so timing does not tell which prefixes
exist.

Every link expires (EXPIRY_CHOICES; "never" is not offered), can be revoked,
and may ask for a password (stored with Django's make_password).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import check_password as check_hashed_password
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F
from django.utils import timezone

from facematch_ui.review.models import Job, ShareLink

TOKEN_BYTES = 24
TOKEN_PREFIX_LENGTH = 8
EXPIRY_CHOICES: dict[str, timedelta] = {
    "1d": timedelta(days=1),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
}
DEFAULT_EXPIRY = EXPIRY_CHOICES["7d"]
MAX_EXPIRY = max(EXPIRY_CHOICES.values())
MAX_FROZEN_QUERY_CHARS = 2000

_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32}")
# Hashed against when no row has the prefix, so unknown tokens cost the same.
_DUMMY_HASH = hashlib.sha256(b"no such share link").hexdigest()


class ShareLinkError(Exception):
    """A share link that cannot be opened (the page says why, as a 404 or 410)."""


class ShareLinkInvalid(ShareLinkError):
    def __init__(self) -> None:
        super().__init__("This share link is not valid.")


class ShareLinkExpired(ShareLinkError):
    def __init__(self) -> None:
        super().__init__("This share link has expired.")


class ShareLinkRevoked(ShareLinkError):
    def __init__(self) -> None:
        super().__init__("This share link was revoked.")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def _checked_query(frozen_query: dict[str, Any] | None) -> dict[str, Any] | None:
    """Filters kept with the link: flat, JSON-safe and small."""
    if frozen_query is None:
        return None
    if not isinstance(frozen_query, dict):
        raise ValueError("Frozen filters must be a mapping of names to values.")
    for key, value in frozen_query.items():
        if not isinstance(key, str) or not isinstance(value, str | int | float | bool):
            raise ValueError("Frozen filters map names to plain values (text, numbers, yes/no).")
    if len(repr(frozen_query)) > MAX_FROZEN_QUERY_CHARS:
        raise ValueError("Frozen filters are too long.")
    return dict(frozen_query)


def create_share_link(
    job: Job,
    user: AbstractBaseUser | None,
    *,
    expires_in: timedelta = DEFAULT_EXPIRY,
    password: str | None = None,
    frozen_query: dict[str, Any] | None = None,
) -> tuple[ShareLink, str]:
    """A new link to `job` and its token (shown once: only the hash is kept).

    Raises ValueError for an expiry outside (0, 30 days] or bad filters.
    """
    if not timedelta(0) < expires_in <= MAX_EXPIRY:
        raise ValueError("A share link expires after at most 30 days.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink.objects.create(
        job=job,
        token_prefix=token[:TOKEN_PREFIX_LENGTH],
        token_hash=_hash(token),
        created_by_id=user.pk if user is not None and user.is_authenticated else None,
        expires_at=timezone.now() + expires_in,
        password_hash=make_password(password) if password else "",
        frozen_query=_checked_query(frozen_query),
    )
    return link, token


def resolve_share_link(token: str) -> ShareLink:
    """The link `token` opens, or ShareLinkInvalid / ShareLinkExpired / ShareLinkRevoked.

    Checks the token only, not the password (check_password, on the page
    that asks for it).
    """
    well_formed = bool(_TOKEN_SHAPE.fullmatch(token or ""))
    prefix = token[:TOKEN_PREFIX_LENGTH] if well_formed else ""
    digest = _hash(token or "")
    candidates: list[ShareLink | None] = list(
        ShareLink.objects.filter(token_prefix=prefix).select_related("job")
    )
    found = None
    for candidate in candidates or [None]:
        stored = candidate.token_hash if candidate is not None else _DUMMY_HASH
        if hmac.compare_digest(stored, digest) and candidate is not None:
            found = candidate
    if found is None or not well_formed:
        raise ShareLinkInvalid()
    if found.revoked_at is not None:
        raise ShareLinkRevoked()
    if found.expires_at <= timezone.now():
        raise ShareLinkExpired()
    return found


def check_password(link: ShareLink, password: str) -> bool:
    """Whether `password` opens `link` (always true for a link without one)."""
    if not link.password_hash:
        return True
    return bool(password) and check_hashed_password(password, link.password_hash)


def revoke(link: ShareLink) -> None:
    """Close the link for good (idempotent: the first revocation time is kept)."""
    ShareLink.objects.filter(pk=link.pk, revoked_at=None).update(revoked_at=timezone.now())
    link.refresh_from_db(fields=["revoked_at"])


def touch_opened(link: ShareLink) -> None:
    """Count an opening (atomic increment, safe under concurrent visits)."""
    now = timezone.now()
    ShareLink.objects.filter(pk=link.pk).update(open_count=F("open_count") + 1, last_opened_at=now)
    link.refresh_from_db(fields=["open_count", "last_opened_at"])
