"""The team in a real Chromium: the board appoints the owner and the deputy and records the owner's absence,
staff see who answers now, and a new complaint lands with the deputy, whose mailbox (a real SMTP server on
loopback) holds the e-mail whose link opens the case."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import cast

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from inbox.cases.models import Case
from tests.conftest import browser_page, sign_in
from tests.factories import MentionFactory, SourceFactory, UserFactory

pytestmark = [pytest.mark.browser]

CASE_LINK = re.compile(r"https?://\S+/inbox/cases/(\d+)/")


def test_a_complaint_reaches_the_deputy_while_the_owner_is_away(
    page, browser, live_server, organisation, mailbox, eager_tasks, settings
):
    settings.WEBCARE_BASE_URL = live_server.url
    settings.WEBCARE_MAIL_DELAY_SECONDS = 0
    UserFactory(username="bea", first_name="Bea", role="board")
    sam = cast(User, UserFactory(username="sam", first_name="Sam", last_name="de Vries", role="staff"))
    dirk = cast(
        User,
        UserFactory(
            username="dirk", first_name="Dirk", last_name="Bakker", role="staff", email="dirk@dolfijnen.example"
        ),
    )
    UserFactory(username="kim", first_name="Kim", last_name="Smit", role="staff")
    mention = MentionFactory(
        source=SourceFactory(organisation=organisation, name="Buurtforum"),
        title="Zwembad weer dicht zonder bericht",
        suggested_category="complaint",
        published_at=timezone.now() - timedelta(minutes=30),
    )

    # The board appoints Sam and Dirk, then records that Sam is away today.
    sign_in(page, "bea")
    page.goto(f"{page.live_server_url}/inbox/team/")
    roster = page.locator("form[action$='/team/roster/']")
    roster.locator("select[name=roster-owner]").select_option(str(sam.id))
    roster.locator("select[name=roster-deputy]").select_option(str(dirk.id))
    roster.locator("button[type=submit]").click()
    expect(page.locator("p.responsible strong")).to_have_text("Sam de Vries")
    today = timezone.localdate().isoformat()
    away = page.locator("form.absence-form")
    away.locator("select[name=absence-person]").select_option(str(sam.id))
    away.locator("input[name=absence-starts_on]").fill(today)
    away.locator("input[name=absence-ends_on]").fill(today)
    away.locator("button[type=submit]").click()
    expect(page.locator("p.responsible strong")).to_have_text("Dirk Bakker")
    expect(page.locator("p.responsible")).to_contain_text("Sam de Vries")  # in place of whom

    # Kim sees who answers now, and opens a case from the complaint: it goes to Dirk, not to Kim.
    with browser_page(browser, live_server, "team_journey_staff") as kim:
        sign_in(kim, "kim")
        kim.goto(f"{kim.live_server_url}/inbox/m/{mention.id}/")
        expect(kim.locator("p.responsible strong")).to_have_text("Dirk Bakker")
        kim.locator("#mention-detail form:has(#triage-case) button[type=submit]").click()
        expect(kim.locator("#mention-detail a[href*='/inbox/cases/']")).to_contain_text("#")
    case = Case.objects.get()
    assert case.assignee == dirk

    # Dirk's mailbox holds the new complaint, with a link that opens the case.
    received = mailbox.to("dirk@dolfijnen.example")
    assert len(received) == 1, [message["Subject"] for message in mailbox.messages]
    body = received[0].get_body(preferencelist=("plain",))
    assert body is not None
    link = CASE_LINK.search(body.get_content())
    assert link is not None, body.get_content()
    assert int(link.group(1)) == case.id
    assert mailbox.to(sam.email) == []  # the owner is away: nothing for him
    with browser_page(browser, live_server, "team_journey_deputy") as deputy:
        sign_in(deputy, "dirk")
        deputy.goto(link.group(0))
        expect(deputy.get_by_role("heading", level=1)).to_contain_text("Zwembad weer dicht zonder bericht")
        expect(deputy.locator("body")).to_contain_text("Dirk Bakker")
