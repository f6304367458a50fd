from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.cache import caches
from django.test import Client

from facematch_ui.review.models import Job, Match, ShareLink
from facematch_ui.review.sharing import create_share_link
from tests.review.factories import make_job, make_matches, make_user
from tests.security.urlwalk import Route, all_routes

# Well formed (32 url-safe characters) but no link has it.
UNKNOWN_TOKEN = "A" * 32


@dataclass
class World:
    """Real rows every walked URL can name, so views meet data, not only 404s."""

    job: Job
    match: Match
    link: ShareLink
    token: str

    def samples(self, token: str = UNKNOWN_TOKEN) -> dict[str, str]:
        return {
            "api_id": self.job.api_id,
            "match_id": self.match.api_id,
            "link_id": str(self.link.pk),
            "variant": "frame",
            "fmt": "csv",
            "token": token,
        }

    def routes(self, token: str = UNKNOWN_TOKEN) -> list[Route]:
        routes, unbuilt = all_routes(self.samples(token))
        assert not unbuilt, f"no concrete path could be built for {unbuilt}"
        return routes


def _clear_caches() -> None:
    for each in caches.all():
        each.clear()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Rate limits live in the cache: every test starts with a clean slate.
    _clear_caches()
    yield
    _clear_caches()


@pytest.fixture
def world(db: None) -> World:
    job = make_job()
    (match, *_rest) = make_matches(job, 3)
    link, token = create_share_link(job, None)
    return World(job, match, link, token)


@pytest.fixture
def analyst(db: None) -> Client:
    client = Client()
    client.force_login(make_user("analyst-sec"))
    return client
