"""The project's URLconf plus one view someone forgot to protect (for the walker's own test)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_http_methods

from facematch_ui.urls import urlpatterns as project_patterns


@require_http_methods(["GET", "POST"])
def leak(request: HttpRequest, api_id: str) -> HttpResponse:
    return HttpResponse(f"job {api_id}")


urlpatterns = [path("jobs/<str:api_id>/leak/", leak, name="leaky"), *project_patterns]
