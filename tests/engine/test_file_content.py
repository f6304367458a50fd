"""GET /v1/files/{id}/content: the engine's extension serving a video's bytes by range.

Not in the spec, so replies are checked here, not against the schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.test import Client


def _get(api_key: str | None, file_id: str, **headers: str) -> Any:
    if api_key is not None:
        headers["Authorization"] = f"Bearer {api_key}"
    return Client().get(f"/v1/files/{file_id}/content", headers=headers)


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_it_serves_the_whole_file_with_its_type(
    api_key: str, uploaded: dict[str, Any], clip: Path
) -> None:
    response = _get(api_key, uploaded["id"])
    assert response.status_code == 200
    assert _body(response) == clip.read_bytes()
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"


def test_it_serves_a_range_with_206(api_key: str, uploaded: dict[str, Any], clip: Path) -> None:
    data = clip.read_bytes()
    response = _get(api_key, uploaded["id"], Range="bytes=10-109")
    assert response.status_code == 206
    assert _body(response) == data[10:110]
    assert response["Content-Range"] == f"bytes 10-109/{len(data)}"
    assert response["Content-Length"] == "100"


def test_open_and_suffix_ranges(api_key: str, uploaded: dict[str, Any], clip: Path) -> None:
    data = clip.read_bytes()
    tail = _get(api_key, uploaded["id"], Range="bytes=-50")
    assert tail.status_code == 206 and _body(tail) == data[-50:]
    rest = _get(api_key, uploaded["id"], Range=f"bytes={len(data) - 7}-")
    assert rest.status_code == 206 and _body(rest) == data[-7:]
    past_end = _get(api_key, uploaded["id"], Range="bytes=0-99999999")
    assert _body(past_end) == data


def test_unsatisfiable_or_malformed_ranges_get_416(
    api_key: str, uploaded: dict[str, Any], clip: Path
) -> None:
    size = clip.stat().st_size
    for header in (f"bytes={size}-", "bytes=50-10", "bytes=-0", "pages=1-2", "bytes=a-b"):
        response = _get(api_key, uploaded["id"], Range=header)
        assert response.status_code == 416, header
        assert response["Content-Range"] == f"bytes */{size}"
        assert "error" in response.json()


def test_it_needs_the_api_key(uploaded: dict[str, Any]) -> None:
    response = _get(None, uploaded["id"])
    assert response.status_code == 401
    assert _get("wrong-key", uploaded["id"]).status_code == 401


def test_unknown_files_are_404(api_key: str) -> None:
    assert _get(api_key, "6f1c2b8e-0000-4000-8000-000000000000").status_code == 404
    assert _get(api_key, "not-a-uuid").status_code in (400, 404)
