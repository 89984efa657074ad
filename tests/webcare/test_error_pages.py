"""The pages a visitor meets when something is not right: the product's own, in the visitor's language,
each with a way back to the inbox."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOME = f'href="{reverse("home")}"'


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_an_unknown_address_gets_the_product_s_page_in_every_mode(client_for, staff_member, settings, debug):
    settings.DEBUG = debug
    response = client_for(staff_member).get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in body
    assert HOME in body
    # Django's technical page would list every URL of the product.
    assert "URLconf" not in body
    assert "admin/" not in body


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_something_that_does_not_exist_gets_the_product_s_page_in_every_mode(client_for, staff_member, settings, debug):
    settings.DEBUG = debug
    response = client_for(staff_member).get(reverse("inbox:case-detail", args=[987654]))
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.content.decode()
    assert "Http404" not in response.content.decode()


def test_the_not_found_page_speaks_the_visitor_s_language(client_for, staff_member):
    client = client_for(staff_member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "This page does not exist" in client.get("/no-such-page/").content.decode()


def test_a_refused_page_says_why_and_leads_back(client_for, staff_member):
    response = client_for(staff_member).get(reverse("monitoring:source-list"))
    body = response.content.decode()
    assert response.status_code == 403
    assert "Geen toegang tot deze pagina" in body
    assert HOME in body


def test_a_refused_page_is_logged_once_without_a_traceback(client_for, staff_member, caplog):
    caplog.set_level(logging.INFO)
    client_for(staff_member).get(reverse("monitoring:source-list"))
    refusals = [r for r in caplog.records if "/sources/" in r.getMessage() and r.levelno >= logging.WARNING]
    assert len(refusals) == 1
    assert "Forbidden" in refusals[0].getMessage()
    # Formatted as the log handler will: one line.
    assert "Traceback" not in logging.Formatter().format(refusals[0])


def test_a_request_too_large_gets_the_product_s_400_page(client_for, staff_member, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = client_for(staff_member).post(
        reverse("inbox:mention-bulk"), {f"field{i}": "x" for i in range(20)}, HTTP_HX_REQUEST="false"
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Dit verzoek kon niet worden begrepen" in body
    assert HOME in body


def test_a_form_sent_without_its_security_token_says_what_to_do_and_that_nothing_was_saved(staff_member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_member)
    response = client.post(reverse("inbox:mention-note", args=[1]), {"text": "Gebeld met de ouder"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "Dit formulier kon niet worden verstuurd" in body
    assert "Er is niets opgeslagen" in body
    assert HOME in body
