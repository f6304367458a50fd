"""The engine's one way to fetch a user-supplied URL (source image, video).

Guards against server-side request forgery: only http(s), only when the
deployment allows remote URLs, the host is resolved once and every address
must be public (no private, loopback, link-local, multicast, reserved or
unspecified ranges), the connection goes to that checked address (so DNS
cannot change its answer in between), redirects are followed by hand and
checked the same way, and the body is capped in size and time.

An IP written as a host in any legacy form (decimal 2130706433, octal
0177.0.0.1, hex 0x7f.1) is read as the address it means, never sent to DNS.
ENGINE_ALLOW_PRIVATE_URLS (off by default) lifts only the public-address rule,
for fetching from a test server on the same machine or network.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import httpx
from django.conf import settings

MAX_REDIRECTS = 3
TIMEOUT = httpx.Timeout(10.0, read=30.0)

Resolver = Callable[[str, int], list[str]]


class FetchError(Exception):
    """The URL was refused or could not be fetched; the message says why."""


@dataclass(frozen=True, slots=True)
class Fetched:
    path: Path
    size: int
    filename: str | None
    content_type: str | None


def _literal_address(host: str) -> str | None:
    """The address `host` spells when it is an IP literal, in any form resolvers accept."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        pass
    try:
        return str(ipaddress.IPv4Address(socket.inet_aton(host)))
    except (OSError, ValueError):
        return None


def _system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def check_url(url: str, resolve: Resolver = _system_resolve) -> tuple[str, str, int]:
    """(scheme, a checked public address, port) for `url`, or FetchError."""
    if not settings.ENGINE_ALLOW_REMOTE_URLS:
        raise FetchError(
            "Remote URLs are disabled on this server; upload the file "
            "(or send the image as base64_image) instead."
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"Only http and https URLs can be fetched, got {url[:100]!r}.")
    host = parts.hostname
    if not host:
        raise FetchError(f"The URL has no host: {url[:100]!r}.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as err:
        raise FetchError(f"The URL has an invalid port: {url[:100]!r}.") from err
    literal = _literal_address(host)
    try:
        addresses = [literal] if literal is not None else resolve(host, port)
    except (OSError, UnicodeError) as err:
        raise FetchError(f"Cannot resolve host {host!r}.") from err
    if not addresses:
        raise FetchError(f"Cannot resolve host {host!r}.")
    if not settings.ENGINE_ALLOW_PRIVATE_URLS:
        for address in addresses:
            if not _is_public(address):
                raise FetchError(
                    f"Refusing to fetch {host!r}: it is not a public address "
                    "(private, loopback, link-local and reserved ranges are refused)."
                )
    return parts.scheme, addresses[0], port


def _pinned_request(client: httpx.Client, url: str, address: str, port: int) -> httpx.Request:
    parts = urlsplit(url)
    host = parts.hostname or ""
    literal = f"[{address}]" if ":" in address else address
    pinned = urlunsplit((parts.scheme, f"{literal}:{port}", parts.path or "/", parts.query, ""))
    host_header = host if parts.port is None else f"{host}:{parts.port}"
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    return client.build_request("GET", pinned, headers={"Host": host_header}, extensions=extensions)


@contextmanager
def _open(
    url: str, resolve: Resolver, transport: httpx.BaseTransport | None
) -> Iterator[tuple[httpx.Response, str]]:
    with httpx.Client(timeout=TIMEOUT, follow_redirects=False, transport=transport) as client:
        for _ in range(MAX_REDIRECTS + 1):
            _scheme, address, port = check_url(url, resolve)
            try:
                response = client.send(_pinned_request(client, url, address, port), stream=True)
            except httpx.HTTPError as err:
                raise FetchError(f"Could not fetch {url[:100]!r}: {err}") from err
            if response.is_redirect and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                response.close()
                continue
            try:
                if response.status_code != 200:
                    raise FetchError(
                        f"Fetching {url[:100]!r} answered HTTP {response.status_code}."
                    )
                yield response, url
            finally:
                response.close()
            return
        raise FetchError(f"Too many redirects fetching {url[:100]!r}.")


def fetch_to_path(
    url: str,
    destination: Path,
    *,
    max_bytes: int | None = None,
    resolve: Resolver = _system_resolve,
    transport: httpx.BaseTransport | None = None,
) -> Fetched:
    """Download `url` into `destination` (removed again on any failure)."""
    limit = max_bytes or settings.ENGINE_REMOTE_FETCH_MAX_BYTES
    try:
        with _open(url, resolve, transport) as (response, final_url):
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchError(f"The file at the URL is too large (limit {limit} bytes).")
            size = 0
            with destination.open("wb") as out:
                for chunk in response.iter_bytes(1024 * 1024):
                    size += len(chunk)
                    if size > limit:
                        raise FetchError(f"The file at the URL is too large (limit {limit} bytes).")
                    out.write(chunk)
            name = unquote(urlsplit(final_url).path.rsplit("/", 1)[-1]) or None
            return Fetched(destination, size, name, response.headers.get("content-type"))
    except httpx.HTTPError as err:
        destination.unlink(missing_ok=True)
        raise FetchError(f"Could not fetch {url[:100]!r}: {err}") from err
    except BaseException:
        destination.unlink(missing_ok=True)
        raise


def fetch_bytes(
    url: str,
    *,
    max_bytes: int,
    resolve: Resolver = _system_resolve,
    transport: httpx.BaseTransport | None = None,
) -> bytes:
    """A small body (a source image) in memory, capped at `max_bytes`."""
    try:
        with _open(url, resolve, transport) as (response, _final_url):
            body = bytearray()
            for chunk in response.iter_bytes(256 * 1024):
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(f"The file at the URL is too large (limit {max_bytes} bytes).")
            return bytes(body)
    except httpx.HTTPError as err:
        raise FetchError(f"Could not fetch {url[:100]!r}: {err}") from err
