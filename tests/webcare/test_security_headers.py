"""Every HTML page the product sends, partials and error pages included, carries the content security policy,
and that policy runs no script but our own files."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from tests.webcare.routes import METHODS, QUERIES, named_routes
from webcare.urls import urlpatterns as product_urlpatterns


@login_not_required
def _bug(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("A bug in a view")


@login_not_required
def _suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("A request that should not happen")


@login_not_required
def _denied(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


# The product's URLs, and three that fail the way views fail (used with @pytest.mark.urls(__name__)).
urlpatterns = [
    *product_urlpatterns,
    path("test-errors/500/", _bug),
    path("test-errors/400/", _suspicious),
    path("test-errors/403/", _denied),
]

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
# A script element without src that is not data (json_script's application/json blocks are data).
INLINE_SCRIPT = re.compile(rb'<script(?![^>]*\ssrc=)(?![^>]*\stype="application/json")[^>]*>', re.IGNORECASE)


def policy_problems(response: HttpResponse) -> list[str]:
    """What is wrong with an HTML response's content security policy ([] when nothing, or not HTML)."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    policy = response.get("Content-Security-Policy")
    if not policy:
        return ["no Content-Security-Policy"]
    directives = {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}
    scripts = directives.get("script-src", directives.get("default-src"))
    problems = []
    if scripts is None:
        problems.append("no script-src or default-src")
    elif "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts or "*" in scripts:
        problems.append(f"script-src allows more than our own files: {' '.join(scripts)}")
    if directives.get("object-src") != ["'none'"]:
        problems.append("object-src is not 'none'")
    # The policy would block an inline script anyway; one on the page is a script that silently never runs.
    problems.extend(f"inline script {tag.decode()}" for tag in INLINE_SCRIPT.findall(response.content))
    return problems


@pytest.mark.parametrize("role", ["anonymous", "no_role", "staff", "board"])
def test_every_page_and_partial_carries_the_policy(world, role):
    client = Client(raise_request_exception=False)
    if (user := world.users[role]) is not None:
        client.force_login(user)
    checked, wrong = 0, []
    for route in named_routes():
        assert route.name is not None
        if route.name == "logout":
            continue  # signs the client out; its answer is a redirect, not a page
        url = world.url(route)
        for method in METHODS:
            for headers in ({}, HX):
                if method == "GET":
                    response = client.get(url, QUERIES.get(route.name, {}), headers=headers)
                else:
                    response = client.post(url, headers=headers)
                checked += response.get("Content-Type", "").startswith("text/html")
                wrong.extend(f"{method} {url} {headers or ''}: {problem}" for problem in policy_problems(response))
    assert wrong == []
    assert checked > 50  # the walk saw the pages, not only redirects


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("role", ["anonymous", "staff"])
@pytest.mark.parametrize(
    ("url", "status", "options"),
    [
        ("/test-errors/400/", 400, {}),
        ("/test-errors/403/", 403, {}),
        ("/test-errors/500/", 500, {}),
        ("/no/such/page/", 404, {}),
        ("/inbox/", 400, {"HTTP_HOST": "evil.example"}),  # a host the site does not serve
    ],
)
def test_error_pages_carry_the_policy(world, role, url, status, options):
    client = Client(raise_request_exception=False)
    if (user := world.users[role]) is not None:
        client.force_login(user)
    response = client.get(url, **options)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert policy_problems(response) == []


def test_a_refused_csrf_token_carries_the_policy(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["staff"])  # type: ignore[arg-type]
    response = client.post("/inbox/bulk/")
    assert response.status_code == 403
    assert policy_problems(response) == []


def test_a_refused_host_carries_the_policy_when_https_is_enforced(world, settings):
    # With SECURE_SSL_REDIRECT, the very first middleware reads the host and refuses it: the policy must be added
    # around that middleware too.
    settings.SECURE_SSL_REDIRECT = True
    response = Client(raise_request_exception=False).get("/inbox/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert policy_problems(response) == []
