"""Content-Security-Policy header on every response, in every environment.

The policy is settings.CONTENT_SECURITY_POLICY (FACEMATCH_CSP; the default
and why it allows style attributes are in settings.py).

Django 5.2 has no CSP of its own. Applying the same policy in development
and tests as in production means an inline script or style that a browser
would refuse shows up before it ships.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # A view that chose its own policy (none do today) keeps it.
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response
