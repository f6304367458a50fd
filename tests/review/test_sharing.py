"""Share links at the data level: tokens, expiry, revocation, passwords."""

from __future__ import annotations

import math
import secrets
from datetime import timedelta

import pytest
from django.utils import timezone

from facematch_ui.review.models import ShareLink
from facematch_ui.review.sharing import (
    EXPIRY_CHOICES,
    ShareLinkExpired,
    ShareLinkInvalid,
    ShareLinkRevoked,
    check_password,
    create_share_link,
    resolve_share_link,
    revoke,
    touch_opened,
)
from tests.review.factories import make_job, make_user

pytestmark = pytest.mark.django_db


def test_a_new_link_opens_its_job_and_expires_in_seven_days_by_default() -> None:
    job, ada = make_job(), make_user("ada")
    before = timezone.now()

    link, token = create_share_link(job, ada, frozen_query={"threshold": 70, "sort": "time"})

    assert resolve_share_link(token) == link
    assert link.job == job and link.created_by == ada
    assert before + timedelta(days=7) <= link.expires_at <= timezone.now() + timedelta(days=7)
    assert ShareLink.objects.get(pk=link.pk).frozen_query == {"threshold": 70, "sort": "time"}


def test_only_the_hash_and_a_short_prefix_of_the_token_are_stored() -> None:
    link, token = create_share_link(make_job(), make_user())

    stored = ShareLink.objects.filter(pk=link.pk).values().get()
    assert token not in {str(v) for v in stored.values()}
    assert stored["token_prefix"] == token[:8]
    assert len(stored["token_hash"]) == 64 and stored["token_hash"] != token


def test_tokens_carry_at_least_128_secret_bits_and_differ() -> None:
    tokens = {create_share_link(make_job(), None)[1] for _ in range(5)}

    assert len(tokens) == 5
    for token in tokens:
        secret_chars = len(token) - 8  # the prefix is stored in clear
        assert secret_chars * math.log2(64) >= 128


def test_random_tokens_open_nothing() -> None:
    _, token = create_share_link(make_job(), None)

    for guess in [secrets.token_urlsafe(24) for _ in range(20)]:
        with pytest.raises(ShareLinkInvalid):
            resolve_share_link(guess)
    # Right prefix, wrong secret.
    with pytest.raises(ShareLinkInvalid):
        resolve_share_link(token[:8] + secrets.token_urlsafe(18))
    for malformed in ["", "short", token + "x", token[:-1] + "!"]:
        with pytest.raises(ShareLinkInvalid):
            resolve_share_link(malformed)


def test_an_expired_link_is_refused() -> None:
    link, token = create_share_link(make_job(), None, expires_in=EXPIRY_CHOICES["1d"])
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(ShareLinkExpired):
        resolve_share_link(token)


def test_a_revoked_link_is_refused_and_revoking_twice_keeps_the_first_time() -> None:
    link, token = create_share_link(make_job(), None)
    revoke(link)
    first = link.revoked_at

    revoke(link)

    assert link.revoked_at == first is not None
    with pytest.raises(ShareLinkRevoked):
        resolve_share_link(token)


@pytest.mark.parametrize("expires_in", [timedelta(0), timedelta(days=31), timedelta(days=-1)])
def test_there_is_no_never_or_overlong_expiry(expires_in: timedelta) -> None:
    with pytest.raises(ValueError, match="at most 30 days"):
        create_share_link(make_job(), None, expires_in=expires_in)


def test_the_expiry_choices_are_one_seven_and_thirty_days() -> None:
    assert [d.days for d in EXPIRY_CHOICES.values()] == [1, 7, 30]


def test_a_password_protected_link_wants_the_right_password() -> None:
    link, _ = create_share_link(make_job(), None, password="tulip-river")

    assert link.has_password
    assert "tulip-river" not in link.password_hash
    assert check_password(link, "tulip-river")
    assert not check_password(link, "Tulip-river")
    assert not check_password(link, "")


def test_a_link_without_password_needs_none() -> None:
    link, _ = create_share_link(make_job(), None)

    assert not link.has_password
    assert check_password(link, "")


def test_frozen_filters_must_be_flat_plain_values() -> None:
    with pytest.raises(ValueError, match="plain values"):
        create_share_link(make_job(), None, frozen_query={"threshold": {"$gt": 3}})


def test_openings_are_counted() -> None:
    link, token = create_share_link(make_job(), None)

    touch_opened(resolve_share_link(token))
    touch_opened(link)

    assert link.open_count == 2
    assert link.last_opened_at is not None
