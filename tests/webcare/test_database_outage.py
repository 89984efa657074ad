"""While the database is away, pages say so with a 503 and a retry hint; afterwards all works again."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def database_away() -> Iterator[None]:
    """Point the connection at a port nothing listens on, as if the server were down."""
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": "1"} if connection.vendor == "postgresql" else {})
    if connection.vendor != "postgresql":
        pytest.skip("needs a database server to take away")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)


def test_a_page_during_a_database_outage_is_a_503_with_a_retry_hint(staff_member):
    client = Client(raise_request_exception=False)
    client.post(reverse("login"), {"username": "sam-staff", "password": PASSWORD})

    with database_away():
        response = client.get(reverse("inbox:mention-list"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "database" in body.lower()
    assert "Probeer het over 30 seconden opnieuw" in body

    assert client.get(reverse("inbox:mention-list")).status_code == 200, "back without a restart"


def test_other_errors_are_still_the_500_page(staff_member, settings):
    from webcare import views

    client = Client(raise_request_exception=False)
    request = client.get("/").wsgi_request
    try:
        raise ValueError("a bug")
    except ValueError:
        response = views.server_error(request)
    assert response.status_code == 500
