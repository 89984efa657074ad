"""Infrastructure endpoints only; product pages live in the apps."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from webcare.dbcheck import database_problem


@login_not_required  # asked by the container's health check, which does not sign in
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the web process can reach its database, else 503 (the reason stays in the log)."""
    problem = database_problem()
    return JsonResponse({"status": "ok" if problem is None else "unavailable"}, status=503 if problem else 200)
