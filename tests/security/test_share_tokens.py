"""Share tokens: compared in constant time, and guessing them is rate-limited."""

from __future__ import annotations

import hmac
from typing import Any

import pytest
from django.test import Client

from facematch_ui.review import share_views, sharing
from facematch_ui.review.sharing import create_share_link
from tests.review.factories import make_job, make_matches
from tests.security.conftest import UNKNOWN_TOKEN, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    calls: list[tuple[str, str]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(sharing.hmac, "compare_digest", spy)
    return calls


def test_a_known_token_is_checked_with_compare_digest(
    world: World, compared: list[tuple[str, str]]
) -> None:
    assert sharing.resolve_share_link(world.token) == world.link
    assert compared == [(world.link.token_hash, sharing._hash(world.token))]


@pytest.mark.parametrize(
    "token",
    [UNKNOWN_TOKEN, "short", "", "A" * 31 + "!"],
    ids=["unknown", "malformed", "empty", "bad-character"],
)
def test_an_unknown_token_takes_the_same_path(
    world: World, compared: list[tuple[str, str]], token: str
) -> None:
    with pytest.raises(sharing.ShareLinkInvalid):
        sharing.resolve_share_link(token)
    # One comparison of two SHA-256 hex digests, as for a real link.
    assert len(compared) == 1
    assert [len(a) for a in compared[0]] == [64, 64]


def test_a_known_prefix_with_a_wrong_rest_is_compared_and_refused(
    world: World, compared: list[tuple[str, str]]
) -> None:
    forged = world.token[: sharing.TOKEN_PREFIX_LENGTH] + "B" * (32 - sharing.TOKEN_PREFIX_LENGTH)
    with pytest.raises(sharing.ShareLinkInvalid):
        sharing.resolve_share_link(forged)
    assert compared == [(world.link.token_hash, sharing._hash(forged))]


def _guess(client: Client, n: int, address: str = "203.0.113.7") -> list[int]:
    return [client.get(f"/s/{i:032d}/", REMOTE_ADDR=address).status_code for i in range(n)]


def test_guessing_tokens_from_one_address_is_stopped_with_429(world: World) -> None:
    client = Client()
    statuses = _guess(client, share_views.TOKEN_GUESSES)
    assert set(statuses) == {404}
    response = client.get(f"/s/{UNKNOWN_TOKEN}/", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert response["Retry-After"] == str(share_views.TOKEN_GUESS_WINDOW)
    assert b"Too many invalid share links" in response.content
    # Every share URL, even a valid link, until the window ends ...
    assert client.get(f"/s/{world.token}/", REMOTE_ADDR="203.0.113.7").status_code == 429
    path = f"/s/{world.token}/matches/{world.match.api_id}/frame.jpg"
    assert client.get(path, REMOTE_ADDR="203.0.113.7").status_code == 429
    # ... and only for that address.
    assert client.get(f"/s/{world.token}/", REMOTE_ADDR="198.51.100.1").status_code == 200
    assert client.get(f"/s/{UNKNOWN_TOKEN}/", REMOTE_ADDR="198.51.100.1").status_code == 404


def test_valid_links_do_not_count_as_guesses(world: World) -> None:
    client = Client()
    for _ in range(share_views.TOKEN_GUESSES + 5):
        assert client.get(f"/s/{world.token}/", REMOTE_ADDR="203.0.113.8").status_code == 200


def test_password_attempts_are_limited_per_link_and_address() -> None:
    job = make_job()
    make_matches(job, 1)
    _link, token = create_share_link(job, None, password="open sesame")
    client = Client()
    for _ in range(share_views.PASSWORD_ATTEMPTS):
        response = client.post(f"/s/{token}/", {"password": "guess"}, REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 403
    right = client.post(f"/s/{token}/", {"password": "open sesame"}, REMOTE_ADDR="203.0.113.9")
    assert right.status_code == 429
    other = Client().post(f"/s/{token}/", {"password": "open sesame"}, REMOTE_ADDR="192.0.2.1")
    assert other.status_code == 302
