"""Origins, and the bearer token that only ever goes to the API's own."""

from __future__ import annotations

from collections.abc import Generator

import httpx

DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int | None]


def origin(url: httpx.URL) -> Origin:
    """Scheme, host and port, with the scheme's default port made explicit."""
    return (url.scheme, url.host, url.port or DEFAULT_PORTS.get(url.scheme))


class SameOriginBearer(httpx.Auth):
    """The bearer token, sent only to the API's origin: a CDN thumbnail URL
    from a result must never receive our key."""

    def __init__(self, token: str, api_origin: Origin) -> None:
        self._header = f"Bearer {token}"
        self._origin = api_origin

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        # httpx drops Authorization itself on a redirect to another origin.
        if origin(request.url) == self._origin:
            request.headers["Authorization"] = self._header
        yield request
