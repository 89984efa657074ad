"""Pieces of pages kept rendered (``{% keep %}``, webcare/kept.py): what differs per request or per person
is never served from another request or person."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("inbox:mention-list")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="(\w+)"')


def header(client: Client, path: str = INBOX) -> str:
    body = client.get(path).content.decode()
    return body.split("<header", 1)[1].split("</header>", 1)[0]


def test_every_page_has_a_token_of_its_own_that_the_server_accepts(staff_member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_member)
    first = client.get(INBOX).content.decode()
    second = client.get(INBOX).content.decode()
    tokens = TOKEN.findall(second)
    assert tokens
    assert len(set(tokens)) == 1
    assert f'"X-CSRFToken": "{tokens[0]}"' in second
    assert tokens[0] not in first  # masked anew for every response, as Django does
    response = client.post(reverse("set_language"), {"language": "en", "next": INBOX, "csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302
    assert client.post(reverse("logout"), {"csrfmiddlewaretoken": "x" * 64}).status_code == 403


def test_the_header_shows_each_person_their_own_name(client_for, staff_member):
    colleague = UserFactory(username="kim-collega", first_name="Kim", last_name="Collega", role=Role.STAFF)
    mine = header(client_for(staff_member))
    assert "sam-staff" in mine
    assert "Kim" not in mine
    theirs = header(client_for(colleague))
    assert "Kim Collega" in theirs
    assert "kim-collega" in theirs
    assert "sam-staff" not in theirs


def test_the_header_shows_a_new_name_at_once(client_for, staff_member):
    client = client_for(staff_member)
    assert '<span class="usermenu-name">sam-staff</span>' in header(client)
    staff_member.first_name, staff_member.last_name = "Samira", "Staal"
    staff_member.save()
    assert '<span class="usermenu-name">Samira Staal</span>' in header(client)


def test_the_language_switch_returns_to_the_page_it_was_on(client_for, staff_member):
    client = client_for(staff_member)
    assert 'name="next" value="/inbox/?view=all"' in header(client, INBOX + "?view=all")
    assert 'name="next" value="/inbox/?q=klacht&amp;sort=newest"' in header(client, INBOX + "?q=klacht&sort=newest")


def test_the_main_menu_follows_the_page(client_for, staff_member):
    inbox = header(client_for(staff_member))
    assert re.search(r'<a href="/inbox/" aria-current="page">', inbox)
    cases = header(client_for(staff_member), reverse("inbox:case-list"))
    assert re.search(r'<a href="/inbox/cases/" aria-current="page">', cases)
    assert not re.search(r'<a href="/inbox/" aria-current="page">', cases)
