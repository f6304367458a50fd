"""Errors of the face API client.

Each carries a message an analyst can act on and whether retrying could help
(`permanent`). Library exceptions (httpx) never escape the client: they are
re-raised as one of these, chained with `from`.
"""

from __future__ import annotations


class FaceApiError(Exception):
    """Base class: something went wrong talking to the face API."""

    permanent: bool = True
    status_code: int | None = None

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code

    def __str__(self) -> str:
        return self.message


class NotFound(FaceApiError):
    """The job or file does not exist (404)."""

    status_code = 404


class Unauthorized(FaceApiError):
    """The API key is missing, wrong or revoked (401/403)."""

    status_code = 401


class InvalidRequest(FaceApiError):
    """The API refused what we sent (400, 413, 415, 422)."""

    status_code = 400


class RateLimited(FaceApiError):
    """Too many requests or a quota reached (429). Retryable."""

    permanent = False
    status_code = 429

    def __init__(
        self, message: str, *, retry_after: float | None = None, status_code: int | None = None
    ) -> None:
        super().__init__(message, status_code=status_code)
        self.retry_after = retry_after


class UpstreamError(FaceApiError):
    """The API failed on its side (5xx). Retryable."""

    permanent = False
    status_code = 502


class InvalidResponse(FaceApiError):
    """The API answered with something that does not fit the contract."""

    status_code = 502


class Unreachable(FaceApiError):
    """No answer: connection refused, DNS failure or timeout. Retryable."""

    permanent = False
    status_code = 503

    def __init__(
        self, message: str, *, request_sent: bool = True, status_code: int | None = None
    ) -> None:
        super().__init__(message, status_code=status_code)
        # False when the connection never opened: even a POST is safe to retry.
        self.request_sent = request_sent
