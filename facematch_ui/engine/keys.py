"""API keys: generated once, stored as a sha256 hash, looked up by prefix.

The prefix (the first characters after `fm_`) is stored in clear so a key can
be found and shown in listings; the whole key is compared by hash in constant
time, so a leaked database never reveals usable keys.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from facematch_ui.engine.models import ApiKey

KEY_PREFIX = "fm_"
PREFIX_LENGTH = 8  # characters of the random part shown in listings
_LAST_USED_GRANULARITY = timedelta(minutes=1)  # avoid a write on every request


class ApiKeyError(Exception):
    """A key command could not be carried out (duplicate name, unknown key)."""


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(name: str) -> tuple[ApiKey, str]:
    """Store a new key named `name`; return it with the clear key (shown once)."""
    name = name.strip()
    if not name:
        raise ApiKeyError("A key needs a name.")
    if ApiKey.objects.filter(name=name).exists():
        raise ApiKeyError(f"A key named {name!r} already exists.")
    while True:
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        prefix = key[len(KEY_PREFIX) : len(KEY_PREFIX) + PREFIX_LENGTH]
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    record = ApiKey.objects.create(name=name, prefix=prefix, key_hash=hash_key(key))
    return record, key


def authenticate(key: str) -> ApiKey | None:
    """The active key matching `key`, or None."""
    if not key.startswith(KEY_PREFIX):
        return None
    prefix = key[len(KEY_PREFIX) : len(KEY_PREFIX) + PREFIX_LENGTH]
    record = ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if record is None or not hmac.compare_digest(record.key_hash, hash_key(key)):
        return None
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at > _LAST_USED_GRANULARITY:
        ApiKey.objects.filter(pk=record.pk).update(last_used_at=now)
    return record


def revoke_key(name_or_prefix: str) -> ApiKey:
    """Revoke the key with this name or prefix (a leading `fm_` is ignored)."""
    value = name_or_prefix.strip()
    prefix = value.removeprefix(KEY_PREFIX)[:PREFIX_LENGTH]
    matches = list(ApiKey.objects.filter(Q(name=value) | Q(prefix=prefix)))
    if not matches:
        raise ApiKeyError(f"No key named or prefixed {value!r}.")
    if len(matches) > 1:
        raise ApiKeyError(f"{value!r} matches several keys; use the name.")
    record = matches[0]
    if record.revoked_at is None:
        record.revoked_at = timezone.now()
        record.save(update_fields=["revoked_at"])
    return record
