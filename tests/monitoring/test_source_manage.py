"""The board manages a source from its page: name, interval, address, pause and resume, retire and bring back."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from monitoring import selectors
from monitoring.models import FetchLog, Mention, Source, SourceEvent
from monitoring.services import sources
from monitoring.services.claims import sources_claim
from monitoring.services.poll import source_poll
from monitoring.tasks import sources_poll_due
from tests.conftest import sample
from tests.factories import MentionFactory, SourceFactory
from tests.feedserver import Reply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_language():
    """A request in English leaves English active in this thread; the next test starts in Dutch again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


ACTIONS = ("rename", "interval", "address", "pause", "resume", "retire", "restore")


def url(action: str, source: Source) -> str:
    return reverse(f"monitoring:source-{action}", args=[source.id])


@pytest.fixture
def forum(feed_server, organisation):
    feed = feed_server.serve("/forum.xml", Reply(sample("google_alerts.xml")))
    return SourceFactory(organisation=organisation, name="Buurtforum", url=feed, poll_interval_minutes=15)


def events(source: Source) -> list[tuple[str, str, str]]:
    return [(e.action, e.from_value, e.to_value) for e in SourceEvent.objects.filter(source=source).order_by("id")]


# Who may do what ------------------------------------------------------------------------------


def test_it_shows_the_source_page_to_staff_and_managers_without_management_forms(
    client_for, staff_member, manager, forum
):
    for user in (staff_member, manager):
        response = client_for(user).get(reverse("monitoring:source-detail", args=[forum.id]))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Buurtforum" in body
        for action in ACTIONS:
            assert url(action, forum) not in body


def test_it_shows_the_board_the_management_forms(client_for, board_member, forum):
    body = client_for(board_member).get(reverse("monitoring:source-detail", args=[forum.id])).content.decode()
    for action in ("rename", "interval", "address", "pause", "retire"):
        assert url(action, forum) in body
    assert url("resume", forum) not in body  # it is not paused
    assert url("restore", forum) not in body  # nor retired


@pytest.mark.parametrize("action", ACTIONS)
def test_it_refuses_every_change_to_staff_managers_and_people_without_a_role(
    client_for, staff_member, manager, no_role_user, forum, action
):
    for user in (staff_member, manager, no_role_user):
        assert client_for(user).post(url(action, forum), {"name": "Overgenomen"}).status_code == 403
    assert client_for(None).post(url(action, forum)).status_code == 302  # to the sign-in page
    forum.refresh_from_db()
    assert (forum.name, forum.is_active, forum.retired_at) == ("Buurtforum", True, None)
    assert not SourceEvent.objects.filter(source=forum).exists()


@pytest.mark.parametrize("action", ACTIONS)
def test_it_takes_changes_only_by_post(client_for, board_member, forum, action):
    assert client_for(board_member).get(url(action, forum)).status_code == 405


# Renaming and the interval ----------------------------------------------------------------------


def test_it_renames_a_source(client_for, board_member, forum):
    response = client_for(board_member).post(url("rename", forum), {"name": "  Forum   De Buurt "}, follow=True)
    forum.refresh_from_db()
    assert forum.name == "Forum De Buurt"
    assert "Forum De Buurt" in response.content.decode()
    event = SourceEvent.objects.get(source=forum, action="renamed")
    assert (event.from_value, event.to_value, event.actor) == ("Buurtforum", "Forum De Buurt", board_member)


def test_a_refused_name_comes_back_with_the_error_at_the_field(client_for, board_member, forum):
    response = client_for(board_member).post(url("rename", forum), {"name": "x" * 201})
    assert response.status_code == 200
    assert response.context["rename_form"].errors["name"]
    body = response.content.decode()
    assert 'value="' + "x" * 201 + '"' in body
    assert 'id="id_name-error"' in body or "field-error" in body
    forum.refresh_from_db()
    assert forum.name == "Buurtforum"


def test_it_changes_the_interval_and_brings_the_next_poll_forward(client_for, board_member, forum):
    now = timezone.now()
    Source.objects.filter(id=forum.id).update(last_polled_at=now, next_poll_at=now + timezone.timedelta(hours=6))
    response = client_for(board_member).post(url("interval", forum), {"poll_interval_minutes": "30"})
    assert response.status_code == 302
    forum.refresh_from_db()
    assert forum.poll_interval_minutes == 30
    assert forum.next_poll_at == now + timezone.timedelta(minutes=30)
    assert events(forum) == [("interval_changed", "15", "30")]


@pytest.mark.parametrize("minutes", ["0", "1441", "vijf", ""])
def test_an_interval_outside_the_range_is_refused_at_the_field(client_for, board_member, forum, minutes):
    response = client_for(board_member).post(url("interval", forum), {"poll_interval_minutes": minutes})
    assert response.status_code == 200
    assert response.context["interval_form"].errors["poll_interval_minutes"]
    assert f'value="{minutes}"' in response.content.decode() or not minutes
    forum.refresh_from_db()
    assert forum.poll_interval_minutes == 15
    assert events(forum) == []


def test_the_same_range_holds_when_adding_a_source(client_for, board_member, organisation, feed_server):
    feed = feed_server.serve("/alerts.xml", Reply(sample("google_alerts.xml")))
    data = {"kind": "google_alerts", "url": feed, "name": "", "save": "1"}
    refused = client_for(board_member).post(reverse("monitoring:source-add"), {**data, "poll_interval_minutes": "0"})
    assert refused.context["form"].errors["poll_interval_minutes"]
    client_for(board_member).post(reverse("monitoring:source-add"), {**data, "poll_interval_minutes": "60"})
    assert Source.objects.get(url=feed).poll_interval_minutes == 60


# The address ------------------------------------------------------------------------------------


def test_it_changes_the_address_after_checking_it_and_starts_afresh(client_for, board_member, forum, feed_server):
    Source.objects.filter(id=forum.id).update(
        etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT", consecutive_failures=3, last_error_code="timeout"
    )
    new = feed_server.serve("/nieuw.xml", Reply(sample("wordpress_posts.xml")))
    response = client_for(board_member).post(url("address", forum), {"url": new})
    assert response.status_code == 302
    forum.refresh_from_db()
    assert forum.url == new
    assert (forum.etag, forum.last_modified, forum.consecutive_failures, forum.last_error) == ("", "", 0, "")
    assert forum.next_poll_at is None  # due at the next tick
    assert [request.path for request in feed_server.requests] == ["/nieuw.xml"]  # fetched once to check it
    assert events(forum)[-1][0] == "address_changed"


def test_a_private_address_is_refused_when_changing_it_as_when_adding(client_for, board_member, forum, settings):
    settings.WEBCARE_FETCH_ALLOW_PRIVATE = []
    before = forum.url
    for address in ("http://127.0.0.1:8000/feed.xml", "http://169.254.169.254/latest/meta-data/"):
        response = client_for(board_member).post(url("address", forum), {"url": address})
        assert response.status_code == 200
        errors = response.context["address_form"].errors["url"]
        assert any("privénetwerk" in error for error in errors), errors
        assert f'value="{address}"' in response.content.decode()
    forum.refresh_from_db()
    assert forum.url == before
    assert events(forum) == []


def test_an_address_that_gives_no_feed_is_refused_at_the_field(client_for, board_member, forum, feed_server):
    page = feed_server.serve("/page.html", Reply(b"<html><body>Hallo</body></html>"))
    response = client_for(board_member).post(url("address", forum), {"url": page})
    assert response.status_code == 200
    assert response.context["address_form"].errors["url"]


def test_a_profile_page_becomes_its_feed_address_when_changing(client_for, board_member, organisation, feed_server):
    feed_server.serve("/@DPSsys.rss", Reply(sample("mastodon_account.xml")))
    source = SourceFactory(organisation=organisation, kind=Source.Kind.MASTODON, url=feed_server.url("/@old.rss"))
    client_for(board_member).post(url("address", source), {"url": feed_server.url("/@DPSsys")})
    source.refresh_from_db()
    assert source.url == feed_server.url("/@DPSsys.rss")


# Pausing, resuming, retiring -------------------------------------------------------------------


def test_the_board_pauses_and_resumes_a_source(client_for, board_member, forum):
    client = client_for(board_member)
    client.post(url("pause", forum))
    forum.refresh_from_db()
    assert not forum.is_active
    assert forum.paused_reason_code == "paused_by_board"
    assert forum.id not in selectors.source_ids_due(now=timezone.now())
    client.post(url("resume", forum), {"back": "source"})
    forum.refresh_from_db()
    assert forum.is_active
    assert forum.paused_reason == ""
    assert [action for action, *_ in events(forum)] == ["paused", "resumed"]


def test_resume_also_takes_back_a_source_paused_after_failures(forum, board_member):
    Source.objects.filter(id=forum.id).update(
        is_active=False, paused_reason_code="paused_after_failures", consecutive_failures=10
    )
    sources.source_resume(source_id=forum.id, actor=board_member)
    forum.refresh_from_db()
    assert (forum.is_active, forum.consecutive_failures, forum.paused_reason_code) == (True, 0, "")


def test_a_retired_source_is_never_polled_and_its_mentions_stay(client_for, board_member, forum, feed_server):
    mention = MentionFactory(source=forum, organisation=forum.organisation)
    response = client_for(board_member).post(url("retire", forum), follow=True)
    assert "stays in the inbox" in response.content.decode() or "blijft in de inbox" in response.content.decode()
    forum.refresh_from_db()
    assert forum.is_retired
    assert not forum.is_active
    # Even marked active and due by hand, neither beat nor "Poll now" nor a claim takes it.
    Source.objects.filter(id=forum.id).update(is_active=True, next_poll_at=None)
    assert forum.id not in selectors.source_ids_due(now=timezone.now())
    assert sources_poll_due() == 0
    assert source_poll(source_id=forum.id, force=True) is None
    assert sources_claim(source_ids=[forum.id], now=timezone.now(), force=True) == []
    assert feed_server.requests == []
    assert not FetchLog.objects.filter(source=forum).exists()
    assert Mention.objects.filter(id=mention.id).exists()
    inbox = client_for(board_member).get(reverse("inbox:mention-detail", args=[mention.id]))
    assert inbox.status_code == 200


def test_a_retired_source_is_listed_apart(client_for, board_member, forum, organisation):
    SourceFactory(organisation=organisation, name="Nieuwsbrief")
    sources.source_retire(source_id=forum.id, actor=board_member)
    response = client_for(board_member).get(reverse("monitoring:source-list"))
    assert [source.name for source in response.context["sources"]] == ["Nieuwsbrief"]
    assert [source.name for source in response.context["retired"]] == ["Buurtforum"]
    partial = client_for(board_member).get(reverse("monitoring:source-list"), headers={"HX-Request": "true"})
    assert "Buurtforum" not in partial.content.decode()


def test_a_retired_source_is_brought_back_and_polled_again(client_for, board_member, forum):
    sources.source_retire(source_id=forum.id, actor=board_member)
    body = client_for(board_member).get(reverse("monitoring:source-detail", args=[forum.id])).content.decode()
    assert url("restore", forum) in body
    assert url("pause", forum) not in body
    client_for(board_member).post(url("restore", forum))
    forum.refresh_from_db()
    assert (forum.is_retired, forum.is_active, forum.next_poll_at) == (False, True, None)
    assert forum.id in selectors.source_ids_due(now=timezone.now())
    assert [action for action, *_ in events(forum)] == ["retired", "restored"]


def test_a_retired_source_cannot_be_paused_or_resumed(client_for, board_member, forum):
    sources.source_retire(source_id=forum.id, actor=board_member)
    for action in ("pause", "resume"):
        response = client_for(board_member).post(url(action, forum))
        assert response.status_code == 302
    forum.refresh_from_db()
    assert forum.is_retired
    assert not forum.is_active
    assert [action for action, *_ in events(forum)] == ["retired"]


def test_each_change_is_listed_on_the_page_in_the_reader_s_language(client_for, board_member, forum):
    sources.source_rename(source_id=forum.id, name="Forum", actor=board_member)
    sources.source_interval_change(source_id=forum.id, minutes=60, actor=board_member)
    sources.source_pause(source_id=forum.id, actor=board_member)
    client = client_for(board_member)
    body = client.get(reverse("monitoring:source-detail", args=[forum.id])).content.decode()
    assert "Hernoemd" in body
    assert "15 → 60 minuten" in body
    assert "Gepauzeerd" in body
    client.post(reverse("set_language"), {"language": "en"})
    body = client.get(reverse("monitoring:source-detail", args=[forum.id])).content.decode()
    assert "Renamed" in body
    assert "15 → 60 minutes" in body
    assert "Paused by the board" in body


def test_every_action_code_has_a_label():
    from monitoring.models import SOURCE_ACTIONS

    written = {"created", "moved", "paused", "resumed", "renamed", "interval_changed", "address_changed"}
    assert written | {"retired", "restored"} <= set(SOURCE_ACTIONS)
    for code in SOURCE_ACTIONS:
        assert SourceEvent(action=code).action_label != code
    assert SourceEvent(action="unknown_later").action_label == "unknown_later"


# Nothing scrolls sideways ----------------------------------------------------------------------


def test_long_names_and_addresses_wrap_and_keep_their_full_text(client_for, board_member, organisation):
    long_url = "https://feeds.example.org/" + "a" * 300 + ".xml"
    source = SourceFactory(organisation=organisation, name="N" * 200, url=long_url)
    body = client_for(board_member).get(reverse("monitoring:source-detail", args=[source.id])).content.decode()
    assert f'title="{long_url}"' in body
    assert 'class="break"' in body
