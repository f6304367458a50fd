"""The dashboard's face API client, configured from settings.

With FACEMATCH_API_URL unset the client talks to the embedded engine through
an in-process transport, named by an import string so the dashboard never
imports the engine (the arrow stays review -> faceapi -> HTTP contract).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from facematch_ui.faceapi.client import FaceApiClient

DEFAULT_EMBEDDED_TRANSPORT = "facematch_ui.engine.transport.InProcessTransport"


def _transport_from(dotted_path: str, setting: str) -> httpx.BaseTransport:
    try:
        transport_class = import_string(dotted_path)
    except ImportError as err:
        raise ImproperlyConfigured(f"{setting}={dotted_path!r} cannot be imported: {err}") from err
    transport = transport_class()
    if not isinstance(transport, httpx.BaseTransport):
        raise ImproperlyConfigured(f"{setting}={dotted_path!r} is not an httpx.BaseTransport.")
    return transport


def face_api_client(
    *, max_retries: int | None = None, timeout: float | None = None
) -> FaceApiClient:
    """A client for the configured face API (remote, or the embedded engine).

    `max_retries` and `timeout` override the settings for callers that must
    answer fast rather than patiently (a health probe).
    """
    transport: httpx.BaseTransport | None = None
    override = getattr(settings, "FACE_API_TRANSPORT", None)
    if override:
        transport = _transport_from(override, "FACE_API_TRANSPORT")
    elif not settings.FACE_API_URL:
        dotted = getattr(settings, "FACE_API_EMBEDDED_TRANSPORT", DEFAULT_EMBEDDED_TRANSPORT)
        transport = _transport_from(dotted, "FACE_API_EMBEDDED_TRANSPORT")
    base_url = settings.FACE_API_URL or settings.FACE_API_EMBEDDED_URL
    return FaceApiClient(
        base_url,
        settings.FACE_API_KEY,
        transport=transport,
        timeout=settings.FACE_API_TIMEOUT if timeout is None else timeout,
        max_retries=settings.FACE_API_MAX_RETRIES if max_retries is None else max_retries,
        retry_budget=settings.FACE_API_RETRY_BUDGET,
        concurrency=settings.FACE_API_CONCURRENCY,
    )


@contextmanager
def client_or_default(client: FaceApiClient | None) -> Iterator[FaceApiClient]:
    """`client` as given (the caller owns it), or a configured one closed after use."""
    if client is not None:
        yield client
        return
    with face_api_client() as owned:
        yield owned
