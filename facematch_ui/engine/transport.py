"""An httpx transport that serves the face API from this process's engine.

With no FACEMATCH_API_URL, the dashboard's client (faceapi) talks to the
embedded engine through this transport: same HTTP contract, no socket. Two
designs were ruled out:

- Calling our own server over HTTP deadlocks a single synchronous worker
  (the request waits for a response only it could produce).
- Calling the full WSGI handler in-process sends ``request_started`` and,
  on ``response.close()``, ``request_finished``; both close the database
  connections of the *outer* request that is still using them.

So this transport builds a request and runs it through the middleware and
URL resolver (``BaseHandler.get_response``) without those signals, and
closes the response's resources itself. Requests are marked with the WSGI
environ key ``facematch.internal`` (unreachable from HTTP, where headers
become ``HTTP_*``), which the engine's API-key check accepts: nothing
crosses a network, so no key is needed.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import threading
from functools import cache
from typing import IO
from urllib.parse import unquote

import httpx
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.db import connections
from django.http import HttpResponseBase

from facematch_ui.engine.http import INTERNAL_ENVIRON_KEY

SPOOL_MAX_MEMORY = 5 * 1024**2


class InProcessTransport(httpx.BaseTransport):
    def __init__(self) -> None:
        self._handler = _shared_handler()
        self._owner_thread = threading.get_ident()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        environ = _environ_for(request)
        try:
            response = self._handler.get_response(WSGIRequest(environ))
            try:
                content = _read_content(response)
            finally:
                _close_resources(response)
        finally:
            environ["wsgi.input"].close()  # type: ignore[attr-defined]
            # Pool threads (concurrent page fetches) each opened their own
            # connection; no request_finished will close it, so do it here.
            # The owner thread's connection belongs to the caller: leave it.
            if threading.get_ident() != self._owner_thread:
                connections.close_all()
        headers = [(key, value) for key, value in response.items()]
        return httpx.Response(
            response.status_code, headers=headers, content=content, request=request
        )


@cache
def _shared_handler() -> BaseHandler:
    handler = BaseHandler()
    handler.load_middleware()
    return handler


def _environ_for(request: httpx.Request) -> dict[str, object]:
    body, length = _spooled_body(request)
    url = request.url
    environ: dict[str, object] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote(url.path),
        "QUERY_STRING": url.query.decode("ascii"),
        "SERVER_NAME": url.host or "localhost",
        "SERVER_PORT": str(url.port or (443 if url.scheme == "https" else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": url.scheme,
        "wsgi.input": body,
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(length),
        INTERNAL_ENVIRON_KEY: True,
    }
    for name, value in request.headers.multi_items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif key == "CONTENT_LENGTH":
            continue
        else:
            environ["HTTP_" + key] = value
    return environ


def _spooled_body(request: httpx.Request) -> tuple[IO[bytes], int]:
    """The request body and its size, spooled to disk past a few MB (videos)."""
    # Closed by handle_request once the engine has answered.
    body: tempfile.SpooledTemporaryFile[bytes] = tempfile.SpooledTemporaryFile(  # noqa: SIM115
        max_size=SPOOL_MAX_MEMORY
    )
    if isinstance(request.stream, httpx.SyncByteStream):
        for chunk in request.stream:
            body.write(chunk)
    else:
        body.write(request.read())
    length = body.tell()
    body.seek(0)
    return body, length


def _read_content(response: HttpResponseBase) -> bytes:
    if response.streaming:
        return b"".join(response)  # type: ignore[arg-type]
    return response.content  # type: ignore[attr-defined,no-any-return]


def _close_resources(response: HttpResponseBase) -> None:
    # What HttpResponseBase.close() does, minus the request_finished signal.
    closers = response._resource_closers  # type: ignore[attr-defined]
    for closer in closers:
        with contextlib.suppress(Exception):  # best effort, as in Django
            closer()
    closers.clear()
    response.closed = True
