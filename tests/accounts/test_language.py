"""The language a signed-in person chooses follows them into their next sessions."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
INBOX = reverse("inbox:mention-list")
SET_LANGUAGE = reverse("set_language")


def sign_in(client, user: User) -> None:
    assert client.post(LOGIN, {"username": user.username, "password": PASSWORD}).status_code == 302


def test_it_speaks_the_chosen_language_in_a_new_session(client_for, staff_member):
    client = client_for(None)
    sign_in(client, staff_member)
    client.post(SET_LANGUAGE, {"language": "en", "next": INBOX})
    client.post(reverse("logout"))

    fresh = client_for(None)
    assert 'lang="nl"' in fresh.get(LOGIN).content.decode(), "a new browser starts in Dutch"
    sign_in(fresh, staff_member)
    response = fresh.get(INBOX)
    assert 'lang="en"' in response.content.decode()
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en", "the sign-in page after signing out too"
    staff_member.refresh_from_db()
    assert staff_member.language == "en"


def test_a_new_choice_replaces_the_saved_one(client_for, staff_member):
    staff_member.language = "en"
    staff_member.save()
    client = client_for(staff_member)
    response = client.post(SET_LANGUAGE, {"language": "nl", "next": INBOX})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    assert 'lang="nl"' in client.get(INBOX).content.decode()
    staff_member.refresh_from_db()
    assert staff_member.language == "nl"


def test_the_sign_in_page_still_switches_for_a_visitor(client_for):
    client = client_for(None)
    response = client.post(SET_LANGUAGE, {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    assert 'lang="en"' in client.get(LOGIN).content.decode()


def test_a_person_who_never_chose_gets_dutch(client_for, staff_member):
    assert 'lang="nl"' in client_for(staff_member).get(INBOX).content.decode()
    staff_member.refresh_from_db()
    assert staff_member.language == ""


def test_an_unknown_language_is_not_saved(client_for, staff_member):
    client_for(staff_member).post(SET_LANGUAGE, {"language": "xx", "next": INBOX})
    staff_member.refresh_from_db()
    assert staff_member.language == ""
