"""FaceApiClient.get_file_content: ranges passed through, bounded reads, typed errors."""

from __future__ import annotations

import httpx
import pytest

from facematch_ui.faceapi.errors import InvalidResponse, NotFound
from tests.faceapi.conftest import API_KEY, MakeClient

DATA = bytes(range(256)) * 4


def _server(seen: list[httpx.Request]):  # type: ignore[no-untyped-def]
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        header = request.headers.get("Range")
        if header is None:
            return httpx.Response(200, content=DATA, headers={"Content-Type": "video/mp4"})
        first, last = (int(x) for x in header.removeprefix("bytes=").split("-"))
        if first >= len(DATA):
            return httpx.Response(416, headers={"Content-Range": f"bytes */{len(DATA)}"})
        return httpx.Response(
            206,
            content=DATA[first : last + 1],
            headers={
                "Content-Type": "video/mp4",
                "Content-Range": f"bytes {first}-{last}/{len(DATA)}",
            },
        )

    return handle


def test_it_passes_the_range_through_and_returns_the_part(make_client: MakeClient) -> None:
    seen: list[httpx.Request] = []
    client = make_client(_server(seen))
    content = client.get_file_content("file-1", range_header="bytes=100-199")
    assert seen[0].url.path == "/v1/files/file-1/content"
    assert seen[0].headers["Range"] == "bytes=100-199"
    assert seen[0].headers["Authorization"] == f"Bearer {API_KEY}"
    assert (content.status, content.content_type) == (206, "video/mp4")
    assert content.content_range == f"bytes 100-199/{len(DATA)}"
    assert content.body == DATA[100:200] and content.content_length == 100


def test_without_a_range_it_returns_the_whole_small_file(make_client: MakeClient) -> None:
    content = make_client(_server([])).get_file_content("file-1")
    assert content.status == 200 and content.body == DATA and content.content_range is None


def test_an_unsatisfiable_range_is_a_416_result(make_client: MakeClient) -> None:
    content = make_client(_server([])).get_file_content("file-1", range_header="bytes=5000-5001")
    assert content.status == 416 and content.body == b""
    assert content.content_range == f"bytes */{len(DATA)}"


def test_it_refuses_to_read_more_than_max_bytes(make_client: MakeClient) -> None:
    with pytest.raises(InvalidResponse):
        make_client(_server([])).get_file_content("file-1", max_bytes=100)


def test_an_api_without_the_endpoint_gives_not_found(make_client: MakeClient) -> None:
    def hosted(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"error": "Not found"})

    with pytest.raises(NotFound):
        make_client(hosted).get_file_content("file-1", range_header="bytes=0-0")
