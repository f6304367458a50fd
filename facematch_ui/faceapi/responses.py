"""HTTP answers and transport failures -> our errors, with actionable messages."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from .errors import (
    FaceApiError,
    InvalidRequest,
    InvalidResponse,
    NotFound,
    RateLimited,
    Unauthorized,
    Unreachable,
    UpstreamError,
)

INVALID_REQUEST_STATUSES = frozenset({400, 405, 409, 413, 415, 422})


@dataclass(frozen=True, slots=True)
class Call:
    """What one request is for, so errors can say it in the analyst's words."""

    operation: str  # the spec's operationId, e.g. "getFaceMatch"
    subject: str | None = None  # "Face match <id>": what a 404 means is missing
    idempotent: bool = True  # False for POSTs that create something
    not_found: str | None = None  # the whole 404 message, when the default misleads


def api_error_text(response: httpx.Response) -> str | None:
    """The `{"error": ...}` message of an error body, if it has one."""
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(body, dict):
        for key in ("error", "message", "detail"):
            text = body.get(key)
            if isinstance(text, str) and text.strip():
                return text.strip()
    return None


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After in seconds: delta-seconds or an HTTP-date. None if absent/garbled."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(seconds, 0.0)


def error_for_response(
    response: httpx.Response, call: Call, *, base_url: str, has_key: bool
) -> FaceApiError:
    status = response.status_code
    text = api_error_text(response)
    said = f" The API said: {text}" if text else ""
    if status == 404:
        if call.not_found:
            message = call.not_found
        elif call.subject:
            message = f"{call.subject} was not found on {base_url} (it may have been deleted)."
        else:
            message = (
                f"The face API at {base_url} does not know {call.operation} (404). "
                "Check FACEMATCH_API_URL."
            )
        return NotFound(message + said, status_code=404)
    if status in (401, 403):
        if has_key:
            message = f"The face API rejected the API key ({status}). Check FACEMATCH_API_KEY."
        else:
            message = (
                f"The face API at {base_url} requires an API key ({status}). Set FACEMATCH_API_KEY."
            )
        return Unauthorized(message + said, status_code=status)
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        wait = f"Try again in {math.ceil(retry_after)} s." if retry_after else "Try again later."
        return RateLimited(
            f"The face API is limiting requests ({call.operation}, 429).{said} {wait}",
            retry_after=retry_after,
            status_code=429,
        )
    if status >= 500:
        return UpstreamError(
            f"The face API at {base_url} failed on its side ({call.operation}, {status}).{said}",
            status_code=status,
        )
    if 400 <= status < 500 or status in INVALID_REQUEST_STATUSES:
        return InvalidRequest(
            f"The face API refused {call.operation} ({status}).{said or ' No reason given.'}",
            status_code=status,
        )
    return InvalidResponse(
        f"The face API at {base_url} answered {call.operation} with an unexpected "
        f"HTTP {status}. Check FACEMATCH_API_URL.",
        status_code=502,
    )


def error_for_transport(err: httpx.TransportError, *, base_url: str, timeout: float) -> Unreachable:
    # The request never left when the connection could not be opened (or no
    # pooled connection freed up): safe to retry even a POST.
    sent = not isinstance(err, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    if isinstance(err, httpx.TimeoutException):
        reason = f"no answer within {timeout:g} s ({type(err).__name__})"
    else:
        reason = str(err) or type(err).__name__
    return Unreachable(f"The face API at {base_url} is unreachable: {reason}.", request_sent=sent)


def decode_json(response: httpx.Response, call: Call, *, base_url: str) -> object:
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError) as err:
        kind = response.headers.get("Content-Type", "no content type")
        raise InvalidResponse(
            f"The face API at {base_url} answered {call.operation} with something that "
            f"is not JSON ({kind}). Check FACEMATCH_API_URL."
        ) from err


def read_limited(response: httpx.Response, max_bytes: int, what: str) -> bytes:
    """A streamed body, refused as soon as it passes `max_bytes`."""
    too_big = InvalidResponse(f"{what} is larger than {max_bytes} bytes.")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)
