"""An in-memory face API behind httpx.MockTransport, for the review tests.

It answers getFaceMatch (paged), listFaceMatch and thumbnail downloads in
the spec's shapes (tests/faceapi/payloads.py), records every request, and
can be told to fail. Hand `FakeFaceApi.client()` to the code under test, or
point settings.FACE_API_TRANSPORT at `FakeTransport` for code that builds
its own client.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from PIL import Image, ImageDraw

from facematch_ui.faceapi.client import FaceApiClient
from tests.faceapi.payloads import (
    box_payload,
    face_match_payload,
    file_list_payload,
    file_payload,
    job_list_item_payload,
    job_list_payload,
    result_payload,
)

API_URL = "https://api.example.test/v1"
CDN = "https://cdn.example.test"


def frame_jpeg(width: int = 1280, height: int = 720) -> bytes:
    """A blue frame with a red 'face' at top=0.25, left=0.5 (0.1125 x 0.2)."""
    image = Image.new("RGB", (width, height), (30, 30, 220))
    x, y, side = width // 2, height // 4, height // 5
    ImageDraw.Draw(image).rectangle((x, y, x + side, y + side), fill=(220, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


@dataclass
class FakeJob:
    id: str
    status: str = "completed"
    results: list[dict[str, Any]] = field(default_factory=list)
    file_id: str = "5b0e8a34-0000-4000-8000-00000000f11e"
    source_box: dict[str, float] = field(default_factory=lambda: box_payload(0.25, 0.35, 0.3, 0.4))
    # The embedded engine's extras: {"frames_done": n, "frames_total": m}, a failure reason.
    progress: dict[str, int] | None = None
    error: str | None = None

    def detail(self, limit: int, offset: int) -> dict[str, Any]:
        extras: dict[str, Any] = {}
        if self.progress is not None:
            extras["progress"] = self.progress
        if self.error is not None:
            extras["error"] = self.error
        return face_match_payload(
            self.id,
            self.status,
            results=self.results[offset : offset + limit],
            total=len(self.results),
            limit=limit,
            offset=offset,
            source_box=self.source_box,
            file_id=self.file_id,
            face_detection_id="5b0e8a34-0000-4000-8000-0000000000fd",
            frame_extraction_id="5b0e8a34-0000-4000-8000-0000000000fe",
            **extras,
        )

    def list_item(self) -> dict[str, Any]:
        item = job_list_item_payload(
            self.id,
            self.status,
            match_count=len(self.results) if self.status == "completed" else None,
            file_id=self.file_id,
        )
        if self.status == "completed":
            item["source_face_bounding_box"] = self.source_box
        return item


def make_results(n: int, *, start: int = 0, thumbnails: bool = True) -> list[dict[str, Any]]:
    """`n` results with readable ids `r-<i>`, similarity 99 - i % 60."""
    return [
        result_payload(
            id=f"r-{i:05d}",
            frame_id=f"f-{i:05d}",
            similarity=round(99.0 - i % 60, 1),
            timestamp=float(i),
            box=box_payload(0.25, 0.5, 0.1125, 0.2),
            thumbnail_url=f"{CDN}/frames/{i:05d}.jpg" if thumbnails else None,
        )
        for i in range(start, start + n)
    ]


class FakeFaceApi:
    def __init__(self) -> None:
        self.jobs: dict[str, FakeJob] = {}
        self.images: dict[str, bytes] = {}  # URL -> body
        self.failures: dict[str, tuple[int, str]] = {}  # job id -> (status, error)
        self.requests: list[httpx.Request] = []
        self.files: dict[str, dict[str, Any]] = {}  # id -> File payload
        self.uploads: dict[str, bytes] = {}  # file id -> uploaded bytes
        self.created: list[dict[str, Any]] = []  # createFaceMatch bodies
        # One-off answers by "METHOD /path" (e.g. "POST /files": (415, "not a video")).
        self.refusals: dict[str, tuple[int, str]] = {}

    def add_file(self, filename: str = "lobby-camera.mp4", **extra: Any) -> dict[str, Any]:
        payload = file_payload(filename=filename, **extra)
        self.files[payload["id"]] = payload
        return payload

    def add_job(self, job_id: str, status: str = "completed", results: int = 0) -> FakeJob:
        job = FakeJob(job_id, status, make_results(results))
        self.jobs[job_id] = job
        return job

    def serve_thumbnails(self, job: FakeJob, body: bytes | None = None) -> None:
        data = body if body is not None else frame_jpeg()
        for result in job.results:
            if "thumbnail_url" in result:
                self.images[result["thumbnail_url"]] = data

    def client(self, **options: Any) -> FaceApiClient:
        options.setdefault("sleep", lambda _seconds: None)
        options.setdefault("max_retries", 1)
        return FaceApiClient(
            API_URL, "test-key", transport=httpx.MockTransport(self.handle), **options
        )

    def requests_to(self, prefix: str) -> list[httpx.Request]:
        return [r for r in self.requests if str(r.url).startswith(prefix)]

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        url = str(request.url.copy_with(query=None))
        if url.startswith(CDN):
            body = self.images.get(url)
            if body is None:
                return httpx.Response(404, text="no such thumbnail")
            return httpx.Response(200, content=body, headers={"Content-Type": "image/jpeg"})
        path = request.url.path.removeprefix("/v1")
        refusal = self.refusals.get(f"{request.method} {path}")
        if refusal is not None:
            return self._json(refusal[0], {"error": refusal[1]})
        limit = int(request.url.params.get("limit", 100))
        offset = int(request.url.params.get("offset", 0))
        if path == "/files":
            return self._files(request, limit, offset)
        if path == "/face-match" and request.method == "POST":
            return self._create(request)
        if path == "/face-match":
            status = request.url.params.get("status")
            jobs = [j for j in self.jobs.values() if status in (None, j.status)]
            page = jobs[offset : offset + limit]
            return self._json(
                200,
                job_list_payload(
                    [j.list_item() for j in page], total=len(jobs), limit=limit, offset=offset
                ),
            )
        job_id = path.removeprefix("/face-match/")
        if job_id in self.failures:
            status_code, message = self.failures[job_id]
            return self._json(status_code, {"error": message})
        job = self.jobs.get(job_id)
        if job is None:
            return self._json(404, {"error": f"Face match {job_id} not found"})
        return self._json(200, job.detail(limit, offset))

    def _files(self, request: httpx.Request, limit: int, offset: int) -> httpx.Response:
        if request.method == "GET":
            files = list(self.files.values())
            page = files[offset : offset + limit]
            return self._json(200, file_list_payload(page, limit=limit, offset=offset))
        content = request.read()
        name = re.search(rb'filename="([^"]*)"', content)
        body = content.split(b"\r\n\r\n", 1)[1].rsplit(b"\r\n--", 1)[0]
        uploaded = self.add_file(name.group(1).decode() if name else "upload", bytes=len(body))
        self.uploads[uploaded["id"]] = body
        return self._json(200, uploaded)

    def _create(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.read())
        self.created.append(body)
        file_id = body["target_video_url"].removeprefix("cloudglue://files/")
        if file_id not in self.files:
            return self._json(404, {"error": f"File {file_id} not found"})
        job = FakeJob(str(uuid.uuid4()), "pending", file_id=file_id)
        self.jobs[job.id] = job
        return self._json(200, job.detail(100, 0))

    @staticmethod
    def _json(status_code: int, body: object) -> httpx.Response:
        return httpx.Response(
            status_code, content=json.dumps(body), headers={"Content-Type": "application/json"}
        )


# For code that builds its own client from settings (tasks, views):
# settings.FACE_API_TRANSPORT = "tests.review.fake_api.FakeTransport".
current: FakeFaceApi | None = None


class FakeTransport(httpx.MockTransport):
    def __init__(self) -> None:
        if current is None:
            raise RuntimeError("Set tests.review.fake_api.current before building a client.")
        super().__init__(current.handle)
