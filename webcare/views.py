"""Infrastructure endpoints only; product pages live in the apps."""

from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from webcare.dbcheck import database_problem


@login_not_required  # asked by the container's health check, which does not sign in
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the web process can reach its database, else 503 (the reason stays in the log)."""
    problem = database_problem()
    return JsonResponse({"status": "ok" if problem is None else "unavailable"}, status=503 if problem else 200)


# How long a page asks to be left alone while the database is away: about what a restart takes.
DATABASE_RETRY_SECONDS = 30


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """The page for an unexpected error; when the database cannot be reached, a 503 that says so.

    A database that is restarting or failing over is not a fault of the page: the visitor is told to
    try again shortly (Retry-After), and the next request after it is back reconnects by itself
    (``conn_health_checks``). The template needs no database, so it renders during the outage.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError) or _is_lost_connection(exc):
        body = loader.get_template("503.html").render({"retry_after": DATABASE_RETRY_SECONDS})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(DATABASE_RETRY_SECONDS)
        return response
    response = defaults.server_error(request)
    return response if isinstance(response, HttpResponse) else HttpResponseServerError()


def _is_lost_connection(exc: BaseException | None) -> bool:
    """A DatabaseError from a connection that died mid-query (psycopg raises it as such on a closed one)."""
    return isinstance(exc, DatabaseError) and "connection" in str(exc).lower() and "closed" in str(exc).lower()


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (``CSRF_FAILURE_VIEW``): what to do, that nothing was saved,
    and Django's reason for whoever looks after the site."""
    body = loader.get_template("403_csrf.html").render({"reason": reason}, request)
    return HttpResponseForbidden(body)
