"""Set-up shared by the review tests: a clean cache, the fake face API, a logged-in analyst."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import caches
from django.test import Client

from tests.review import fake_api
from tests.review.factories import make_user
from tests.review.fake_api import FakeFaceApi

# A key the pages must never show (tests/review/test_views.py checks they don't).
FACE_API_KEY = "sk-secret-key-never-in-html"


def _clear_caches() -> None:
    for each in caches.all():
        each.clear()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Sync throttles, rate limits and verdict counts live in the cache: no test
    # may see another's.
    _clear_caches()
    yield
    _clear_caches()


@pytest.fixture
def thumbnail_dir(settings: Any, tmp_path: Path) -> Path:
    settings.REVIEW_THUMBNAIL_DIR = tmp_path / "thumbnails"
    return settings.REVIEW_THUMBNAIL_DIR


@pytest.fixture
def configured_api(settings: Any) -> Iterator[FakeFaceApi]:
    """A fresh fake API behind every client the code builds from settings."""
    settings.FACE_API_TRANSPORT = "tests.review.fake_api.FakeTransport"
    settings.FACE_API_MAX_RETRIES = 0  # no real backoff sleeps in tests
    fake_api.current = FakeFaceApi()
    yield fake_api.current
    fake_api.current = None


@pytest.fixture
def face_api(configured_api: FakeFaceApi, settings: Any) -> FakeFaceApi:
    """The fake API configured as a remote one, with its own URL and key."""
    settings.FACE_API_URL = "http://api.test/v1"
    settings.FACE_API_KEY = FACE_API_KEY
    return configured_api


@pytest.fixture
def analyst_user(db: None) -> AbstractBaseUser:
    """Whom `analyst` logs in as; a module overrides it to name the user."""
    return make_user()


@pytest.fixture
def analyst(analyst_user: AbstractBaseUser) -> Client:
    """A logged-in client of its own (the `client` fixture stays anonymous)."""
    client = Client()
    client.force_login(analyst_user)
    return client
