"""Who may use which URL: every URL pattern of the project, for every role, with GET and POST.

The table lives in ``tests/webcare/routes.py``. A URL added without a row there fails here, so nobody adds a
page without deciding who may use it; a row for a URL that is gone fails too.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client

from tests.webcare.routes import (
    ACCESS,
    ADMIN_NAMESPACE,
    ADMIN_OWN,
    CSRF_EXEMPT,
    FORMS,
    LOGIN,
    METHODS,
    PARAMETERS,
    QUERIES,
    ROLES,
    STAFF_ID,
    Cell,
    World,
    expected,
    named_routes,
    routes,
)

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def client_as(world: World, role: str, **options: bool) -> Client:
    client = Client(**options)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


SIGN_IN_PAGES = ("/account/login/?next=", "/admin/login/?next=")


def sign_in_address(response) -> str:
    """Where a response sends the visitor: a redirect's Location, or htmx's HX-Redirect for a partial."""
    if response.status_code == 302:
        return response["Location"]
    return response.headers.get("HX-Redirect", "")


def outcome(response) -> Cell:
    """What a response amounts to, in the table's terms."""
    if sign_in_address(response).startswith(SIGN_IN_PAGES):
        return LOGIN
    return response.status_code


def test_every_url_has_a_row_and_every_row_a_url():
    names = {route.name for route in named_routes()}
    without_row = sorted(name for name in names if not name.startswith(ADMIN_NAMESPACE + ":") and name not in ACCESS)
    assert without_row == [], "Decide who may use these URLs: add them to ACCESS in tests/webcare/routes.py"
    gone = sorted((set(ACCESS) | set(ADMIN_OWN)) - names)
    assert gone == [], "These rows of ACCESS name URLs that no longer exist"


def test_only_the_admin_has_urls_without_a_name():
    # A URL without a name cannot have a row in the table, so only the admin's own redirects may lack one.
    unnamed = [route.route for route in routes() if route.name is None and not route.route.startswith("admin/")]
    assert unnamed == []


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_table_says(world, role):
    client = client_as(world, role)
    wrong: list[str] = []
    for route in named_routes():
        assert route.name is not None
        url = world.url(route)
        for method in METHODS:
            want = expected(route.name)[method][ROLES.index(role)]
            # Pages and their partials alike; the admin has no partials.
            partials = method == "GET" and not route.name.startswith(ADMIN_NAMESPACE + ":")
            for headers in ({}, HX) if partials else ({},):
                response = (
                    client.generic(method, url, headers=headers)
                    if method == "POST"
                    else client.get(url, QUERIES.get(route.name, {}), headers=headers)
                )
                got = outcome(response)
                if got != want or response.status_code >= 500:
                    wrong.append(f"{method} {url} ({route.name}) {headers or ''}: table says {want}, got {got}")
                if want == LOGIN and got == LOGIN:
                    # Back to the page asked for, query string and all, once signed in.
                    back = "?next=" + quote(response.wsgi_request.get_full_path())
                    assert sign_in_address(response).endswith(back), sign_in_address(response)
                if route.name == "logout" and world.users[role] is not None:
                    client.force_login(world.users[role])  # signed out on purpose: on to the next URL
    assert wrong == []


# An id that matches nothing is a 404 for whoever may use the URL, and the same refusal as ever for whoever may
# not (so a refusal never tells whether the thing exists). The one exception says why.
UNKNOWN_ANSWERS = {
    # Taking off a playbook item that is already gone is done already: the board is told "Removed."
    ("inbox:playbook-remove", "POST"): 302,
    # The same for an absence taken back already: the team page says it is taken back.
    ("inbox:team-absence-remove", "POST"): 302,
    # And for opening hours, a closed day or another target taken out already: the page says they are.
    ("inbox:targets-block-remove", "POST"): 302,
    ("inbox:targets-closed-remove", "POST"): 302,
    ("inbox:targets-override-remove", "POST"): 302,
    # And for an appointment withdrawn already: the team page lists it as withdrawn.
    ("inbox:team-appointment-withdraw", "POST"): 302,
}


@pytest.mark.parametrize("role", ["no_role", "staff", "manager", "board"])
def test_an_id_that_matches_nothing_is_404_for_whoever_may_use_the_url(world, role):
    client = client_as(world, role)
    wrong: list[str] = []
    for route in named_routes():
        assert route.name is not None
        if route.name.startswith(ADMIN_NAMESPACE + ":") or not set(route.parameters) & set(PARAMETERS):
            continue
        url = world.url(route, unknown=True)
        for method in METHODS:
            known = expected(route.name)[method][ROLES.index(role)]
            want = known if known in (LOGIN, 403, 405) else UNKNOWN_ANSWERS.get((route.name, method), 404)
            data = {
                key: str(world.users["staff"].pk) if value == STAFF_ID else value  # type: ignore[union-attr]
                for key, value in FORMS.get(route.name, {}).items()
            }
            response = client.post(url, data) if method == "POST" else client.get(url)
            got = outcome(response)
            if got != want:
                wrong.append(f"{method} {url} ({route.name}): want {want}, got {got}")
    assert wrong == []


def acting_role(name: str) -> str:
    """The first role that may send the URL's form (staff when nobody may: CSRF is checked first anyway)."""
    row = expected(name)["POST"]
    allowed = [role for role, cell in zip(ROLES, row, strict=True) if cell not in (LOGIN, 403, 405)]
    for role in ("staff", "manager", "board", "no_role", "anonymous"):
        if role in allowed:
            return role
    return "staff"


CSRF_SECRET = "a" * 32  # what the CSRF cookie holds; the form or header sends the same


def test_every_form_needs_the_csrf_token(world):
    wrong: list[str] = []
    clients = {role: client_as(world, role, enforce_csrf_checks=True) for role in ROLES}
    for route in named_routes():
        assert route.name is not None
        url = world.url(route)
        role = acting_role(route.name)
        client = clients[role]
        if route.name in CSRF_EXEMPT:
            # Its own proof instead: without it, the same refusal as with it (the table's row).
            want = expected(route.name)["POST"][ROLES.index(role)]
            if outcome(client.post(url)) != want:
                wrong.append(f"POST {url} ({route.name}) as {role} without a token: want {want}")
            continue
        refused = client.post(url)
        if refused.status_code != 403 or b"CSRF" not in refused.content:
            wrong.append(f"POST {url} ({route.name}) as {role} without a token: {refused.status_code}")
        # The same request with the token gets what the table says: it was the token that was missing.
        client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
        accepted = client.post(url, headers={"X-CSRFToken": CSRF_SECRET})
        want = expected(route.name)["POST"][ROLES.index(role)]
        if outcome(accepted) != want:
            wrong.append(f"POST {url} ({route.name}) as {role} with the token: want {want}, got {outcome(accepted)}")
        if route.name == "logout" and world.users[role] is not None:
            client.force_login(world.users[role])  # type: ignore[arg-type]
    assert wrong == []
