"""Every page type meets a CSP without 'unsafe-inline': no style attributes, no inline scripts."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.http import HttpResponseBase
from django.test import Client

from facematch_ui.review.models import Match, ThumbnailState
from facematch_ui.review.sharing import create_share_link
from tests.review.factories import make_job, make_matches, make_user

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def inline_code(response: HttpResponseBase) -> list[str]:
    html = response.content.decode()
    found = []
    for name, pattern in (
        ("inline script", INLINE_SCRIPT),
        ("style attribute", STYLE_ATTRIBUTE),
        ("style element", STYLE_ELEMENT),
        ("event handler attribute", EVENT_HANDLER),
    ):
        found += [f"{name}: {m.group(0)!r}" for m in pattern.finditer(html)]
    return found


def test_the_default_policy_has_no_unsafe_inline() -> None:
    assert "unsafe-inline" not in settings.CONTENT_SECURITY_POLICY
    response = Client().get("/accounts/login/")
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY


def test_every_page_type_renders_without_inline_styles_or_scripts() -> None:
    job = make_job(source_image="sources/x.jpg")
    make_matches(job, 30, thumbnail_state=ThumbnailState.STORED)
    match = Match.objects.filter(job=job).order_by("api_id").first()
    assert match is not None
    analyst = Client()
    analyst.force_login(make_user())
    _link, token = create_share_link(job, None)
    base = f"/jobs/{job.api_id}"
    htmx = {"HX-Request": "true"}
    pages = {
        "login": Client().get("/accounts/login/"),
        "job list": analyst.get("/"),
        "new match": analyst.get("/new/"),
        "job page": analyst.get(f"{base}/"),
        "gallery partial": analyst.get(f"{base}/?threshold=50", headers=htmx),
        "status partial": analyst.get(f"{base}/status/", headers=htmx),
        "match detail": analyst.get(f"{base}/matches/{match.api_id}/"),
        "match detail partial": analyst.get(f"{base}/matches/{match.api_id}/", headers=htmx),
        "appearances": analyst.get(f"{base}/appearances/"),
        "share links": analyst.get(f"{base}/shares/"),
        "shared job": Client().get(f"/s/{token}/"),
        "shared gallery partial": Client().get(f"/s/{token}/", headers=htmx),
        "shared match": Client().get(f"/s/{token}/matches/{match.api_id}/"),
        "share error": Client().get(f"/s/{'A' * 32}/"),
    }
    verdict = analyst.post(
        f"{base}/matches/{match.api_id}/card/verdict/", {"value": "confirmed"}, headers=htmx
    )
    pages["verdict partial"] = verdict
    assert b'class="overlay"' in pages["job page"].content  # boxes are drawn, as SVG
    problems = {
        name: found
        for name, response in pages.items()
        if (found := inline_code(response)) or response.status_code >= 500
    }
    assert not problems
    # 286: htmx's "stop polling" for a finished job's status.
    assert {name for name, r in pages.items() if r.status_code not in (200, 286)} == {"share error"}
