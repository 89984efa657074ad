from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from monitoring.models import Mention, Source, SourceEvent
from monitoring.services import source_claim, source_create, source_poll
from tests.conftest import sample
from tests.factories import SourceFactory
from tests.feedserver import Reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts_source(feed_server, organisation):
    def conditional(request):
        if request.headers.get("If-None-Match") == '"alerts-1"':
            return Reply(status=304, headers={"ETag": '"alerts-1"'})
        return Reply(sample("google_alerts.xml"), headers={"ETag": '"alerts-1"'})

    url = feed_server.serve("/alerts.xml", conditional)
    return SourceFactory(organisation=organisation, kind=Source.Kind.GOOGLE_ALERTS, url=url)


def test_a_poll_stores_each_entry_as_a_mention(alerts_source):
    outcome = source_poll(source_id=alerts_source.id)

    assert (outcome.found, outcome.new, outcome.duplicates, outcome.error) == (3, 3, 0, "")
    titles = list(Mention.objects.order_by("-published_at").values_list("title", flat=True))
    assert titles == [
        "Ouders boos: zwemles De Dolfijnen weer afgelast",
        "Recensie zwemvereniging De Dolfijnen: 1 ster",
        "Clubkampioenschappen De Dolfijnen met drie clubrecords",
    ]
    alerts_source.refresh_from_db()
    assert alerts_source.last_status == 200
    assert alerts_source.last_success_at is not None
    assert alerts_source.etag == '"alerts-1"'


def test_polling_the_same_feed_twice_adds_nothing(alerts_source, feed_server):
    source_poll(source_id=alerts_source.id)
    second = source_poll(source_id=alerts_source.id, force=True)

    assert second.is_not_modified
    assert Mention.objects.count() == 3
    assert feed_server.requests[-1].headers["If-None-Match"] == '"alerts-1"'


def test_an_unchanged_feed_without_validators_adds_no_duplicates(feed_server, organisation):
    url = feed_server.serve("/plain.xml", Reply(sample("google_alerts.xml")))
    source = SourceFactory(organisation=organisation, url=url)
    source_poll(source_id=source.id)
    again = source_poll(source_id=source.id, force=True)

    assert (again.new, again.duplicates) == (0, 3)
    assert Mention.objects.count() == 3


def test_a_failed_fetch_is_recorded_in_plain_words_and_changes_no_mention(alerts_source, feed_server):
    source_poll(source_id=alerts_source.id)
    feed_server.serve("/alerts.xml", Reply(b"gone", status=410))

    outcome = source_poll(source_id=alerts_source.id, force=True)

    assert "410" in outcome.error
    assert Mention.objects.count() == 3
    alerts_source.refresh_from_db()
    assert alerts_source.consecutive_failures == 1
    assert alerts_source.last_status == 410
    assert "410" in alerts_source.last_error
    assert alerts_source.last_error_at is not None


def test_a_page_that_is_not_a_feed_is_an_error(feed_server, organisation):
    url = feed_server.serve("/page", Reply(b"<html><body>Welcome</body></html>"))
    source = SourceFactory(organisation=organisation, url=url)

    outcome = source_poll(source_id=source.id)

    assert outcome.error
    assert Mention.objects.count() == 0


def test_a_source_that_is_not_due_is_left_alone(alerts_source, feed_server):
    source_poll(source_id=alerts_source.id)
    assert source_poll(source_id=alerts_source.id) is None
    assert len(feed_server.requests) == 1


def test_of_two_claims_on_one_due_source_only_one_wins(organisation):
    source = SourceFactory(organisation=organisation)
    now = timezone.now()
    first = source_claim(source_id=source.id, now=now)
    second = source_claim(source_id=source.id, now=now)
    assert first is not None
    assert second is None
    source.refresh_from_db()
    assert source.next_poll_at == now + timedelta(minutes=source.poll_interval_minutes)


def test_a_paused_source_is_not_polled(alerts_source, feed_server):
    Source.objects.filter(id=alerts_source.id).update(is_active=False)
    assert source_poll(source_id=alerts_source.id, force=True) is None
    assert feed_server.requests == []


def test_creating_a_source_is_audited(organisation, board_member):
    source = source_create(
        organisation=organisation,
        name="Blog",
        kind=Source.Kind.FEED,
        url="https://blog.example/feed",
        actor=board_member,
    )
    event = SourceEvent.objects.get(source=source)
    assert (event.action, event.actor, event.to_value) == ("created", board_member, "https://blog.example/feed")


def test_a_failed_source_is_tried_again_soon_then_less_often(feed_server, organisation):
    url = feed_server.serve("/down", Reply(b"busy", status=503))
    source = SourceFactory(organisation=organisation, url=url, poll_interval_minutes=15)
    delays = []
    for _ in range(6):
        before = timezone.now()
        source_poll(source_id=source.id, force=True)
        source.refresh_from_db()
        delays.append(round((source.next_poll_at - before).total_seconds() / 60))
    assert delays == [1, 2, 4, 8, 15, 15]
    assert source.consecutive_failures == 6


def test_a_success_after_failures_clears_the_error(alerts_source, feed_server):
    feed_server.serve("/alerts.xml", Reply(b"busy", status=503))
    source_poll(source_id=alerts_source.id)
    feed_server.serve("/alerts.xml", Reply(sample("google_alerts.xml")))
    source_poll(source_id=alerts_source.id, force=True)
    alerts_source.refresh_from_db()
    assert (alerts_source.consecutive_failures, alerts_source.last_error) == (0, "")
