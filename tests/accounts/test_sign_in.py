from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_is_in_dutch_by_default(client_for):
    body = client_for(None).get(reverse("login")).content.decode()
    assert '<html lang="nl">' in body
    assert "Inloggen" in body
    assert "Gebruikersnaam" in body


def test_a_staff_member_signs_in_and_lands_in_the_inbox(client_for, staff_member):
    response = client_for(None).post(reverse("login"), {"username": "sam-staff", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("inbox:mention-list")
    assert response.status_code == 200


def test_a_wrong_password_is_refused_with_a_message(client_for, staff_member):
    response = client_for(None).post(reverse("login"), {"username": "sam-staff", "password": "wrong"})
    assert response.status_code == 200
    assert "form-error" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_sign_in_needs_the_csrf_token(staff_member):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "sam-staff", "password": PASSWORD})
    assert response.status_code == 403


def test_logging_out_takes_a_post(client_for, staff_member):
    client = client_for(staff_member)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("inbox:mention-list")).status_code == 302


def test_a_user_changes_their_password(client_for, staff_member):
    client = client_for(staff_member)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "nieuw-Wachtwoord-77", "new_password2": "nieuw-Wachtwoord-77"},
    )
    assert response.status_code == 302
    staff_member.refresh_from_db()
    assert staff_member.check_password("nieuw-Wachtwoord-77")


def test_the_password_page_needs_a_sign_in(client_for):
    assert client_for(None).get(reverse("password_change")).status_code == 302


def test_the_language_can_be_switched_to_english(client_for, staff_member):
    client = client_for(staff_member)
    client.post(reverse("set_language"), {"language": "en", "next": "/inbox/"})
    body = client.get(reverse("inbox:mention-list")).content.decode()
    assert '<html lang="en">' in body
    assert "No new mentions" in body


def test_the_admin_is_not_open_to_staff(client_for, staff_member):
    response = client_for(staff_member).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_english_browser_still_gets_dutch_until_the_person_switches(client_for):
    body = client_for(None).get(reverse("login"), headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="nl">' in body


def test_pages_only_run_our_own_scripts(client_for):
    response = client_for(None).get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
