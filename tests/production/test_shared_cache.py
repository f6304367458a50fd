"""FACEMATCH_CACHE_URL: one cache (Redis) for every worker process and machine.

What the processes must agree on lives there: share-link guess limits,
sync throttles and sessions (cached_db). Each "process" below is the same
settings loaded afresh (override_settings resets Django's cache handlers, so
the next request opens its own client, as a new worker does). The tests need
Redis on FACEMATCH_TEST_REDIS_URL's server (database 14 here: the RQ test
flushes its own); without it they are skipped, and fail in CI.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from facematch_ui.lib.env import redis_cache_from_url
from facematch_ui.review import share_views
from tests.review.factories import make_user

pytestmark = pytest.mark.django_db

_TEST_REDIS = os.environ.get("FACEMATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REDIS_CACHE_URL = urlsplit(_TEST_REDIS)._replace(path="/14").geturl()
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


@pytest.fixture
def shared() -> dict[str, object]:
    """The settings' Redis cache entry, under a key prefix of this test's own."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_CACHE_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as err:
        pytest.skip(f"Redis at {REDIS_CACHE_URL} is not reachable: {err}")
    return {**redis_cache_from_url(REDIS_CACHE_URL), "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}


@contextmanager
def process(default_cache: dict[str, object], *, sessions: str | None = None) -> Iterator[None]:
    caches = {**settings.CACHES, "default": default_cache}
    engine = sessions or settings.SESSION_ENGINE
    with override_settings(CACHES=caches, SESSION_ENGINE=engine):
        yield


def _guess(n: int) -> list[int]:
    client = Client()
    return [client.get(f"/s/{i:032d}/", REMOTE_ADDR="203.0.113.9").status_code for i in range(n)]


def test_share_link_guesses_counted_by_one_worker_stop_the_next(shared: dict) -> None:
    half = share_views.TOKEN_GUESSES // 2
    with process(shared):
        assert set(_guess(half)) == {404}
    with process(shared):
        assert set(_guess(share_views.TOKEN_GUESSES - half)) == {404}
    with process(shared):
        assert _guess(1) == [429]


def test_without_a_shared_cache_each_process_counts_for_itself() -> None:
    # Why production with several workers sets FACEMATCH_CACHE_URL.
    with process({"BACKEND": LOCMEM, "LOCATION": "worker-a"}):
        assert set(_guess(share_views.TOKEN_GUESSES)) == {404}
    with process({"BACKEND": LOCMEM, "LOCATION": "worker-b"}):
        assert _guess(1) == [404]


def test_sessions_are_read_from_the_shared_cache_and_end_everywhere(shared: dict) -> None:
    cached_db = "django.contrib.sessions.backends.cached_db"
    client = Client()
    with process(shared, sessions=cached_db):
        client.force_login(make_user("casey"))
    with process(shared, sessions=cached_db), CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"]]
    with process(shared, sessions=cached_db):
        client.post("/accounts/logout/")
    with process(shared, sessions=cached_db):
        assert client.get("/").status_code == 302  # to the login page


def test_health_checks_the_shared_cache(shared: dict, client: Client, settings: object) -> None:
    settings.CACHE_URL = REDIS_CACHE_URL  # type: ignore[attr-defined]
    with process(shared):
        answer = client.get("/healthz")
    assert answer.json()["checks"]["cache"] == {"ok": True, "detail": "ok"}


def test_a_shared_cache_that_does_not_answer_is_503(client: Client, settings: object) -> None:
    closed = redis_cache_from_url("redis://127.0.0.1:1/0")  # nothing listens on port 1
    settings.CACHE_URL = "redis://127.0.0.1:1/0"  # type: ignore[attr-defined]
    with process(closed):
        answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["cache"] == {
        "ok": False,
        "detail": "The shared cache does not answer (ConnectionError).",
    }


@pytest.mark.parametrize("url", ["memcached://cache:11211", "redis://", "cache-host:6379"])
def test_a_cache_url_that_is_not_redis_is_refused(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="FACEMATCH_CACHE_URL"):
        redis_cache_from_url(url)
