"""The inbox in a real Chromium: filters and search, triage by keyboard and in bulk, live arrivals from the
real worker, presence between two people, the board's read-only view and the phone layout."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, cast

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page, Response, expect

from accounts.models import User
from inbox import presence as inbox_presence
from inbox.triage import facets
from inbox.triage.models import MentionEvent
from monitoring.models import Mention, Source
from monitoring.services.poll import source_poll
from monitoring.tasks import sources_poll as sources_poll_task
from tests.conftest import ROOT, browser_page, sample, sign_in
from tests.factories import MentionFactory, SourceFactory, UserFactory
from tests.feedserver import Reply

pytestmark = [pytest.mark.browser]

ROW = "[data-mention-row]"


@pytest.fixture(autouse=True)
def no_server_errors(page: Page) -> Iterator[None]:
    """A journey fails when any request the page makes, htmx's included, ends in a server error."""
    failures: list[str] = []

    def check(response: Response) -> None:
        if response.status >= 500:
            failures.append(f"{response.status} {response.url}")

    page.on("response", check)
    yield
    assert failures == [], f"The server failed: {failures}"


def _mentions(organisation: Any, *specs: tuple[str, str, str]) -> list[Mention]:
    """Mentions from (title, snippet, suggested category), newest first as given."""
    source = SourceFactory(organisation=organisation, name="Buurtforum")
    now = timezone.now()
    return [
        cast(
            Mention,
            MentionFactory(
                source=source,
                title=title,
                snippet=snippet,
                suggested_category=category,
                author=f"Schrijver {index}",
                published_at=now - timedelta(minutes=index + 1),
            ),
        )
        for index, (title, snippet, category) in enumerate(specs)
    ]


def _row(page: Page, mention: Mention) -> Any:
    return page.locator(f"#mention-row-{mention.id}")


# 1. Filter and search -----------------------------------------------------------------------------------


def test_staff_filter_by_a_facet_go_back_and_search(page, organisation):
    UserFactory(username="sam", role="staff")
    stemmed, literal, question, praise = _mentions(
        organisation,
        ("Weer een klacht over het zwembad", "De kleedkamers waren koud.", "complaint"),
        ("Veel klachten over de kantine", "Koffie op, tosti's koud.", "complaint"),
        ("Vraag over de zwemles", "Wanneer begint het nieuwe seizoen?", "question"),
        ("Mooie clubkampioenschappen", "Drie clubrecords gezwommen.", "praise"),
    )
    sign_in(page, "sam")
    expect(page.locator(ROW)).to_have_count(4)

    complaint = page.locator("#mention-facets [aria-labelledby=facet-category] a.facet-value").filter(has_text="Klacht")
    expect(complaint).to_have_attribute("aria-pressed", "false")
    expect(complaint.locator(".facet-count")).to_have_text("2")
    complaint.click()
    expect(page).to_have_url(re.compile(r"/inbox/\?.*category=complaint"))
    expect(page.locator(ROW)).to_have_count(2)
    expect(_row(page, stemmed)).to_be_visible()
    expect(_row(page, literal)).to_be_visible()
    expect(complaint).to_have_attribute("aria-pressed", "true")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/inbox/$"))
    expect(page.locator(ROW)).to_have_count(4)

    page.keyboard.press("/")
    expect(page.locator("#search-q")).to_be_focused()
    page.keyboard.type("klachten")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=klachten"))
    expect(_row(page, literal)).to_be_visible()
    expect(_row(page, question)).to_have_count(0)
    expect(_row(page, praise)).to_have_count(0)
    if connection.vendor == "postgresql":
        # Dutch stemming: "klachten" finds "klacht" too.
        expect(_row(page, stemmed)).to_be_visible()
        expect(page.locator(ROW)).to_have_count(2)
        # Best match first, or newest first at a click; the back button returns to best match.
        order = page.get_by_role("navigation", name="Volgorde van de resultaten")
        expect(order.get_by_role("link", name="Beste match eerst")).to_have_attribute("aria-current", "true")
        order.get_by_role("link", name="Nieuwste eerst").click()
        expect(page).to_have_url(re.compile(r"q=klachten.*sort=newest"))
        expect(order.get_by_role("link", name="Nieuwste eerst")).to_have_attribute("aria-current", "true")
        expect(page.locator(ROW).first).to_have_id(f"mention-row-{stemmed.id}")
        expect(page.locator(ROW).nth(1)).to_have_id(f"mention-row-{literal.id}")
        page.go_back()
        expect(page).not_to_have_url(re.compile(r"sort=newest"))
        expect(order.get_by_role("link", name="Beste match eerst")).to_have_attribute("aria-current", "true")
    else:
        # Elsewhere the search is a plain substring match.
        expect(page.locator(ROW)).to_have_count(1)


# 2. Triage with the keyboard alone ---------------------------------------------------------------------------


def test_staff_ignore_a_mention_with_the_keyboard_alone(page, organisation):
    UserFactory(username="sam", role="staff")
    first, second, third = _mentions(
        organisation,
        ("Zwembad open op tweede paasdag?", "Weet iemand dat?", "question"),
        ("Koop goedkope zonnebrillen", "Klik hier voor korting!!!", "other"),
        ("Clubblad verschenen", "Het nieuwe clubblad staat online.", "other"),
    )
    sign_in(page, "sam")
    expect(page.locator(ROW)).to_have_count(3)

    page.keyboard.press("j")
    expect(_row(page, first)).to_have_class(re.compile(r"\bis-current\b"))
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(_row(page, third)).to_have_class(re.compile(r"\bis-current\b"))
    page.keyboard.press("k")
    expect(_row(page, second)).to_have_class(re.compile(r"\bis-current\b"))
    expect(_row(page, third)).not_to_have_class(re.compile(r"\bis-current\b"))

    page.keyboard.press("o")
    expect(page).to_have_url(re.compile(rf"/inbox/m/{second.id}/"))
    expect(page.locator("#mention-detail .detail-title")).to_have_text("Koop goedkope zonnebrillen")

    page.keyboard.press("e")
    reason = page.locator("#triage-ignore")
    expect(reason).to_be_focused()
    page.keyboard.press("ArrowDown")  # the first reason: spam
    expect(reason).to_have_value("spam")
    page.keyboard.press("Enter")

    row = _row(page, second)
    expect(row).to_have_class(re.compile(r"\bstatus-ignored\b"))
    expect(row.locator(".status-badge")).to_have_text(re.compile(r"Genegeerd: spam", re.IGNORECASE))
    expect(page.locator("#mention-detail .event-ignore")).to_contain_text("Spam")
    expect(page.locator("#mention-detail [role=status]")).to_be_visible()
    # The counts follow the change by themselves.
    ignored = page.locator("#mention-facets [aria-labelledby=facet-status] a.facet-value").filter(has_text="Genegeerd")
    expect(ignored.locator(".facet-count")).to_have_text("1")
    second.refresh_from_db()
    assert (second.status, second.ignore_reason) == ("ignored", "spam")
    assert list(MentionEvent.objects.filter(mention=second).values_list("action", flat=True)) == ["ignore"]

    page.keyboard.press("?")
    shortcuts = page.locator("#shortcuts")
    expect(shortcuts).to_be_visible()
    page.keyboard.press("Escape")
    expect(shortcuts).to_be_hidden()


# 3. Bulk ignore and undo ---------------------------------------------------------------------------------------


def test_staff_ignore_three_mentions_at_once_and_undo(page, organisation):
    staff = cast(User, UserFactory(username="sam", role="staff"))
    mentions = _mentions(
        organisation,
        ("Dubbel 1", "Zelfde bericht.", "other"),
        ("Dubbel 2", "Zelfde bericht.", "other"),
        ("Dubbel 3", "Zelfde bericht.", "other"),
        ("Echte vraag over de contributie", "Hoe hoog is de contributie?", "question"),
    )
    chosen, kept = mentions[:3], mentions[3]
    sign_in(page, "sam")
    expect(page.locator(ROW)).to_have_count(4)
    bulk = page.locator("form#bulk-form")
    expect(bulk).to_be_hidden()

    # One with the keyboard, two by clicking their boxes.
    page.keyboard.press("j")
    page.keyboard.press("x")
    expect(bulk).to_be_visible()
    for mention in chosen[1:]:
        _row(page, mention).locator("[data-row-select]").check()
    expect(bulk.locator("[data-bulk-count]")).to_contain_text("3")

    bulk.locator("[data-bulk-action]").select_option("ignore")
    bulk.locator("select[data-bulk-for=ignore]").select_option("duplicate")
    bulk.locator("button[type=submit]").click()

    expect(page.locator(".messages")).to_contain_text("3 vermeldingen gewijzigd")
    expect(page.locator(ROW)).to_have_count(1)  # the New view no longer shows them
    expect(_row(page, kept)).to_be_visible()
    events = list(MentionEvent.objects.filter(actor=staff, action="ignore"))
    assert sorted(event.mention_id for event in events) == sorted(m.id for m in chosen)
    assert len({event.batch for event in events}) == 1
    assert set(Mention.objects.filter(id__in=[m.id for m in chosen]).values_list("status", "ignore_reason")) == {
        ("ignored", "duplicate")
    }

    page.locator(".messages button[data-undo]").click()
    expect(page.locator(".messages")).to_contain_text("Ongedaan gemaakt voor 3 vermeldingen")
    expect(page.locator(ROW)).to_have_count(4)
    assert set(Mention.objects.filter(id__in=[m.id for m in chosen]).values_list("status", "ignore_reason")) == {
        ("new", "")
    }


# 4. A mention the worker fetched appears by itself --------------------------------------------------------------

NEW_FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Buurtnieuws</title><link>https://buurt.example/</link>
<description>Nieuws uit de buurt</description>
<item><title>Kleedkamers bij De Dolfijnen weer koud</title><link>https://buurt.example/kleedkamers</link>
<guid>https://buurt.example/kleedkamers</guid><pubDate>%s</pubDate>
<description>Ouders klagen opnieuw over koude kleedkamers in het zwembad.</description></item>
</channel></rss>"""


@pytest.mark.worker
def test_a_mention_the_worker_fetches_appears_in_the_open_inbox(
    page, celery_worker, feed_server, organisation, signal_phrases
):
    UserFactory(username="sam", role="staff")
    forum = feed_server.serve("/forum.xml", Reply(sample("google_alerts.xml")))
    forum_source = cast(Source, SourceFactory(organisation=organisation, name="Forum", url=forum))
    source_poll(source_id=forum_source.id)
    news = cast(Source, SourceFactory(organisation=organisation, name="Buurtnieuws", url=feed_server.url("/news.xml")))
    sign_in(page, "sam")
    expect(page.locator(ROW)).to_have_count(3)
    page.evaluate("window.journeyMarker = 'not reloaded'")

    # An entry appears in a feed and the worker fetches it while the inbox is open.
    published = timezone.now().strftime("%a, %d %b %Y %H:%M:%S +0000").encode()
    feed_server.serve("/news.xml", Reply(NEW_FEED % published, headers={"Content-Type": "application/rss+xml"}))
    sources_poll_task.delay([news.id], True)

    arrived = page.locator(ROW).filter(has_text="Kleedkamers bij De Dolfijnen weer koud")
    expect(arrived).to_be_visible(timeout=25_000)
    expect(page.locator(ROW)).to_have_count(4)
    expect(page.locator(ROW).first).to_contain_text("Kleedkamers bij De Dolfijnen weer koud")
    new = page.locator("#mention-facets [aria-labelledby=facet-status] a.facet-value").filter(has_text="Nieuw")
    expect(new.locator(".facet-count")).to_have_text("4")
    assert page.evaluate("window.journeyMarker") == "not reloaded"
    assert Source.objects.get(id=news.id).last_entries_found == 1


def test_a_new_search_in_a_large_inbox_shows_counting_until_the_worker_has_counted(
    page, celery_worker, organisation, settings
):
    """An inbox that takes long to count: a search nobody made before is not counted while the page waits; the
    pane says it is counting, asks again by itself, and shows the worker's counts."""
    settings.INBOX_FACETS_INLINE_SECONDS = 0  # every count "takes long", without a million mentions
    UserFactory(username="sam", role="staff")
    _mentions(
        organisation,
        ("Veel klachten over de kantine", "Koffie op, tosti's koud.", "complaint"),
        ("Mooie clubkampioenschappen", "Drie clubrecords gezwommen.", "praise"),
    )
    panes: list[str] = []
    page.on(
        "response",
        lambda response: (
            panes.append(response.text()) if "/inbox/filters/" in response.url and "q=kantine" in response.url else None
        ),
    )
    sign_in(page, "sam")
    expect(page.locator(ROW)).to_have_count(2)
    expect(page.locator("#mention-facets .facet-count").first).to_be_visible()

    # Another selection is being counted in the background: the worker's count of this one waits its turn.
    assert cache.add(facets.REFRESHING_KEY, 1, timeout=60)
    page.locator("#search-q").fill("kantine")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=kantine"))
    expect(page.locator(ROW)).to_have_count(1)
    page.wait_for_timeout(3_000)  # the pane asks again meanwhile, still counting
    assert len(panes) >= 2
    assert all("Tellen…" in pane and 'id="facet-category"' not in pane for pane in panes)
    cache.delete(facets.REFRESHING_KEY)  # the worker's turn: its counts appear in the pane by themselves
    category = page.locator("#mention-facets [aria-labelledby=facet-category] a.facet-value").filter(has_text="Klacht")
    expect(category.locator(".facet-count")).to_have_text("1", timeout=20_000)
    assert 'id="facet-category"' in panes[-1]


# 5. Two people see each other ------------------------------------------------------------------------------------


def test_two_people_on_one_mention_see_each_other_and_who_is_replying(page, browser, live_server, organisation):
    UserFactory(username="sam", first_name="Sam", role="staff")
    UserFactory(username="max", first_name="Max", role="manager")
    (mention,) = _mentions(organisation, ("Waarom is het bad dicht?", "Niemand laat iets weten.", "complaint"))
    detail = f"/inbox/m/{mention.id}/"

    with browser_page(
        browser, live_server, "test_two_people_on_one_mention_see_each_other_and_who_is_replying-max"
    ) as other:
        sign_in(other, "max")
        sign_in(page, "sam")
        reports: list[str] = []
        page.on("request", lambda request: reports.extend([request.url] if "/presence/" in request.url else []))

        other.goto(live_server.url + detail)
        expect(other.locator("#mention-detail .detail-title")).to_have_text("Waarom is het bad dicht?")
        page.goto(live_server.url + detail)
        # Sam sees Max at once; Max sees Sam on his next heartbeat.
        expect(page.locator("#mention-presence")).to_contain_text("Max kijkt mee")
        heartbeat = (inbox_presence.HEARTBEAT + 5) * 1000
        expect(other.locator("#mention-presence")).to_contain_text("Sam kijkt mee", timeout=heartbeat)

        # A note is no reply: it is named as what it is, without a warning.
        other.locator("#triage-note").focus()
        expect(page.locator("#mention-presence")).to_contain_text("Max schrijft een notitie", timeout=heartbeat)
        expect(page.locator("#mention-presence").get_by_role("alert")).to_have_count(0)
        expect(other.locator("#mention-presence").get_by_role("alert")).to_have_count(0)
        # A pane reports when it opens and then once a heartbeat: never in a loop.
        assert len(reports) <= 4, f"{len(reports)} presence reports in one journey"


# The board and the phone ------------------------------------------------------------------------------------------


def test_the_board_reads_the_inbox_but_cannot_triage(page, organisation):
    UserFactory(username="bea", role="board")
    mention, _other = _mentions(
        organisation,
        ("Klacht over de parkeerplaats", "Altijd vol.", "complaint"),
        ("Compliment voor de trainers", "Top geregeld.", "praise"),
    )
    sign_in(page, "bea")
    expect(page.locator(ROW)).to_have_count(2)
    expect(page.locator("[data-row-select]")).to_have_count(0)
    expect(page.locator("form#bulk-form")).to_have_count(0)

    _row(page, mention).locator("[data-row-link]").click()
    expect(page).to_have_url(re.compile(rf"/inbox/m/{mention.id}/"))
    expect(page.locator("#mention-detail .detail-title")).to_have_text("Klacht over de parkeerplaats")
    expect(page.locator("#mention-detail form")).to_have_count(0)
    expect(page.locator("#mention-detail textarea, #mention-detail select")).to_have_count(0)


def test_on_a_phone_the_list_opens_a_mention_and_leads_back(page, organisation):
    UserFactory(username="sam", role="staff")
    mention, _other = _mentions(
        organisation,
        ("Zwemles afgelast zonder bericht", "Weer niets gehoord.", "complaint"),
        ("Nieuwe badmeester", "Welkom!", "praise"),
    )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "sam")
    expect(page.locator(ROW)).to_have_count(2)
    expect(page.locator("#mention-detail")).to_be_hidden()

    _row(page, mention).locator("[data-row-link]").click()
    expect(page).to_have_url(re.compile(rf"/inbox/m/{mention.id}/"))
    expect(page.locator("#mention-detail .detail-title")).to_be_visible()
    expect(page.locator("#mention-list")).to_be_hidden()
    back = page.locator("#mention-detail .detail-back")
    expect(back).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=str(ROOT / "test-artifacts" / "test_on_a_phone_the_detail.png"), full_page=True)

    back.click()
    expect(page).to_have_url(re.compile(r"/inbox/(\?.*)?$"))
    expect(page.locator(ROW)).to_have_count(2)
    expect(page.locator("#mention-detail")).to_be_hidden()


def test_a_user_without_a_role_is_told_no(page, organisation):
    UserFactory(username="nora")
    sign_in(page, "nora")
    expect(page.get_by_role("heading", name="Geen toegang tot deze pagina")).to_be_visible()


def test_the_interface_switches_to_english_and_back(page, organisation):
    UserFactory(username="sam", role="staff")
    sign_in(page, "sam")
    page.locator(".usermenu summary").click()
    page.locator(".usermenu").get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()
    expect(page.get_by_role("heading", name="No new mentions")).to_be_visible()
    page.locator(".usermenu summary").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
