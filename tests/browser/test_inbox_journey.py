"""A staff member's first journey, in a real Chromium against the real worker."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from monitoring.tasks import sources_poll_due
from tests.conftest import sample, sign_in
from tests.factories import SourceFactory, UserFactory
from tests.feedserver import Reply

pytestmark = [pytest.mark.browser, pytest.mark.worker]


def test_staff_signs_in_and_sees_mentions_the_worker_fetched_appear(page, celery_worker, feed_server, organisation):
    UserFactory(username="sam", role="staff")
    url = feed_server.serve("/alerts.xml", Reply(sample("google_alerts.xml"), headers={"ETag": '"1"'}))
    SourceFactory(organisation=organisation, name='Google Alert: "De Dolfijnen"', url=url)

    page.goto(page.live_server_url + "/inbox/")
    expect(page).to_have_url(re.compile(r"/account/login/\?next=/inbox/"))
    sign_in(page, "sam")

    expect(page.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
    expect(page.get_by_text("Nog geen vermeldingen")).to_be_visible()

    sources_poll_due.delay()

    # The empty inbox checks again by itself: no reload.
    first = page.get_by_role("link", name="Ouders boos: zwemles De Dolfijnen weer afgelast")
    expect(first).to_be_visible(timeout=30_000)
    expect(first).to_have_attribute("href", "https://www.buurtnieuws.example/2026/11/zwemles-afgelast")
    titles = page.locator(".mention-title").all_inner_texts()
    assert titles == [
        "Ouders boos: zwemles De Dolfijnen weer afgelast",
        "Recensie zwemvereniging De Dolfijnen: 1 ster",
        "Clubkampioenschappen De Dolfijnen met drie clubrecords",
    ]
    expect(page.locator(".mention").first).to_contain_text('Google Alert: "De Dolfijnen"')


def test_a_user_without_a_role_is_told_no(page, organisation):
    UserFactory(username="nora")
    sign_in(page, "nora")
    expect(page.get_by_role("heading", name="Geen toegang tot deze pagina")).to_be_visible()


def test_the_interface_switches_to_english_and_back(page, organisation):
    UserFactory(username="sam", role="staff")
    sign_in(page, "sam")
    page.locator(".usermenu summary").click()
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()
    expect(page.get_by_text("No mentions yet")).to_be_visible()
    page.locator(".usermenu summary").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
