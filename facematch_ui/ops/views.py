from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from facematch_ui.ops import checks


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every check passes, else 503; JSON either way, no login."""
    results = checks.run_all()
    healthy = all(check.ok for check in results)
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in results},
    }
    return JsonResponse(body, status=200 if healthy else 503)
