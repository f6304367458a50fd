from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from django.test import override_settings

from facematch_ui.engine import fetch

PUBLIC = "93.184.215.14"


def _resolver(mapping: dict[str, list[str]]) -> fetch.Resolver:
    return lambda host, port: mapping[host]


@override_settings(ENGINE_ALLOW_REMOTE_URLS=False)
def test_remote_urls_are_refused_unless_allowed() -> None:
    with pytest.raises(fetch.FetchError, match="disabled"):
        fetch.check_url("https://example.com/a.jpg", _resolver({"example.com": [PUBLIC]}))


@override_settings(ENGINE_ALLOW_REMOTE_URLS=True)
@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "192.168.0.9", "169.254.169.254", "::1", "224.0.0.1",
                "0.0.0.0", "::ffff:127.0.0.1", "100.64.0.1"],
)  # fmt: skip
def test_private_and_special_addresses_are_refused(address: str) -> None:
    with pytest.raises(fetch.FetchError, match="not a public address"):
        fetch.check_url("http://host.test/x", _resolver({"host.test": [address]}))


@override_settings(ENGINE_ALLOW_REMOTE_URLS=True)
def test_only_http_and_https_are_fetched() -> None:
    for url in ("file:///etc/passwd", "ftp://example.com/x", "gopher://x"):
        with pytest.raises(fetch.FetchError, match="Only http"):
            fetch.check_url(url, _resolver({}))


@override_settings(ENGINE_ALLOW_REMOTE_URLS=True)
def test_it_connects_to_the_checked_address_and_caps_the_size(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"x" * 5000)

    resolve = _resolver({"cdn.test": [PUBLIC]})
    got = fetch.fetch_to_path(
        "https://cdn.test/v/clip.mp4", tmp_path / "a", resolve=resolve,
        transport=httpx.MockTransport(handler),
    )  # fmt: skip
    assert got.size == 5000 and got.filename == "clip.mp4"
    assert seen[0].url.host == PUBLIC and seen[0].headers["Host"] == "cdn.test"
    with pytest.raises(fetch.FetchError, match="too large"):
        fetch.fetch_to_path(
            "https://cdn.test/v/clip.mp4", tmp_path / "b", max_bytes=100, resolve=resolve,
            transport=httpx.MockTransport(handler),
        )  # fmt: skip
    assert not (tmp_path / "b").exists()


@override_settings(ENGINE_ALLOW_REMOTE_URLS=True)
def test_a_redirect_to_a_private_address_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://internal.test/admin"})

    resolve = _resolver({"cdn.test": [PUBLIC], "internal.test": ["10.0.0.5"]})
    with pytest.raises(fetch.FetchError, match="not a public address"):
        fetch.fetch_bytes(
            "http://cdn.test/a.jpg", max_bytes=1000, resolve=resolve,
            transport=httpx.MockTransport(handler),
        )  # fmt: skip
