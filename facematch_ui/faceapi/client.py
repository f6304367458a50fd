"""The face API client: one httpx.Client, typed answers, bounded retries.

Each method is named after the spec's operationId it calls. Every failure
comes out as a `FaceApiError` subclass; httpx exceptions never escape.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from types import TracebackType
from typing import BinaryIO, TypeVar
from urllib.parse import quote

import httpx

from . import parse
from .bodies import face_match_body, require_uuid
from .errors import FaceApiError, InvalidRequest, InvalidResponse
from .origin import SameOriginBearer, origin
from .responses import Call, decode_json, error_for_response, error_for_transport, read_limited
from .retry import RetryPolicy
from .types import (
    FaceMatchJob,
    FaceMatchResult,
    FileList,
    JobList,
    JobStatus,
    MatchPage,
    NewFaceMatch,
    UploadedFile,
)

T = TypeVar("T")

MAX_CONTENT_BYTES = 8 * 1024**2


@dataclass(frozen=True, slots=True)
class FileContent:
    """Part (206) or all (200) of a stored file's bytes, or 416 with an empty body."""

    status: int
    content_type: str
    content_range: str | None  # "bytes 0-99/1000", or "bytes */1000" with 416
    content_length: int
    body: bytes


USER_AGENT = "facematch/0.1"
MAX_PAGE_SIZE = 100


def _check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE_SIZE}, not {limit}")
    if offset < 0:
        raise ValueError(f"offset must not be negative, not {offset}")


def _raw_count(page: MatchPage) -> int:
    """Items the API sent, including those dropped by validation (for offsets)."""
    return len(page.matches) + page.dropped


class FaceApiClient:
    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        max_retries: int = 4,
        retry_budget: float = 60.0,
        concurrency: int = 8,
        sleep: Callable[[float], None] = time.sleep,
        backoff_base: float = 0.5,
        rng: random.Random | None = None,
    ) -> None:
        url = httpx.URL(base_url.rstrip("/") + "/")
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(f"The face API URL must be an http(s) URL, not {base_url!r}.")
        if concurrency < 1 or max_retries < 0 or timeout <= 0:
            raise ValueError("concurrency >= 1, max_retries >= 0 and timeout > 0 are required")
        self._url = url
        self._base_url = base_url.rstrip("/")
        self._has_key = bool(api_key)
        self._timeout = timeout
        self._concurrency = concurrency
        self._retry = RetryPolicy(
            max_retries=max_retries,
            budget=retry_budget,
            backoff_base=backoff_base,
            sleep=sleep,
            rng=rng or random.Random(),
        )
        self._http = httpx.Client(
            base_url=url,
            auth=SameOriginBearer(api_key, origin(url)) if api_key else None,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            transport=transport,
        )

    @property
    def base_url(self) -> str:
        return self._base_url

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> FaceApiClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- one request, retried -------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        call: Call,
        *,
        params: dict[str, str | int] | None = None,
        json_body: object = None,
        files: dict[str, tuple[str, BinaryIO | bytes, str]] | None = None,
        data: dict[str, str] | None = None,
    ) -> object:
        def attempt() -> object:
            try:
                response = self._http.request(
                    method, path, params=params, json=json_body, files=files, data=data
                )
            except httpx.TransportError as err:
                raise self._unreachable(err) from err
            except httpx.HTTPError as err:
                raise InvalidResponse(
                    f"The face API at {self._base_url} sent an unreadable answer to "
                    f"{call.operation}: {err}."
                ) from err
            if not response.is_success:
                raise self._error(response, call)
            return decode_json(response, call, base_url=self._base_url)

        return self._retry.run(attempt, idempotent=call.idempotent, what=call.operation)

    def _unreachable(self, err: httpx.TransportError) -> FaceApiError:
        return error_for_transport(err, base_url=self._base_url, timeout=self._timeout)

    def _error(self, response: httpx.Response, call: Call) -> FaceApiError:
        return error_for_response(response, call, base_url=self._base_url, has_key=self._has_key)

    def _parsed(self, parser: Callable[[object], T], body: object, operation: str) -> T:
        try:
            return parser(body)
        except InvalidResponse as err:
            raise InvalidResponse(
                f"{err.message} ({operation} on {self._base_url})", status_code=err.status_code
            ) from err

    # --- face match -----------------------------------------------------------

    def get_face_match(self, job_id: str, *, limit: int = 100, offset: int = 0) -> FaceMatchJob:
        """getFaceMatch: the job, and for a completed job one page of its results."""
        _check_page(limit, offset)
        job_id = require_uuid(job_id, "Face match")
        call = Call("getFaceMatch", subject=f"Face match {job_id}")
        body = self._request(
            "GET", f"/face-match/{job_id}", call, params={"limit": limit, "offset": offset}
        )
        job = self._parsed(parse.parse_face_match, body, call.operation)
        return job

    def get_all_face_match_results(
        self, job_id: str, *, page_size: int = MAX_PAGE_SIZE
    ) -> tuple[FaceMatchJob, list[FaceMatchResult]]:
        """Every result of a job in offset order, the pages after the first fetched
        concurrently. Returns the job of the first page, and [] unless completed."""
        first = self.get_face_match(job_id, limit=page_size, offset=0)
        if first.status is not JobStatus.COMPLETED:
            return first, []
        page = self._require_page(first)
        step = page.limit if 1 <= page.limit <= page_size else page_size
        sent = _raw_count(page)
        if 0 < sent < min(step, page.total):
            step = sent  # the API pages smaller than it says: follow what it does
        offsets = list(range(step, page.total, step))
        pages = [page]
        if offsets:
            workers = min(self._concurrency, len(offsets))
            with ThreadPoolExecutor(workers, thread_name_prefix="faceapi-page") as pool:
                futures = [pool.submit(self._result_page, first.id, step, o) for o in offsets]
                try:
                    pages.extend(future.result() for future in futures)
                except BaseException:
                    for future in futures:
                        future.cancel()
                    raise
        return first, _unique(match for p in pages for match in p.matches)

    def iter_face_match_results(
        self, job_id: str, *, page_size: int = MAX_PAGE_SIZE
    ) -> Iterator[FaceMatchResult]:
        """The results one page at a time, lazily, without duplicates."""
        seen: set[str] = set()
        offset = 0
        while True:
            job = self.get_face_match(job_id, limit=page_size, offset=offset)
            if job.status is not JobStatus.COMPLETED:
                return
            page = self._require_page(job)
            for match in page.matches:
                if match.id not in seen:
                    seen.add(match.id)
                    yield match
            offset += _raw_count(page)
            if _raw_count(page) == 0 or offset >= page.total:
                return

    def _result_page(self, job_id: str, limit: int, offset: int) -> MatchPage:
        job = self.get_face_match(job_id, limit=limit, offset=offset)
        if job.status is not JobStatus.COMPLETED:
            raise InvalidResponse(
                f"Face match {job_id} changed from completed to {job.status} while its "
                "results were being read. Sync it again."
            )
        return self._require_page(job)

    def _require_page(self, job: FaceMatchJob) -> MatchPage:
        if job.page is None:
            raise InvalidResponse(
                f"The face API at {self._base_url} reported face match {job.id} completed "
                "but sent no results ('data')."
            )
        return job.page

    def list_face_matches(
        self,
        *,
        status: JobStatus | None = None,
        created_after: date | None = None,
        created_before: date | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> JobList:
        """listFaceMatch: one page of jobs."""
        _check_page(limit, offset)
        params: dict[str, str | int] = {"limit": limit, "offset": offset}
        if status is not None:
            params["status"] = JobStatus(status).value
        if created_after is not None:
            params["created_after"] = f"{created_after:%Y-%m-%d}"
        if created_before is not None:
            params["created_before"] = f"{created_before:%Y-%m-%d}"
        call = Call("listFaceMatch")
        body = self._request("GET", "/face-match", call, params=params)
        jobs = self._parsed(parse.parse_job_list, body, call.operation)
        return jobs

    def iter_face_matches(
        self,
        *,
        status: JobStatus | None = None,
        created_after: date | None = None,
        created_before: date | None = None,
        page_size: int = MAX_PAGE_SIZE,
    ) -> Iterator[FaceMatchJob]:
        """Every job matching the filters, page after page, each job once."""
        seen: set[str] = set()
        offset = 0
        while True:
            page = self.list_face_matches(
                status=status,
                created_after=created_after,
                created_before=created_before,
                limit=page_size,
                offset=offset,
            )
            for job in page.jobs:
                # A job created while paging shifts the list: skip repeats.
                if job.id not in seen:
                    seen.add(job.id)
                    yield job
            offset += len(page.jobs)
            if not page.jobs or offset >= page.total:
                return

    def create_face_match(self, request: NewFaceMatch) -> FaceMatchJob:
        """createFaceMatch. Not retried once it may have reached the server."""
        body = face_match_body(request)
        call = Call("createFaceMatch", subject="The target video", idempotent=False)
        answer = self._request("POST", "/face-match", call, json_body=body)
        job = self._parsed(parse.parse_face_match, answer, call.operation)
        return job

    def delete_face_match(self, job_id: str) -> None:
        """deleteFaceMatch."""
        job_id = require_uuid(job_id, "Face match")
        call = Call("deleteFaceMatch", subject=f"Face match {job_id}")
        self._request("DELETE", f"/face-match/{job_id}", call)

    # --- files ----------------------------------------------------------------

    def upload_file(
        self,
        filename: str,
        content: BinaryIO | bytes,
        *,
        metadata: dict[str, object] | None = None,
        content_type: str = "application/octet-stream",
    ) -> UploadedFile:
        """uploadFile (multipart `file`, optional JSON `metadata`)."""
        if not filename or "/" in filename or "\\" in filename:
            raise InvalidRequest(f"The file name {filename!r} is not a plain file name.")
        data = None
        if metadata is not None:
            try:
                data = {"metadata": json.dumps(metadata)}
            except (TypeError, ValueError) as err:
                raise InvalidRequest(f"The file metadata is not JSON-serializable: {err}") from err
        call = Call("uploadFile", idempotent=False)
        files = {"file": (filename, content, content_type)}
        answer = self._request("POST", "/files", call, files=files, data=data)
        uploaded = self._parsed(parse.parse_file, answer, call.operation)
        return uploaded

    def get_file(self, file_id: str) -> UploadedFile:
        """getFile."""
        if not isinstance(file_id, str) or not file_id.strip():
            raise InvalidRequest("A file id is required.")
        call = Call("getFile", subject=f"File {file_id}")
        answer = self._request("GET", f"/files/{quote(file_id.strip(), safe='')}", call)
        uploaded = self._parsed(parse.parse_file, answer, call.operation)
        return uploaded

    def list_files(self, *, limit: int = 100, offset: int = 0) -> FileList:
        """listFiles: one page of files."""
        _check_page(limit, offset)
        call = Call("listFiles")
        answer = self._request("GET", "/files", call, params={"limit": limit, "offset": offset})
        files = self._parsed(parse.parse_file_list, answer, call.operation)
        return files

    def get_file_content(
        self, file_id: str, *, range_header: str | None = None, max_bytes: int = MAX_CONTENT_BYTES
    ) -> FileContent:
        """getFileContent, the embedded engine's extension: a file's bytes.

        Pass the browser's `Range` through; callers ask for bounded ranges,
        since at most `max_bytes` are read (more is InvalidResponse). An API
        without the endpoint (the hosted one) gives NotFound.
        """
        if not isinstance(file_id, str) or not file_id.strip():
            raise InvalidRequest("A file id is required.")
        call = Call("getFileContent", subject=f"The content of file {file_id}")
        path = f"/files/{quote(file_id.strip(), safe='')}/content"
        headers = {"Accept": "*/*"}
        if range_header:
            headers["Range"] = range_header
        return self._retry.run(
            lambda: self._content(path, headers, call, max_bytes),
            idempotent=True,
            what=call.operation,
        )

    def _content(
        self, path: str, headers: dict[str, str], call: Call, max_bytes: int
    ) -> FileContent:
        try:
            with self._http.stream("GET", path, headers=headers) as response:
                if response.status_code == 416:
                    response.read()
                    return FileContent(
                        status=416,
                        content_type="",
                        content_range=response.headers.get("Content-Range"),
                        content_length=0,
                        body=b"",
                    )
                if not response.is_success:
                    response.read()
                    raise self._error(response, call)
                body = read_limited(response, max_bytes, call.subject or "The file")
                return FileContent(
                    status=response.status_code,
                    content_type=response.headers.get("Content-Type", "application/octet-stream"),
                    content_range=response.headers.get("Content-Range"),
                    content_length=len(body),
                    body=body,
                )
        except httpx.TransportError as err:
            raise self._unreachable(err) from err
        except httpx.HTTPError as err:
            raise InvalidResponse(f"{call.subject} could not be read: {err}.") from err

    # --- thumbnails -------------------------------------------------------------

    def fetch_thumbnail(self, url: str, *, max_bytes: int = 10_000_000) -> bytes:
        """The image at a result's `thumbnail_url` (relative URLs are the API's).

        The API key goes only to the API's origin; a CDN never sees it.
        """
        try:
            target = self._url.join(url)
        except httpx.InvalidURL as err:
            raise InvalidRequest(f"The thumbnail URL {url!r} is not valid: {err}.") from err
        if target.scheme not in ("http", "https") or not target.host:
            raise InvalidRequest(f"The thumbnail URL {url!r} is not an http(s) URL.")
        call = Call(
            "fetchThumbnail",
            subject=f"The thumbnail {target}",
            not_found=f"The thumbnail {target} was not found (a CDN link may have expired: "
            "sync the job again).",
        )
        return self._retry.run(
            lambda: self._download(target, call, max_bytes), idempotent=True, what="thumbnail"
        )

    def _download(self, target: httpx.URL, call: Call, max_bytes: int) -> bytes:
        try:
            with self._http.stream(
                "GET", target, headers={"Accept": "image/*"}, follow_redirects=True
            ) as response:
                if not response.is_success:
                    response.read()
                    raise self._error(response, call)
                return read_limited(response, max_bytes, f"The thumbnail {target}")
        except httpx.TransportError as err:
            where = f"{target.scheme}://{target.netloc.decode()}"
            raise error_for_transport(err, base_url=where, timeout=self._timeout) from err
        except httpx.HTTPError as err:
            raise InvalidResponse(f"The thumbnail {target} could not be read: {err}.") from err


def _unique(matches: Iterable[FaceMatchResult]) -> list[FaceMatchResult]:
    seen: set[str] = set()
    unique: list[FaceMatchResult] = []
    for match in matches:
        if match.id not in seen:
            seen.add(match.id)
            unique.append(match)
    return unique
