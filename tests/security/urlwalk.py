"""Every URL pattern of the project, as a concrete path a client can request.

Walks django.urls.get_resolver() recursively (included URLconfs too), so a
pattern added later is walked without anyone listing it here. Each parameter
gets a value by its name when the test supplies one (so views meet real rows,
not only 404s), else a value its converter accepts, checked by resolving the
path back to the same view.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter, PathConverter, SlugConverter, UUIDConverter
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize

# Tried in turn for a parameter without a named value (regex groups like the
# admin's app_label=(auth|review|...) need one of their alternatives).
FALLBACKS = ("x", "1", "auth", "review", "engine", str(uuid.UUID(int=1)), "x/y")
_BY_CONVERTER: dict[type, str] = {
    IntConverter: "1",
    UUIDConverter: str(uuid.UUID(int=1)),
    SlugConverter: "x",
    PathConverter: "x/y",
}


@dataclass(frozen=True)
class Route:
    """One URL pattern and a path that resolves to it."""

    name: str  # namespace:name, or the regex when unnamed
    path: str
    callback: Callable[..., Any]

    def __str__(self) -> str:
        return f"{self.name} ({self.path})"


def _patterns(
    resolver: URLResolver, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    for entry in resolver.url_patterns:
        regex = entry.pattern.regex.pattern.lstrip("^")
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, prefix + regex.removesuffix("\\Z"), inner)
        else:
            yield prefix + regex, namespace, entry


def _candidates(pattern: URLPattern, param: str, named: Mapping[str, str]) -> list[str]:
    values = [named[param]] if param in named else []
    converter = getattr(pattern.pattern, "converters", {}).get(param)
    if converter is not None and type(converter) in _BY_CONVERTER:
        values.append(_BY_CONVERTER[type(converter)])
    return values + list(FALLBACKS)


def _concrete(regex: str, pattern: URLPattern, named: Mapping[str, str]) -> str | None:
    """A path matching `regex` that resolves to `pattern`'s view, or None."""
    for template, params in normalize(regex):
        options = [_candidates(pattern, param, named) for param in params]
        for values in itertools.product(*options):
            path = "/" + template % dict(zip(params, values, strict=True))
            if _resolves_to(path, pattern):
                return path
    return None


def _resolves_to(path: str, pattern: URLPattern) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.func is pattern.callback or match.func == pattern.callback


def all_routes(named: Mapping[str, str] | None = None) -> tuple[list[Route], list[str]]:
    """(every pattern as a Route, the patterns no concrete path could be built for)."""
    routes: list[Route] = []
    unbuilt: list[str] = []
    for regex, namespace, pattern in _patterns(get_resolver()):
        name = f"{namespace}{pattern.name}" if pattern.name else regex
        path = _concrete(regex, pattern, named or {})
        if path is None:
            unbuilt.append(name)
        else:
            routes.append(Route(name, path, pattern.callback))
    return routes, unbuilt
