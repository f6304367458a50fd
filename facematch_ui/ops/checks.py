"""Health checks: can this process serve the dashboard right now?

Each check returns a Check; `ok=False` carries a reason an operator can act
on. Reasons never include credentials: the face API's errors are phrased by
the client, which never puts the bearer token in a message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection

from facematch_ui.faceapi.errors import FaceApiError
from facematch_ui.review.api import face_api_client

logger = logging.getLogger(__name__)

# A load balancer waits a few seconds at most: a dead API must answer 503
# now, not after the dashboard's patient retries.
FACE_API_PROBE_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


def database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as err:
        logger.warning("Health check: database unavailable: %s", err)
        return Check("database", False, f"The database does not answer ({type(err).__name__}).")
    return Check("database", True, "ok")


def face_api() -> Check:
    """One cheap authenticated call: listing a single job."""
    try:
        with face_api_client(max_retries=0, timeout=FACE_API_PROBE_TIMEOUT) as api:
            api.list_face_matches(limit=1)
    except FaceApiError as err:
        return Check("face_api", False, str(err))
    return Check("face_api", True, "ok")


def shared_cache() -> Check:
    """The shared cache (FACEMATCH_CACHE_URL) answers a write and a read."""
    try:
        cache.set("healthz", "ok", timeout=10)
        answered = cache.get("healthz")
    except Exception as err:  # redis-py's errors share no base class with Django's
        logger.warning("Health check: shared cache unavailable: %s", err)
        return Check("cache", False, f"The shared cache does not answer ({type(err).__name__}).")
    if answered != "ok":
        return Check("cache", False, "The shared cache did not keep a value.")
    return Check("cache", True, "ok")


def run_all() -> list[Check]:
    """The database and the face API; the shared cache too when one is configured."""
    return [database(), face_api(), *([shared_cache()] if settings.CACHE_URL else [])]
