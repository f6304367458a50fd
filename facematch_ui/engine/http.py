"""The /v1 request boundary: auth, allowed methods, errors as JSON, parameters.

Views raise ApiError (or its subclasses) for anything the caller got wrong;
`api_view` turns that into `{"error": "..."}` with the status, so no bad
input reaches a 500.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import models
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from facematch_ui.engine import keys

# Set by the dashboard's in-process transport; HTTP headers become HTTP_* keys,
# so no client can put this key in the environ.
INTERNAL_ENVIRON_KEY = "facematch.internal"

RowT = TypeVar("RowT", bound=models.Model)

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


class ApiError(Exception):
    status = 400

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class NotFound(ApiError):
    status = 404


class Unauthorized(ApiError):
    status = 401


class UnsupportedMedia(ApiError):
    status = 415


def error_response(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _check_auth(request: HttpRequest) -> None:
    if request.META.get(INTERNAL_ENVIRON_KEY) is True:
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise Unauthorized("Missing API key: send 'Authorization: Bearer <key>'.")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Malformed Authorization header: expected 'Bearer <key>'.")
    if keys.authenticate(token.strip()) is None:
        raise Unauthorized("Invalid or revoked API key.")


ViewFunc = Callable[..., HttpResponseBase]


def api_view(*methods: str, auth: bool = True) -> Callable[[ViewFunc], ViewFunc]:
    """Wrap a /v1 view: method check, bearer auth, ApiError -> JSON error."""

    allowed = {m.upper() for m in methods}

    def decorate(view: ViewFunc) -> ViewFunc:
        @csrf_exempt  # bearer-token API: no cookies, no CSRF
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method not in allowed:
                response = error_response(
                    f"Method {request.method} not allowed; use {', '.join(sorted(allowed))}.",
                    405,
                )
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                if auth:
                    _check_auth(request)
                return view(request, *args, **kwargs)
            except ApiError as err:
                return error_response(err.message, err.status)

        return wrapper

    return decorate


def method_router(**views: ViewFunc) -> ViewFunc:
    """One URL, one view per method (GET/POST/DELETE/PUT), each an api_view."""
    allowed = {name.upper() for name in views}

    @csrf_exempt
    def route(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        view = views.get((request.method or "").lower())
        if view is None:
            response = error_response(
                f"Method {request.method} not allowed; use {', '.join(sorted(allowed))}.", 405
            )
            response["Allow"] = ", ".join(sorted(allowed))
            return response
        return view(request, *args, **kwargs)

    return route


# --- Parameters -------------------------------------------------------------


def parse_uuid(value: str, what: str) -> uuid.UUID:
    """A path id; a malformed one cannot exist, so it is a 404 like an unknown one."""
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError) as err:
        raise NotFound(f"{what} {value!r} not found.") from err


def get_or_not_found(model: type[RowT], raw_id: str | uuid.UUID, what: str) -> RowT:
    """The row with this id (from a path or a body), or a 404 naming it."""
    pk = raw_id if isinstance(raw_id, uuid.UUID) else parse_uuid(raw_id, what)
    row = model._default_manager.filter(pk=pk).first()
    if row is None:
        raise NotFound(f"{what} {raw_id} not found.")
    return row


def _int_param(request: HttpRequest, name: str, default: int, low: int, high: int | None) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as err:
        raise ApiError(f"'{name}' must be an integer, got {raw!r}.") from err
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ApiError(f"'{name}' must be {bounds}, got {value}.")
    return value


def page_params(request: HttpRequest) -> tuple[int, int]:
    """(limit, offset) from the query: limit 1..100 (default 50), offset >= 0."""
    limit = _int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _int_param(request, "offset", 0, 0, None)
    return limit, offset


def _date_param(request: HttpRequest, name: str) -> date | None:
    raw = request.GET.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as err:
        raise ApiError(f"'{name}' must be a date as YYYY-MM-DD, got {raw!r}.") from err


def list_filters(request: HttpRequest, statuses: tuple[str, ...]) -> dict[str, Any]:
    """Queryset filters from status / created_before / created_after (UTC dates)."""
    filters: dict[str, Any] = {}
    status = request.GET.get("status")
    if status:
        if status not in statuses:
            raise ApiError(f"'status' must be one of {', '.join(statuses)}, got {status!r}.")
        filters["status"] = status
    before = _date_param(request, "created_before")
    after = _date_param(request, "created_after")
    if before is not None:
        filters["created_at__lt"] = datetime.combine(before, time.min, tzinfo=UTC)
    if after is not None:
        filters["created_at__gt"] = datetime.combine(after, time.min, tzinfo=UTC)
    return filters


def json_body(request: HttpRequest) -> dict[str, Any]:
    content_type = request.content_type or ""
    if content_type != "application/json":
        raise ApiError(f"Send the request body as application/json (got {content_type or 'none'}).")
    try:
        body = json.loads(request.body or b"")
    except RequestDataTooBig as err:
        raise ApiError(
            f"The request body is too large (limit {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes)."
        ) from err
    except (ValueError, UnicodeDecodeError) as err:
        raise ApiError(f"The request body is not valid JSON: {err}") from err
    if not isinstance(body, dict):
        raise ApiError("The request body must be a JSON object.")
    return body


def millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
