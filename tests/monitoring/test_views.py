from __future__ import annotations

import pytest
from django.urls import reverse

from monitoring.models import Mention, Source, SourceEvent
from tests.conftest import sample
from tests.factories import MentionFactory, SourceFactory
from tests.feedserver import Reply

pytestmark = pytest.mark.django_db

SOURCES = reverse("monitoring:source-list")
ADD = reverse("monitoring:source-add")
QUICK_ADD = reverse("monitoring:mention-quick-add")


@pytest.fixture
def eager_tasks():
    """Queued tasks run at once in this process, so a test sees what the worker would do."""
    from webcare.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def alert(feed_server, organisation):
    url = feed_server.serve("/alerts.xml", Reply(sample("google_alerts.xml")))
    return SourceFactory(organisation=organisation, name="Alert De Dolfijnen", kind=Source.Kind.GOOGLE_ALERTS, url=url)


# Source health -------------------------------------------------------------------------------


def test_source_health_is_for_the_board(client_for, board_member, staff_member, manager, no_role_user, alert):
    assert client_for(None).get(SOURCES).status_code == 302
    for user in (staff_member, manager, no_role_user):
        assert client_for(user).get(SOURCES).status_code == 403
    response = client_for(board_member).get(SOURCES)
    assert response.status_code == 200
    assert "Alert De Dolfijnen" in response.content.decode()


def test_source_health_shows_a_failing_source_in_plain_words(client_for, board_member, organisation):
    SourceFactory(organisation=organisation, name="Forum", consecutive_failures=3, last_error_code="timeout")
    body = client_for(board_member).get(SOURCES).content.decode()
    assert "Werkt niet (3 keer)" in body
    assert "De site antwoordde niet op tijd." in body


def test_source_health_refreshes_its_table_with_htmx(client_for, board_member, alert):
    body = client_for(board_member).get(SOURCES, headers={"HX-Request": "true"}).content.decode()
    assert body.lstrip().startswith('<section id="source-table"')
    assert "<html" not in body


def test_poll_now_fetches_the_source(client_for, board_member, alert, eager_tasks):
    response = client_for(board_member).post(reverse("monitoring:source-poll", args=[alert.id]))
    assert response.status_code == 302
    assert Mention.objects.count() == 3


def test_poll_now_takes_a_post_from_the_board_only(client_for, board_member, staff_member, alert):
    url = reverse("monitoring:source-poll", args=[alert.id])
    assert client_for(board_member).get(url).status_code == 405
    assert client_for(staff_member).post(url).status_code == 403


def test_a_paused_source_can_be_resumed(client_for, board_member, alert, eager_tasks):
    Source.objects.filter(id=alert.id).update(
        is_active=False, paused_reason_code="paused_by_board", consecutive_failures=10
    )
    client_for(board_member).post(reverse("monitoring:source-resume", args=[alert.id]))
    alert.refresh_from_db()
    assert alert.is_active
    assert Mention.objects.count() == 3


def test_the_source_page_lists_recent_polls(client_for, board_member, alert):
    from monitoring.services.poll import source_poll

    source_poll(source_id=alert.id)
    body = client_for(board_member).get(reverse("monitoring:source-detail", args=[alert.id])).content.decode()
    assert "Recente keren ophalen" in body
    assert "HTTP 200" in body


# Adding a source ----------------------------------------------------------------------------------


def test_checking_an_address_shows_what_it_holds_and_saves_nothing(client_for, board_member, feed_server, organisation):
    url = feed_server.serve("/feed.xml", Reply(sample("google_alerts.xml")))
    response = client_for(board_member).post(
        ADD, {"kind": "google_alerts", "url": url, "name": "", "check": "1"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="source-check"')
    assert "3 berichten gevonden in “Google Alert - &quot;De Dolfijnen&quot;”" in body
    assert not Source.objects.exists()


def test_checking_a_feed_with_an_impossible_date_shows_what_it_holds(client_for, board_member, feed_server):
    feed = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Forum</title>'
        b"<entry><id>1</id><title>Oud</title><published>0001-01-01T00:10:00+01:00</published></entry></feed>"
    )
    url = feed_server.serve("/feed.xml", Reply(feed))
    response = client_for(board_member).post(ADD, {"kind": "feed", "url": url, "name": "", "check": "1"})
    assert response.status_code == 200
    assert "1 bericht gevonden in “Forum”" in response.content.decode()


def test_adding_a_source_saves_it_and_polls_it(client_for, board_member, feed_server, organisation, eager_tasks):
    url = feed_server.serve("/feed.xml", Reply(sample("google_alerts.xml")))
    response = client_for(board_member).post(ADD, {"kind": "google_alerts", "url": url, "name": "", "save": "1"})
    assert response.status_code == 302
    source = Source.objects.get()
    assert source.name == 'Google Alert - "De Dolfijnen"'
    assert SourceEvent.objects.get(source=source).actor == board_member
    assert Mention.objects.count() == 3


def test_an_address_that_is_no_feed_is_refused_in_plain_words(client_for, board_member, feed_server, organisation):
    url = feed_server.serve("/page", Reply(b"<html><body>Welkom</body></html>"))
    response = client_for(board_member).post(ADD, {"kind": "feed", "url": url, "name": "", "save": "1"})
    assert response.status_code == 200
    assert "Het adres gaf geen feed die we kunnen lezen." in response.content.decode()
    assert not Source.objects.exists()


def test_only_the_board_adds_sources(client_for, staff_member):
    assert client_for(staff_member).get(ADD).status_code == 403
    assert client_for(staff_member).post(ADD, {"kind": "feed", "url": "https://a.example/"}).status_code == 403


# Quick add ---------------------------------------------------------------------------------------------


def test_staff_add_a_mention_by_hand(client_for, staff_member, organisation):
    response = client_for(staff_member).post(
        QUICK_ADD,
        {"url": "https://www.instagram.com/p/Cx1/", "text": "Wat een slechte service", "author": "@petra"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("inbox:mention-list")
    assert "De vermelding is aan de inbox toegevoegd." in response.content.decode()
    mention = Mention.objects.get()
    assert (mention.platform, mention.author, mention.added_by) == ("instagram", "@petra", staff_member)


def test_adding_a_known_link_by_hand_says_so_and_adds_nothing(client_for, staff_member, organisation):
    MentionFactory(source=SourceFactory(organisation=organisation), url="https://x.com/a/status/1")
    response = client_for(staff_member).post(
        QUICK_ADD, {"url": "https://x.com/a/status/1?utm_source=share", "text": "Hallo"}, follow=True
    )
    assert "stond al in de inbox" in response.content.decode()
    assert Mention.objects.count() == 1


def test_quick_add_needs_a_link_and_text(client_for, staff_member, organisation):
    response = client_for(staff_member).post(QUICK_ADD, {"url": "niet een link", "text": ""})
    assert response.status_code == 200
    assert response.content.decode().count('class="field-error"') == 2
    assert not Mention.objects.exists()


def test_quick_add_refuses_a_link_that_is_not_a_web_address_at_the_field(client_for, staff_member, organisation):
    response = client_for(staff_member).post(QUICK_ADD, {"url": "ftp://example.org/post", "text": "Slechte service"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"url"}
    assert 'value="ftp://example.org/post"' in response.content.decode()
    assert not Mention.objects.exists()


@pytest.mark.parametrize("published_at", ["0001-01-01T00:00", "1989-12-31T23:59", "2999-01-01T00:00"])
def test_quick_add_refuses_a_date_out_of_range_at_the_field_and_keeps_what_was_typed(
    client_for, staff_member, organisation, published_at
):
    client = client_for(staff_member)
    response = client.post(
        QUICK_ADD, {"url": "https://www.instagram.com/p/Cx1/", "text": "Slechte service", "published_at": published_at}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"published_at"}
    body = response.content.decode()
    assert 'id="id_published_at-error"' in body
    assert f'value="{published_at}"' in body
    assert "Slechte service</textarea>" in body
    assert not Mention.objects.exists()
    assert client.get(reverse("inbox:mention-list")).status_code == 200


def test_quick_add_takes_a_date_in_range(client_for, staff_member, organisation):
    client_for(staff_member).post(
        QUICK_ADD, {"url": "https://www.instagram.com/p/Cx1/", "text": "Hallo", "published_at": "1990-01-02T08:00"}
    )
    assert Mention.objects.get().published_at.year == 1990


def test_quick_add_is_not_for_users_without_a_role(client_for, no_role_user, board_member):
    assert client_for(no_role_user).get(QUICK_ADD).status_code == 403
    assert client_for(board_member).get(QUICK_ADD).status_code == 403


# Help ------------------------------------------------------------------------------------------------


def test_the_google_alerts_help_explains_the_rss_feed_in_dutch_and_english(client_for, staff_member):
    client = client_for(staff_member)
    body = client.get(reverse("monitoring:help-google-alerts")).content.decode()
    assert "RSS-feed" in body
    client.post(reverse("set_language"), {"language": "en"})
    body = client.get(reverse("monitoring:help-google-alerts")).content.decode()
    assert "RSS feed" in body
    assert client_for(None).get(reverse("monitoring:help-google-alerts")).status_code == 302


def test_the_board_sets_the_watch_terms(client_for, board_member, staff_member, organisation):
    url = reverse("monitoring:watch-terms")
    assert client_for(staff_member).get(url).status_code == 403
    client = client_for(board_member)
    response = client.post(url, {"include": '"De Dolfijnen", zwemclub', "exclude": "dolfijnenshow"})
    assert response.status_code == 302
    terms = organisation.watch_terms
    assert (terms.include, terms.exclude) == ('"De Dolfijnen", zwemclub', "dolfijnenshow")
    assert '"De Dolfijnen", zwemclub' in client.get(url).content.decode().replace("&quot;", '"')


@pytest.fixture
def broker_down():
    """The task queue (Redis or the broker folder) cannot be reached."""
    from webcare.celery import app

    saved = app.conf.broker_url, app.conf.broker_transport_options, app._pool, app.amqp._producer_pool
    app.conf.broker_url, app.conf.broker_transport_options = "redis://127.0.0.1:1/0", {}
    app._pool = app.amqp._producer_pool = None  # the next task opens a new connection to the address above
    yield
    app.conf.broker_url, app.conf.broker_transport_options, app._pool, app.amqp._producer_pool = saved


def test_poll_now_with_the_queue_down_says_so_and_keeps_the_source_due(client_for, board_member, alert, broker_down):
    response = client_for(board_member).post(reverse("monitoring:source-poll", args=[alert.id]), follow=True)
    assert response.status_code == 200
    assert "kan de takenwachtrij nu niet bereiken" in response.content.decode()
    alert.refresh_from_db()
    assert alert.is_active
    assert alert.next_poll_at is None


def test_adding_a_source_with_the_queue_down_still_saves_it(
    client_for, board_member, feed_server, organisation, broker_down
):
    url = feed_server.serve("/feed.xml", Reply(sample("google_alerts.xml")))
    response = client_for(board_member).post(ADD, {"kind": "feed", "url": url, "name": "", "save": "1"}, follow=True)
    assert "kan de takenwachtrij nu niet bereiken" in response.content.decode()
    assert Source.objects.get().url == url
