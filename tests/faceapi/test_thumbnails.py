"""Thumbnails: the key goes only to the API's own origin; size is bounded."""

from __future__ import annotations

import httpx
import pytest

from facematch_ui.faceapi import InvalidRequest, InvalidResponse, NotFound, Unreachable

from .conftest import API_KEY, MakeClient
from .handlers import Recorder, respond_in_turn

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"


def serving(content: bytes = JPEG) -> Recorder:
    return Recorder(
        lambda request: httpx.Response(200, content=content, headers={"Content-Type": "image/jpeg"})
    )


@pytest.mark.parametrize(
    ("url", "fetched"),
    [
        (
            "https://api.example.com/v1/frames/1/thumb.jpg",
            "https://api.example.com/v1/frames/1/thumb.jpg",
        ),
        ("https://api.example.com:443/t.jpg", "https://api.example.com/t.jpg"),
        ("/v1/frames/2/thumb.jpg", "https://api.example.com/v1/frames/2/thumb.jpg"),
        ("frames/3/thumb.jpg", "https://api.example.com/v1/frames/3/thumb.jpg"),
    ],
)
def test_the_key_is_sent_to_the_api_origin_and_relative_urls_resolve_there(
    make_client: MakeClient, url: str, fetched: str
) -> None:
    recorder = serving()

    image = make_client(recorder).fetch_thumbnail(url)

    assert image == JPEG
    (request,) = recorder.requests
    assert str(request.url) == fetched
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.example.com/frames/thumb.jpg?sig=abc",
        "http://api.example.com/v1/frames/1/thumb.jpg",  # other scheme
        "https://api.example.com:8443/v1/frames/1/thumb.jpg",  # other port
        "https://api.example.com.evil.test/v1/thumb.jpg",
        "//cdn.example.com/thumb.jpg",  # scheme-relative, other host
    ],
)
def test_the_key_never_goes_to_another_origin(make_client: MakeClient, url: str) -> None:
    recorder = serving()

    make_client(recorder).fetch_thumbnail(url)

    assert "Authorization" not in recorder.requests[0].headers


def test_a_redirect_to_a_cdn_is_followed_without_the_key(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.example.com":
            return httpx.Response(302, headers={"Location": "https://cdn.example.com/t.jpg"})
        return httpx.Response(200, content=JPEG)

    recorder = Recorder(handler)

    assert make_client(recorder).fetch_thumbnail("/v1/frames/9/thumb.jpg") == JPEG

    first, second = recorder.requests
    assert first.headers["Authorization"] == f"Bearer {API_KEY}"
    assert second.url.host == "cdn.example.com"
    assert "Authorization" not in second.headers


def test_an_image_past_max_bytes_is_refused(make_client: MakeClient) -> None:
    client = make_client(serving(b"x" * 5000))

    with pytest.raises(InvalidResponse, match="larger than 1000 bytes"):
        client.fetch_thumbnail("/t.jpg", max_bytes=1000)


def test_a_declared_length_past_max_bytes_is_refused_before_reading(
    make_client: MakeClient,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": "50000000"}, content=b"")

    with pytest.raises(InvalidResponse, match="larger than"):
        make_client(handler).fetch_thumbnail("/t.jpg")


def test_an_image_of_exactly_max_bytes_is_accepted(make_client: MakeClient) -> None:
    assert make_client(serving(b"y" * 1000)).fetch_thumbnail("/t.jpg", max_bytes=1000) == (
        b"y" * 1000
    )


def test_an_expired_cdn_link_is_not_found_with_a_hint(make_client: MakeClient) -> None:
    client = make_client(lambda request: httpx.Response(404, content=b"<Error/>"))

    with pytest.raises(NotFound, match="CDN link may have expired"):
        client.fetch_thumbnail("https://cdn.example.com/expired.jpg")


def test_a_thumbnail_fetch_is_retried_on_a_transient_failure(
    make_client: MakeClient, sleeps: list[float]
) -> None:
    recorder = Recorder(
        respond_in_turn(httpx.ReadTimeout("slow"), httpx.Response(200, content=JPEG))
    )

    assert make_client(recorder).fetch_thumbnail("https://cdn.example.com/t.jpg") == JPEG
    assert recorder.count == 2
    assert len(sleeps) == 1


def test_an_unreachable_cdn_names_the_cdn_not_the_api(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Name or service not known")

    client = make_client(handler, max_retries=0)

    with pytest.raises(Unreachable, match=r"https://cdn\.example\.com is unreachable"):
        client.fetch_thumbnail("https://cdn.example.com/t.jpg")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://cdn.example.com/t.jpg"])
def test_a_non_http_thumbnail_url_is_refused(make_client: MakeClient, url: str) -> None:
    recorder = serving()

    with pytest.raises(InvalidRequest, match="not an http"):
        make_client(recorder).fetch_thumbnail(url)

    assert recorder.count == 0
