"""The board answers a person who asks to be forgotten: finds them, looks at what erasing takes, erases them; the
privacy statement is public."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from monitoring.models import Mention
from tests.conftest import sign_in
from tests.factories import MentionFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.browser


def test_the_board_finds_a_person_and_erases_them_after_confirming(page, organisation):
    UserFactory(username="bea", role="board", organisation=organisation)
    source = SourceFactory(organisation=organisation, name="Ouderforum")
    jan = MentionFactory(source=source, author="@jan_devries", title="Zwemles weer afgelast")
    piet = MentionFactory(source=source, author="@piet", title="Mooi toernooi")
    sign_in(page, "bea")

    page.get_by_role("link", name="Privacy").click()
    page.get_by_role("link", name="Iemand opzoeken").click()
    page.get_by_role("searchbox").fill("jan")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_label("@jan_devries").check()
    page.get_by_role("button", name="Wissen…").click()

    # First what erasing takes; nothing has changed yet.
    expect(page.get_by_role("heading", name="Een persoon wissen")).to_be_visible()
    assert Mention.objects.get(id=jan.id).anonymised_at is None
    page.get_by_role("button", name="Deze persoon wissen").click()

    expect(page.locator(".message-success")).to_contain_text("Gewist: 1 vermelding geanonimiseerd")
    jan.refresh_from_db()
    piet.refresh_from_db()
    assert jan.anonymised_at is not None
    assert jan.author.startswith("Klager ")
    assert (piet.author, piet.anonymised_at) == ("@piet", None)


def test_the_privacy_statement_is_public(page, organisation):
    page.goto(page.live_server_url + "/privacy/")

    expect(page.get_by_text(organisation.name).first).to_be_visible()
    expect(page.get_by_role("link", name="Inloggen")).to_have_count(0)
