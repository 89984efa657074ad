"""The board manages a source from its page: renames it, changes how often it is polled, pauses and
resumes it, and retires it; each result shows on the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from monitoring.models import Source
from tests.conftest import sample, sign_in
from tests.factories import SourceFactory, UserFactory
from tests.feedserver import Reply

pytestmark = pytest.mark.browser


@pytest.fixture
def eager_tasks():
    """A queued poll runs at once, in the live server's thread: no worker needed, nothing left queued."""
    from webcare.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_the_board_renames_reschedules_pauses_resumes_and_retires_a_source(
    page, feed_server, organisation, eager_tasks
):
    UserFactory(username="bea", role="board")
    url = feed_server.serve("/forum.xml", Reply(sample("google_alerts.xml")))
    source = SourceFactory(organisation=organisation, name="Buurtforum", url=url, poll_interval_minutes=15)
    sign_in(page, "bea")
    page.goto(f"{page.live_server_url}/sources/{source.id}/")

    page.get_by_label("Naam", exact=True).fill("Forum De Buurt")
    page.get_by_role("button", name="Naam wijzigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forum De Buurt")
    expect(page.get_by_text("De bron heet nu “Forum De Buurt”.")).to_be_visible()

    page.get_by_label("Ophalen elke (minuten)").fill("60")
    page.get_by_role("button", name="Interval wijzigen").click()
    expect(page.get_by_text("wordt nu elke 60 minuten opgehaald")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("60 minuten")

    page.get_by_role("button", name="Pauzeren").click()
    expect(page.get_by_text("“Forum De Buurt” is gepauzeerd.")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Gepauzeerd door het bestuur")).to_be_visible()
    page.get_by_role("button", name="Weer aanzetten").click()
    expect(page.get_by_text("is weer actief en wordt nu opgehaald")).to_be_visible()
    expect(page.get_by_role("button", name="Pauzeren")).to_be_visible()

    page.get_by_role("button", name="Buiten gebruik stellen").click()
    expect(page.get_by_text("Buiten gebruik sinds")).to_be_visible()
    expect(page.get_by_role("button", name="Weer in gebruik nemen")).to_be_visible()
    expect(page.get_by_role("button", name="Pauzeren")).to_have_count(0)
    history = page.locator(".source-history")
    for label in ("Hernoemd", "Ophaalinterval gewijzigd", "Gepauzeerd", "Weer aangezet", "Buiten gebruik gesteld"):
        expect(history).to_contain_text(label)

    page.get_by_role("link", name="Alle bronnen").click()
    expect(page.get_by_role("heading", name="Bronnen buiten gebruik")).to_be_visible()
    expect(page.locator(".retired-list")).to_contain_text("Forum De Buurt")
    source.refresh_from_db()
    assert (source.name, source.poll_interval_minutes, source.is_retired) == ("Forum De Buurt", 60, True)
    assert Source.objects.get(id=source.id).mentions.count() == 3  # what it found before retiring stays
