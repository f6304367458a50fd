"""Server-side fetches refuse every address that is not public.

The engine's one guarded fetch (engine/fetch.py) serves http(s) source image
URLs and http(s) target video URLs. Names are resolved through a
monkeypatched socket.getaddrinfo and connections go to httpx.MockTransport:
nothing here touches the network.

The dashboard's own outbound fetch is the thumbnail download of the service
module; its guards are specified in tests/faceapi/test_thumbnails.py: the
bearer key goes only to the API's origin
(test_the_key_never_goes_to_another_origin, ..._redirect_to_a_cdn_...) and
file:// or ftp:// thumbnail URLs are refused before any request
(test_a_non_http_thumbnail_url_is_refused).
"""

from __future__ import annotations

import json
import socket
from typing import Any

import httpx
import pytest
from django.test import Client, override_settings

from facematch_ui.engine import fetch, jobs, keys
from facematch_ui.engine.models import FaceMatch, File

PUBLIC = "93.184.215.14"
# Names a hostile URL could use, and what a hostile DNS answers for them.
DNS = {
    "public.test": [PUBLIC],
    "localhost": ["127.0.0.1", "::1"],
    "localhost.localdomain": ["127.0.0.1"],
    "intranet.test": ["10.1.2.3"],
    "router.test": ["192.168.1.1"],
    "docker.test": ["172.17.0.1"],
    "ula.test": ["fd00::5"],
    "metadata.test": ["169.254.169.254"],
    "link.test": ["fe80::1"],
    "mixed.test": [PUBLIC, "10.0.0.7"],  # one bad answer is enough to refuse
    "mapped.test": ["::ffff:10.0.0.7"],
}

REFUSED_URLS = [
    "http://127.0.0.1/",
    "http://127.0.0.1:8000/admin",
    "http://[::1]/",
    "http://localhost/",
    "http://localhost.localdomain:8080/",
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://172.31.255.254/",
    "http://192.168.0.1/",
    "http://[fc00::1]/",
    "http://[fd12:3456::1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fe80::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::ffff:7f00:1]/",
    "http://2130706433/",  # decimal 127.0.0.1
    "http://0177.0.0.1/",  # octal
    "http://0x7f000001/",  # hex
    "http://0x7f.1/",
    "http://127.1/",
    "http://017700000001/",
    "http://0/",
    "http://[::]/",
    "http://intranet.test/",
    "http://router.test/",
    "http://docker.test/",
    "http://ula.test/",
    "http://metadata.test/latest/meta-data/",
    "http://link.test/",
    "http://mixed.test/",
    "http://mapped.test/",
]


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    looked_up: list[str] = []

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        looked_up.append(host)
        if host not in DNS:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in DNS[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return looked_up


def no_connection(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"connected to {request.url}")


@override_settings(ENGINE_ALLOW_REMOTE_URLS=True)
@pytest.mark.parametrize("url", REFUSED_URLS)
def test_a_non_public_address_is_refused_before_connecting(url: str) -> None:
    for https in (False, True):
        target = url.replace("http://", "https://") if https else url
        with pytest.raises(fetch.FetchError, match="not a public address"):
            fetch.fetch_bytes(target, max_bytes=100, transport=httpx.MockTransport(no_connection))


@override_settings(ENGINE_ALLOW_REMOTE_URLS=True)
def test_ip_literals_in_any_form_never_go_to_dns(fake_dns: list[str]) -> None:
    for url in ("http://2130706433/", "http://0177.0.0.1/", "http://[::1]/", "http://10.0.0.1/"):
        with pytest.raises(fetch.FetchError):
            fetch.check_url(url)
    assert fake_dns == []


@override_settings(ENGINE_ALLOW_REMOTE_URLS=True)
@pytest.mark.parametrize("url", REFUSED_URLS[::3])
def test_a_redirect_to_a_non_public_address_is_refused(url: str) -> None:
    seen: list[str] = []

    def redirecting(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": url})

    with pytest.raises(fetch.FetchError, match="not a public address"):
        fetch.fetch_bytes(
            "https://public.test/a.jpg", max_bytes=100, transport=httpx.MockTransport(redirecting)
        )
    assert seen == [f"https://{PUBLIC}/a.jpg"]  # the first hop only


@override_settings(ENGINE_ALLOW_REMOTE_URLS=True)
def test_a_public_name_is_fetched_from_its_checked_address() -> None:
    def serving(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"jpeg bytes")

    body = fetch.fetch_bytes(
        "https://public.test/a.jpg", max_bytes=100, transport=httpx.MockTransport(serving)
    )
    assert body == b"jpeg bytes"


@override_settings(ENGINE_ALLOW_REMOTE_URLS=True, ENGINE_ALLOW_PRIVATE_URLS=True)
def test_private_addresses_are_fetched_only_when_explicitly_allowed() -> None:
    seen: list[httpx.Request] = []

    def local_server(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"ok")

    got = fetch.fetch_bytes(
        "http://localhost:8765/clip.mp4", max_bytes=100, transport=httpx.MockTransport(local_server)
    )
    assert got == b"ok"
    assert seen[0].url.host == "127.0.0.1" and seen[0].headers["Host"] == "localhost:8765"
    with pytest.raises(fetch.FetchError, match="Only http"):
        fetch.check_url("file:///etc/passwd")  # the scheme rule still holds


@override_settings(ENGINE_ALLOW_REMOTE_URLS=False)
@pytest.mark.parametrize("url", ["https://public.test/a.jpg", "http://127.0.0.1/"])
def test_with_remote_urls_disabled_every_url_is_refused(url: str) -> None:
    with pytest.raises(fetch.FetchError, match="Remote URLs are disabled"):
        fetch.fetch_bytes(url, max_bytes=100, transport=httpx.MockTransport(no_connection))


# --- Through /v1: the caller gets a clear 400 --------------------------------------


def _create_match(body: dict[str, Any]) -> tuple[int, str]:
    key = keys.create_key("ssrf")[1]
    response = Client().post(
        "/v1/face-match",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    return response.status_code, response.json()["error"]


@pytest.fixture
def stored_file(db: None) -> File:
    return File.objects.create(filename="clip.mp4", bytes=10, path="uploads/clip.mp4")


@pytest.mark.django_db
@override_settings(ENGINE_ALLOW_REMOTE_URLS=True)
@pytest.mark.parametrize("url", REFUSED_URLS[::4])
def test_v1_refuses_a_private_target_video_url_with_400(url: str) -> None:
    status, error = _create_match(
        {"target_video_url": url, "source_image": {"base64_image": "aGVsbG8="}}
    )
    assert status == 400
    assert "not a public address" in error
    assert not FaceMatch.objects.exists() and not File.objects.exists()


@pytest.mark.django_db
@override_settings(ENGINE_ALLOW_REMOTE_URLS=True)
@pytest.mark.parametrize("url", REFUSED_URLS[1::4])
def test_v1_refuses_a_private_source_image_url_with_400(url: str, stored_file: File) -> None:
    status, error = _create_match(
        {"target_video_url": f"cloudglue://files/{stored_file.id}", "source_image": {"url": url}}
    )
    assert status == 400
    assert "not a public address" in error
    assert not FaceMatch.objects.exists()


@pytest.mark.django_db
@override_settings(ENGINE_ALLOW_REMOTE_URLS=False)
def test_v1_refuses_every_url_when_remote_urls_are_disabled(stored_file: File) -> None:
    status, error = _create_match(
        {"target_video_url": "https://public.test/v.mp4", "source_image": {"base64_image": "eA=="}}
    )
    assert (status, "Remote URLs are disabled" in error) == (400, True)
    with pytest.raises(jobs.ApiError, match="Remote URLs are disabled"):
        jobs.source_image_bytes({"url": "https://public.test/a.jpg"})
