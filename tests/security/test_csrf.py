"""CSRF: every state-changing request of the dashboard needs the token; /v1 needs the key.

Routes come from the URLconf walk; a route "accepts" a method when, with a
valid token, it does not answer 405.
"""

from __future__ import annotations

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from facematch_ui.review.models import Job
from tests.review.factories import make_user
from tests.security.conftest import World
from tests.security.urlwalk import Route

pytestmark = pytest.mark.django_db

WRITES = ("POST", "PUT", "PATCH", "DELETE")


def _guarded(world: World) -> list[Route]:
    """Every route a browser with cookies reaches: all but the bearer-key /v1."""
    return [r for r in world.routes(world.token) if not r.path.startswith("/v1/")]


def _csrf_client(token: str | None = None) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    if token is not None:
        client.cookies["csrftoken"] = token
    return client


def test_every_write_without_the_token_is_refused(world: World) -> None:
    client = _csrf_client()
    passed = [
        f"{method} {route}: {status}"
        for route in _guarded(world)
        for method in WRITES
        if (status := getattr(client, method.lower())(route.path).status_code) != 403
    ]
    assert not passed, "state change without a CSRF token:\n" + "\n".join(passed)


def test_no_dashboard_view_is_exempt_from_csrf(world: World) -> None:
    exempt = [str(r) for r in _guarded(world) if getattr(r.callback, "csrf_exempt", False)]
    assert not exempt


def test_writes_with_the_token_get_through_as_a_form_field_or_the_htmx_header(
    world: World,
) -> None:
    token = _get_new_csrf_string()
    accepting: set[str] = set()
    client = _csrf_client(token)
    for route in _guarded(world):
        if route.name in ("logout", "admin:logout", "review:share_revoke"):
            continue  # they end the session or the link the next requests need
        for method in WRITES:
            # As base.html's hx-headers sends it (any method) ...
            response = getattr(client, method.lower())(route.path, headers={"X-CSRFToken": token})
            if response.status_code == 405:
                continue
            accepting.add(f"{method} {route.name}")
            assert response.status_code != 403, f"{method} {route} refused with the header"
            if method == "POST":  # ... and as a plain form's hidden field.
                response = client.post(route.path, {"csrfmiddlewaretoken": token})
                assert response.status_code != 403, f"POST {route} refused with the field"
    # The walk found the dashboard's forms (a sample, not the list).
    assert {
        "POST review:set_verdict",
        "POST review:bulk_verdict",
        "POST review:new_match",
        "POST review:share_links",
        "POST login",
    } <= accepting


def test_revoking_a_share_link_with_the_token_works(world: World) -> None:
    token = _get_new_csrf_string()
    path = f"/jobs/{world.job.api_id}/shares/{world.link.pk}/revoke/"
    assert _csrf_client(token).post(path).status_code == 403
    response = _csrf_client(token).post(path, headers={"X-CSRFToken": token})
    assert response.status_code == 302
    world.link.refresh_from_db()
    assert world.link.revoked_at is not None


def test_the_page_gives_htmx_the_token_in_hx_headers(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    html = client.get("/").content.decode()
    token = client.cookies["csrftoken"].value
    assert token
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_a_session_does_not_authorise_v1(world: World) -> None:
    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    assert client.get("/v1/face-match").status_code == 401
    assert client.get("/v1/files").status_code == 401
    response = client.post("/v1/face-match", {}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["error"].startswith("Missing API key")
    assert Job.objects.count() == 1  # nothing was created
