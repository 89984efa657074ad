"""Guessing passwords: five failures for one name from one address lock that pair for 15 minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, password: str, username: str = "sam-staff", **extra: str):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _fail_five_times(client: Client, **extra: str) -> None:
    for attempt in range(5):
        response = _sign_in(client, f"wrong-{attempt}", **extra)
        # The fifth failure is answered with the lock already.
        assert response.status_code == (429 if attempt == 4 else 200)


def _is_signed_in(response) -> bool:
    return "_auth_user_id" in response.wsgi_request.session


def test_the_right_password_is_refused_after_five_wrong_ones(staff_member):
    client = Client()
    _fail_five_times(client)

    response = _sign_in(client, PASSWORD)

    assert response.status_code == 429
    assert not _is_signed_in(response)
    body = response.content.decode()
    assert "Te veel mislukte pogingen" in body
    assert "15 minuten" in body
    assert 'value="sam-staff"' in body, "the name typed stays in the form"


def test_the_lock_is_per_name_and_address(staff_member, manager):
    _fail_five_times(Client())

    from_elsewhere = _sign_in(Client(), PASSWORD, REMOTE_ADDR="203.0.113.9")
    other_name = _sign_in(Client(), PASSWORD, username="max-manager")

    assert _is_signed_in(from_elsewhere)
    assert _is_signed_in(other_name)


def test_the_lock_ends_after_fifteen_minutes(staff_member):
    from axes.models import AccessAttempt

    _fail_five_times(Client())
    assert _sign_in(Client(), PASSWORD).status_code == 429

    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(minutes=15, seconds=1)
        attempt.save()

    assert _is_signed_in(_sign_in(Client(), PASSWORD))


def test_a_forwarded_for_header_is_ignored_unless_configured(staff_member):
    for attempt in range(5):
        _sign_in(Client(), f"wrong-{attempt}", HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")

    assert _sign_in(Client(), PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


def test_behind_a_proxy_only_the_address_it_added_counts(staff_member, settings):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    # All from one proxy (one REMOTE_ADDR); the client varies what it puts in front of the proxy's entry.
    for attempt in range(5):
        _sign_in(Client(), f"wrong-{attempt}", HTTP_X_FORWARDED_FOR=f"10.9.9.{attempt}, 192.0.2.7")

    locked = _sign_in(Client(), PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.99, 192.0.2.7")
    another_client = _sign_in(Client(), PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.8")

    assert locked.status_code == 429
    assert _is_signed_in(another_client)
