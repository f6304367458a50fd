"""Every URL of the project needs a login, except an explicit, justified allow-list.

The routes come from walking the URLconf, so a view added later without
protection fails here without anyone adding it to a list.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.http import HttpResponseBase
from django.shortcuts import resolve_url
from django.test import Client, override_settings

from tests.security.conftest import World
from tests.security.urlwalk import Route

pytestmark = pytest.mark.django_db

LOGIN_PATH = resolve_url(settings.LOGIN_URL)


def public_kind(route: Route) -> str | None:
    """Why `route` may be reached without a dashboard login (None: it may not)."""
    if route.name in ("login", "logout", "healthz"):
        return route.name
    if route.path.startswith("/s/"):
        return "share"  # the token is the credential
    if route.path.startswith("/admin/"):
        return "admin"  # Django admin: its own login (staff only)
    if route.name == "engine:thumbnail":
        return "signed"  # the signature is the credential, like a CDN link
    if route.path.startswith("/v1/"):
        return "bearer"
    return None


def _call(client: Client, method: str, path: str) -> HttpResponseBase:
    return getattr(client, method.lower())(path)


def _redirects_to_login(response: HttpResponseBase) -> bool:
    location = response.get("Location", "") if response.status_code == 302 else ""
    return urlsplit(location).path == LOGIN_PATH


def login_holes(routes: list[Route]) -> list[str]:
    """The routes outside the allow-list that serve an anonymous visitor."""
    holes = []
    for route in routes:
        if public_kind(route) is not None:
            continue
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            response = _call(Client(), method, route.path)
            # 405: a method the view never serves is refused before anything else.
            if not (_redirects_to_login(response) or response.status_code == 405):
                holes.append(f"{method} {route}: {response.status_code}")
    return holes


def test_every_dashboard_url_sends_an_anonymous_visitor_to_the_login(world: World) -> None:
    routes = world.routes()
    assert len([r for r in routes if public_kind(r) is None]) >= 20
    holes = login_holes(routes)
    assert not holes, "reachable without a login:\n" + "\n".join(holes)


@override_settings(ROOT_URLCONF="tests.security.leaky_urls")
def test_a_url_added_without_a_login_is_caught(world: World) -> None:
    holes = login_holes(world.routes())
    assert holes == [f"{m} leaky (/jobs/{world.job.api_id}/leak/): 200" for m in ("GET", "POST")]


def test_every_v1_url_needs_its_bearer_key(world: World) -> None:
    wrong = []
    for route in world.routes():
        if public_kind(route) != "bearer":
            continue
        for method in ("GET", "POST", "PUT", "DELETE"):
            response = _call(Client(), method, route.path)
            if response.status_code == 405:
                continue
            body = response.json() if response["Content-Type"] == "application/json" else {}
            if response.status_code != 401 or "error" not in body:
                wrong.append(f"{method} {route}: {response.status_code}")
    assert not wrong, "answered without a key:\n" + "\n".join(wrong)


def test_the_signed_thumbnail_url_needs_a_valid_signature(world: World) -> None:
    (route,) = [r for r in world.routes() if public_kind(r) == "signed"]
    assert Client().get(route.path).status_code in (403, 404)
    assert Client().get(route.path + "?sig=forged").status_code in (403, 404)


def test_share_pages_need_a_valid_token_and_show_the_friendly_404(world: World) -> None:
    shares = [r for r in world.routes() if public_kind(r) == "share"]
    assert len(shares) >= 5
    for route in shares:
        response = Client().get(route.path)
        assert response.status_code == 404, route
        if response["Content-Type"].startswith("text/html"):
            assert b"This share link is not valid." in response.content, route


def test_share_pages_open_with_a_valid_token(world: World) -> None:
    pages = [
        r
        for r in world.routes(world.token)
        if r.name in ("review:shared_job", "review:shared_match")
    ]
    for route in pages:
        assert Client().get(route.path).status_code == 200, route


def test_admin_urls_send_an_anonymous_visitor_to_the_admin_login(world: World) -> None:
    wrong = []
    for route in world.routes():
        if public_kind(route) != "admin" or route.name in ("admin:login", "admin:logout"):
            continue
        response = Client().get(route.path)
        location = urlsplit(response.get("Location", "")).path
        # view_on_site answers 404 for an unknown object before any data is shown.
        if not (location == "/admin/login/" or response.status_code in (404, 405)):
            wrong.append(f"GET {route}: {response.status_code} {location}")
    assert not wrong, "\n".join(wrong)


def test_the_public_urls_are_exactly_the_allow_list(world: World) -> None:
    kinds = {public_kind(route) for route in world.routes()}
    assert kinds == {None, "login", "logout", "healthz", "share", "admin", "signed", "bearer"}


def test_no_url_answers_500_to_an_anonymous_visitor(world: World) -> None:
    client = Client(raise_request_exception=False)
    failures = [
        f"{method} {route}"
        for route in world.routes()
        for method in ("GET", "POST")
        if _call(client, method, route.path).status_code >= 500
        and route.name != "healthz"  # 503 means the face API is down: that is its job
    ]
    assert not failures, failures


def test_uploaded_media_is_not_served(world: World) -> None:
    assert Client().get(f"{settings.MEDIA_URL}uploads/anything.mp4").status_code == 404
