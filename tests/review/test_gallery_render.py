"""The gallery's cards render the same HTML whatever shortcut the queries take."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from facematch_ui.review import queries
from facematch_ui.review.models import Match
from facematch_ui.review.verdicts import set_verdict
from tests.review.factories import make_job, make_matches, make_user

pytestmark = pytest.mark.django_db

# The CSRF token is masked anew on each render (form fields and hx-headers).
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]*"')


def test_an_unreviewed_card_renders_exactly_as_with_no_verdict_at_all(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user()
    client.force_login(user)
    job = make_job()
    matches = make_matches(job, 12)
    Match.objects.filter(pk=matches[0].pk).update(face_px=90, sharpness=123.4)
    set_verdict(matches[1], "confirmed", note="seen twice", user=user)
    set_verdict(matches[2], "rejected", user=user)
    url = f"/jobs/{job.api_id}/?sort=time"

    def page() -> str:
        return CSRF.sub(r"\1", client.get(url).content.decode())

    with_placeholder = page()
    monkeypatch.setattr(queries, "NOT_REVIEWED", None)

    assert with_placeholder == page()
    assert with_placeholder.count('data-verdict=""') == 10
    assert 'value="0"' in with_placeholder  # the expected version of an unreviewed match


def test_the_placeholder_verdict_is_falsy_and_empty() -> None:
    assert not queries.NOT_REVIEWED
    assert queries.NOT_REVIEWED["value"] == queries.NOT_REVIEWED["note"] == ""
