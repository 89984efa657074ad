"""Every request reads its session and its user with statements compiled once (webcare/sessions.py and
accounts/backends.py): they must still refuse what Django's own reads refuse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

INBOX = reverse("inbox:mention-list")
LOGIN = reverse("login")


def test_a_signed_in_user_stays_signed_in_from_page_to_page(client_for, staff_member):
    client = client_for(None)
    client.post(LOGIN, {"username": staff_member.username, "password": PASSWORD})
    for _ in range(3):
        response = client.get(INBOX)
        assert response.status_code == 200
        assert response.wsgi_request.user == staff_member


def test_an_expired_session_signs_nobody_in(client_for, staff_member):
    client = client_for(staff_member)
    assert client.get(INBOX).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_session_that_was_logged_out_signs_nobody_in(client_for, staff_member):
    client = client_for(staff_member)
    stolen_cookie = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    thief = client_for(None)
    thief.cookies["sessionid"] = stolen_cookie
    assert thief.get(INBOX).status_code == 302


def test_a_deleted_user_is_signed_out(client_for, staff_member):
    client = client_for(staff_member)
    assert client.get(INBOX).status_code == 200
    staff_member.delete()
    assert client.get(INBOX).status_code == 302


def test_a_new_password_signs_out_the_other_sessions(client_for, staff_member):
    other_browser = client_for(staff_member)
    assert other_browser.get(INBOX).status_code == 200
    staff_member.set_password("een-heel-ander-wachtwoord-2026")
    staff_member.save()
    assert other_browser.get(INBOX).status_code == 302


def test_the_user_read_is_the_whole_user(client_for, staff_member):
    response = client_for(staff_member).get(INBOX)
    user = response.wsgi_request.user
    assert (user.pk, user.username, user.first_name, user.email, user.date_joined) == (
        staff_member.pk, staff_member.username, staff_member.first_name, staff_member.email, staff_member.date_joined,
    )  # fmt: skip
    assert user.groups.filter(name__isnull=False).exists()


def _session_end() -> timedelta:
    """How long the one stored session has left."""
    return Session.objects.get().expire_date - timezone.now()


def test_a_session_ends_after_twelve_idle_hours(client_for, staff_member):
    client = client_for(staff_member)
    client.get(INBOX)
    assert timedelta(hours=11, minutes=59) < _session_end() <= timedelta(hours=12)


def test_using_the_app_moves_the_end_of_the_session_on(client_for, staff_member):
    from webcare.sessions import REFRESH_SECONDS

    client = client_for(staff_member)
    client.get(INBOX)
    # As if the last request was a while ago: the session was last seen then and ends sooner.
    session = Session.objects.get()
    data = session.get_decoded()
    data["_seen_at"] -= REFRESH_SECONDS + 1
    session.session_data = Session.objects.encode(data)
    session.expire_date = timezone.now() + timedelta(hours=1)
    session.save()

    assert client.get(INBOX).status_code == 200

    assert _session_end() > timedelta(hours=11, minutes=59)


def test_a_request_soon_after_the_last_writes_nothing(client_for, staff_member):
    client = client_for(staff_member)
    client.get(INBOX)
    ended = Session.objects.get().expire_date

    client.get(INBOX)

    assert Session.objects.get().expire_date == ended


def test_a_partial_asked_for_without_a_session_sends_the_whole_page_to_sign_in(client_for):
    response = client_for(None).get(
        reverse("inbox:notification-badge"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/inbox/?q=zwemles"},
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == LOGIN + "?next=/inbox/%3Fq%3Dzwemles"
    assert "Inloggen" not in response.content.decode(), "the sign-in page is not swapped into the bell"


def test_a_partial_from_another_site_is_sent_back_to_itself(client_for):
    response = client_for(None).get(
        reverse("inbox:notification-badge"), headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/"}
    )

    assert response["HX-Redirect"] == LOGIN + "?next=/inbox/notifications/badge/"
