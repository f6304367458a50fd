"""Typed readers of FACEMATCH_* environment variables.

Only settings.py calls these. Each fails loudly with ImproperlyConfigured on
a value it cannot parse, so a typo in a deployment stops the process at start
instead of silently falling back to a default.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

PREFIX = "FACEMATCH_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    return os.environ.get(PREFIX + name)


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def env_optional_str(name: str) -> str | None:
    value = _raw(name)
    return value or None


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{PREFIX}{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError as err:
        raise ImproperlyConfigured(f"{PREFIX}{name} must be an integer, got {value!r}") from err
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{PREFIX}{name} must be at least {minimum}, got {number}")
    return number


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError as err:
        raise ImproperlyConfigured(f"{PREFIX}{name} must be a number, got {value!r}") from err
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{PREFIX}{name} must be at least {minimum}, got {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(
            f"{PREFIX}{name} must be one of {', '.join(choices)}, got {value!r}"
        )
    return value


def env_path(name: str, default: Path) -> Path:
    value = _raw(name)
    return (Path(value) if value else default).expanduser().resolve()


def persistent_secret(path: Path) -> str:
    """Read a secret kept in the data folder, creating it on first use.

    A fresh checkout then needs no hand-made SECRET_KEY, and the key survives
    restarts (sessions and share links stay valid).
    """
    from django.core.management.utils import get_random_secret_key

    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = get_random_secret_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process (server or worker) won the race
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
    return secret


def database_from_url(url: str) -> dict[str, object]:
    """Django DATABASES entry from postgres://user:pass@host:port/name."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"{PREFIX}DATABASE_URL must start with postgres://, got {parts.scheme!r}"
        )
    name = parts.path.lstrip("/")
    if not name:
        raise ImproperlyConfigured(f"{PREFIX}DATABASE_URL names no database")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(name),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def redis_cache_from_url(url: str) -> dict[str, object]:
    """Django CACHES entry for Redis from redis://[:password@]host:port/db (or rediss://)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"{PREFIX}CACHE_URL must be redis://host:port/db or rediss://..., got {url!r}"
        )
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "facematch",
        # A cache that is down must not hang every request: fail fast.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
