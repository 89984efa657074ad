"""The board adds a source and watches it work; staff add what they saw elsewhere by hand."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import sample, sign_in
from tests.factories import UserFactory
from tests.feedserver import Reply

pytestmark = [pytest.mark.browser, pytest.mark.worker]


def test_the_board_checks_and_adds_a_source_and_sees_it_polled(page, celery_worker, feed_server, organisation):
    UserFactory(username="bea", role="board")
    url = feed_server.serve("/alert.xml", Reply(sample("google_alerts.xml")))
    sign_in(page, "bea")

    page.get_by_role("link", name="Bronnen").click()
    expect(page.get_by_text("Nog geen bronnen")).to_be_visible()
    page.get_by_role("link", name="Bron toevoegen").first.click()
    page.get_by_label("Google Alerts").check()
    page.get_by_label("Adres van de feed of pagina").fill(url)
    page.get_by_role("button", name="Adres controleren").click()
    expect(page.get_by_role("status")).to_contain_text("3 berichten gevonden")

    page.get_by_role("button", name="Bron toevoegen").click()
    expect(page.get_by_text("is toegevoegd en wordt nu opgehaald")).to_be_visible()
    row = page.get_by_role("row", name='Google Alert - "De Dolfijnen"')
    # The table refreshes itself while the worker polls.
    expect(row.get_by_text("Werkt")).to_be_visible(timeout=30_000)
    expect(row.get_by_role("cell", name="3", exact=True)).to_be_visible()


def test_a_broken_address_is_explained_before_anything_is_saved(page, feed_server, organisation):
    UserFactory(username="bea", role="board")
    url = feed_server.serve("/gone.xml", Reply(b"", status=404))
    sign_in(page, "bea")
    page.goto(page.live_server_url + "/sources/add/")
    page.get_by_label("Adres van de feed of pagina").fill(url)
    page.get_by_role("button", name="Adres controleren").click()
    expect(page.get_by_text("De feed bestaat niet meer (HTTP 404).")).to_be_visible()
    page.goto(page.live_server_url + "/sources/")
    expect(page.get_by_text("Nog geen bronnen")).to_be_visible()


def test_staff_add_a_facebook_post_by_hand(page, organisation, signal_phrases):
    UserFactory(username="sam", role="staff")
    sign_in(page, "sam")
    page.get_by_role("link", name="Vermelding met de hand toevoegen").click()
    page.get_by_label("Link naar het bericht of de review").fill("https://www.facebook.com/dedolfijnen/posts/42")
    page.get_by_label("Wat er gezegd werd").fill("Nooit meer naar dit zwembad, waardeloos geregeld!")
    page.get_by_label("Wie het zei").fill("Petra de Vries")
    page.get_by_role("button", name="Aan de inbox toevoegen").click()

    expect(page.get_by_text("De vermelding is aan de inbox toegevoegd.")).to_be_visible()
    mention = page.locator("[data-mention-row]").first
    expect(mention).to_contain_text("Facebook")
    expect(mention).to_contain_text("Petra de Vries")
    expect(mention).to_contain_text("Lijkt op: Klacht")


def test_the_board_sets_watch_terms_and_reads_the_help_and_a_source_page(page, feed_server, organisation):
    from monitoring.services.poll import source_poll
    from tests.factories import SourceFactory

    UserFactory(username="bea", role="board")
    url = feed_server.serve("/forum.xml", Reply(sample("google_alerts.xml")))
    source = SourceFactory(organisation=organisation, name="Buurtforum", url=url)
    source_poll(source_id=source.id)
    sign_in(page, "bea")

    page.get_by_role("link", name="Bronnen").click()
    page.get_by_role("link", name="Zoekwoorden").click()
    page.get_by_label("Alleen berichten bewaren die noemen").fill('"De Dolfijnen", zwemclub')
    page.get_by_label("Berichten weglaten die noemen").fill("dolfijnenshow")
    page.get_by_role("button", name="Zoekwoorden opslaan").click()
    expect(page.get_by_text("De zoekwoorden zijn opgeslagen")).to_be_visible()

    page.get_by_role("link", name="Buurtforum").click()
    expect(page.get_by_role("heading", name="Recente keren ophalen")).to_be_visible()
    expect(page.get_by_role("cell", name="OK HTTP 200")).to_be_visible()

    page.locator(".usermenu summary").click()  # help sits in the menu under one's name
    page.get_by_role("link", name="Help").click()
    expect(page.get_by_role("heading", name="Een Google Alert instellen")).to_be_visible()
    expect(page.get_by_text("RSS-feed").first).to_be_visible()
