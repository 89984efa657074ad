from __future__ import annotations

import threading
import time
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from monitoring.models import FetchLog, Mention, Sighting, Source, SourceEvent, WatchTerms
from monitoring.services.poll import (
    CLAIM_LEASE,
    fetch_logs_prune,
    mention_quick_add,
    retry_delay,
    source_claim,
    source_create,
    source_poll,
    source_resume,
    sources_claim,
    sources_poll,
)
from tests.conftest import sample
from tests.factories import MentionFactory, SourceFactory
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
    assert source.next_poll_at == now + CLAIM_LEASE


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
    assert delays == [1, 2, 4, 8, 16, 32]
    assert source.consecutive_failures == 6


def test_a_success_after_failures_clears_the_error(alerts_source, feed_server):
    feed_server.serve("/alerts.xml", Reply(b"busy", status=503))
    source_poll(source_id=alerts_source.id)
    feed_server.serve("/alerts.xml", Reply(sample("google_alerts.xml")))
    source_poll(source_id=alerts_source.id, force=True)
    alerts_source.refresh_from_db()
    assert (alerts_source.consecutive_failures, alerts_source.last_error) == (0, "")


def test_backoff_grows_to_at_most_a_day():
    assert retry_delay(failures=1) == timedelta(minutes=1)
    assert retry_delay(failures=11) == timedelta(minutes=1024)
    assert retry_delay(failures=40) == timedelta(hours=24)


def test_after_ten_failures_in_a_row_the_source_is_paused_and_the_board_is_mailed(
    feed_server, organisation, board_member, staff_member, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from webcare.celery import app

    app.conf.task_always_eager = True
    try:
        url = feed_server.serve("/down", Reply(b"", status=500))
        source = SourceFactory(organisation=organisation, name="Buurtforum", url=url)
        for _ in range(10):
            with django_capture_on_commit_callbacks(execute=True):
                source_poll(source_id=source.id, force=True)
    finally:
        app.conf.task_always_eager = False

    source.refresh_from_db()
    assert not source.is_active
    assert "10" in source.paused_reason
    assert source_poll(source_id=source.id, force=True) is None
    assert [m.to for m in mailoutbox] == [[board_member.email]]
    assert "Buurtforum" in mailoutbox[0].subject
    assert SourceEvent.objects.filter(source=source, action="paused").count() == 1


def test_resuming_a_paused_source_makes_it_due_again(organisation, board_member):
    source = SourceFactory(
        organisation=organisation, is_active=False, consecutive_failures=10, paused_reason_code="paused_by_board"
    )
    source_resume(source_id=source.id, actor=board_member)
    source.refresh_from_db()
    assert (source.is_active, source.consecutive_failures, source.paused_reason, source.next_poll_at) == (
        True, 0, "", None,
    )  # fmt: skip
    assert SourceEvent.objects.get(source=source, action="resumed").actor == board_member


def test_every_poll_is_logged_and_old_logs_are_pruned(alerts_source):
    source_poll(source_id=alerts_source.id)
    source_poll(source_id=alerts_source.id, force=True)
    logs = list(FetchLog.objects.filter(source=alerts_source).order_by("started_at"))
    assert [(log.found, log.new, log.is_not_modified) for log in logs] == [(3, 3, False), (0, 0, True)]
    FetchLog.objects.filter(id=logs[0].id).update(started_at=timezone.now() - timedelta(days=31))
    assert fetch_logs_prune() == 1
    assert FetchLog.objects.count() == 1


def test_the_same_link_from_two_sources_is_one_mention_seen_twice(feed_server, organisation):
    first = SourceFactory(
        organisation=organisation, url=feed_server.serve("/a.xml", Reply(sample("google_alerts.xml")))
    )
    second = SourceFactory(
        organisation=organisation, url=feed_server.serve("/b.xml", Reply(sample("google_alerts.xml")))
    )

    source_poll(source_id=first.id)
    outcome = source_poll(source_id=second.id)

    assert (outcome.new, outcome.seen_elsewhere) == (0, 3)
    assert Mention.objects.count() == 3
    mention = Mention.objects.get(url="https://www.buurtnieuws.example/2026/11/zwemles-afgelast")
    assert set(mention.sightings.values_list("source_id", flat=True)) == {first.id, second.id}


def test_watch_terms_filter_general_feeds(feed_server, organisation):
    WatchTerms.objects.create(organisation=organisation, include='"drie clubrecords" ster', exclude="")
    url = feed_server.serve("/blog.xml", Reply(sample("google_alerts.xml")))
    blog = SourceFactory(organisation=organisation, kind=Source.Kind.FEED, url=url)

    outcome = source_poll(source_id=blog.id)

    assert (outcome.new, outcome.filtered) == (2, 1)
    assert sorted(Mention.objects.values_list("matched_terms", flat=True)) == [["drie clubrecords"], ["ster"]]


def test_an_alert_is_taken_whole_with_its_matches_marked(feed_server, organisation):
    WatchTerms.objects.create(organisation=organisation, include="ster", exclude="zwemles")
    url = feed_server.serve("/alert.xml", Reply(sample("google_alerts.xml")))
    alert = SourceFactory(organisation=organisation, kind=Source.Kind.GOOGLE_ALERTS, url=url)

    outcome = source_poll(source_id=alert.id)

    assert (outcome.new, outcome.filtered) == (3, 0)
    assert Mention.objects.get(title__startswith="Recensie").matched_terms == ["ster"]


def test_new_mentions_are_enriched_with_language_category_and_reasons(alerts_source):
    source_poll(source_id=alerts_source.id)
    review = Mention.objects.get(title__startswith="Recensie")
    assert review.language == "nl"
    assert review.platform == "web"
    assert review.suggested_category == Mention.Category.COMPLAINT
    assert review.signal_reasons


def test_a_mention_added_by_hand_joins_the_inbox_once(organisation, staff_member):
    first = mention_quick_add(
        organisation=organisation,
        url="https://www.facebook.com/dedolfijnen/posts/123?fbclid=abc",
        text="Waardeloze club, nooit meer!",
        author="Petra",
        actor=staff_member,
    )
    again = mention_quick_add(
        organisation=organisation,
        url="https://www.facebook.com/dedolfijnen/posts/123",
        text="Waardeloze club, nooit meer!",
        actor=staff_member,
    )
    assert first.is_new
    assert not again.is_new
    assert again.mention == first.mention
    mention = first.mention
    assert (mention.platform, mention.author, mention.added_by) == ("facebook", "Petra", staff_member)
    assert mention.canonical_url == "https://www.facebook.com/dedolfijnen/posts/123"
    assert mention.suggested_category == Mention.Category.COMPLAINT
    assert Sighting.objects.filter(mention=mention).count() == 1


def test_a_site_that_asks_us_to_wait_is_left_alone_that_long(feed_server, organisation):
    url = feed_server.serve("/busy", Reply(b"", status=503, headers={"Retry-After": "3600"}))
    source = SourceFactory(organisation=organisation, url=url)
    before = timezone.now()
    source_poll(source_id=source.id)
    source.refresh_from_db()
    assert timedelta(minutes=59) < source.next_poll_at - before <= timedelta(minutes=61)


def test_a_feed_that_stays_fresh_longer_is_polled_later(feed_server, organisation):
    url = feed_server.serve("/fresh", Reply(sample("google_alerts.xml"), headers={"Cache-Control": "max-age=7200"}))
    source = SourceFactory(organisation=organisation, url=url, poll_interval_minutes=15)
    before = timezone.now()
    source_poll(source_id=source.id)
    source.refresh_from_db()
    assert timedelta(minutes=119) < source.next_poll_at - before <= timedelta(minutes=121)


def test_a_feed_that_moved_for_good_is_followed_and_its_address_updated(feed_server, organisation):
    new_url = feed_server.serve("/new.xml", Reply(sample("google_alerts.xml")))
    old_url = feed_server.serve("/old.xml", Reply(status=301, headers={"Location": "/new.xml"}))
    source = SourceFactory(organisation=organisation, url=old_url)

    source_poll(source_id=source.id)

    source.refresh_from_db()
    assert source.url == new_url
    event = SourceEvent.objects.get(source=source, action="moved")
    assert (event.from_value, event.to_value) == (old_url, new_url)
    assert Mention.objects.count() == 3


def test_only_so_many_fetches_run_against_one_host_at_once(settings):
    from monitoring.services.poll import host_slot

    settings.WEBCARE_FETCH_PER_HOST = 2
    with (
        host_slot("www.google.com") as first,
        host_slot("www.google.com") as second,
        host_slot("www.google.com") as third,
        host_slot("forum.example") as other_host,
    ):
        assert [slot is not None for slot in (first, second, third, other_host)] == [True, True, False, True]
    with host_slot("www.google.com") as again:
        assert again


def test_a_slot_a_dead_worker_held_frees_itself(monkeypatch, settings):
    from monitoring.services import poll as services
    from monitoring.services.poll import host_slot

    settings.WEBCARE_FETCH_PER_HOST = 1
    monkeypatch.setattr(services, "SLOT_LEASE_SECONDS", 1)
    held = host_slot("www.google.com")
    assert held.__enter__() is not None  # taken and never freed, as by a worker killed mid-poll
    with host_slot("www.google.com") as meanwhile:
        assert meanwhile is None
    time.sleep(1.5)
    with host_slot("www.google.com") as later:
        assert later is not None


def test_a_renewed_slot_stays_taken(monkeypatch, settings):
    from monitoring.services import poll as services
    from monitoring.services.poll import host_slot

    settings.WEBCARE_FETCH_PER_HOST = 1
    monkeypatch.setattr(services, "SLOT_LEASE_SECONDS", 2)
    with host_slot("www.google.com") as slot:
        for _ in range(3):
            time.sleep(1)
            slot.renew()
        with host_slot("www.google.com") as other:
            assert other is None  # three seconds on, longer than the lease: still taken
    with host_slot("www.google.com") as free:
        assert free is not None


def test_a_feed_with_a_fault_we_read_past_is_stored_and_the_fault_recorded(feed_server, organisation):
    url = feed_server.serve("/broken.xml", Reply(sample("broken_unescaped_ampersand.xml")))
    source = SourceFactory(organisation=organisation, url=url)

    outcome = source_poll(source_id=source.id)

    assert outcome.new > 0
    assert "“&”" in outcome.problem
    source.refresh_from_db()
    assert source.last_problem == outcome.problem
    assert FetchLog.objects.get(source=source).problem == outcome.problem


def rss(*items: tuple[str, str]) -> bytes:
    """An RSS feed with one item per (link, author)."""
    body = "".join(
        f"<item><title>Bericht over De Dolfijnen {n}</title><link>{link}</link><guid>{link}</guid>"
        f"<dc:creator>{author}</dc:creator><description>Iets over De Dolfijnen.</description></item>"
        for n, (link, author) in enumerate(items)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>Forum</title><link>https://forum.example/</link>{body}</channel></rss>"
    ).encode()


def test_a_batch_polls_each_source_and_one_failing_feed_stops_none_of_the_others(feed_server, organisation):
    good = [
        SourceFactory(
            organisation=organisation, url=feed_server.serve(f"/{n}.xml", Reply(sample("wordpress_posts.xml")))
        )
        for n in range(3)
    ]
    gone = SourceFactory(organisation=organisation, url=feed_server.serve("/gone.xml", Reply(b"gone", status=410)))

    batch = sources_poll(source_ids=[source.id for source in [*good, gone]])

    assert len(batch.outcomes) == 4
    assert batch.busy == ()
    errors = {outcome.source_id: outcome.error for outcome in batch.outcomes}
    assert "410" in errors[gone.id]
    assert all(errors[source.id] == "" for source in good)
    gone.refresh_from_db()
    assert "410" in gone.last_error
    assert gone.consecutive_failures == 1
    for source in good:
        source.refresh_from_db()
        assert source.last_status == 200
        assert Sighting.objects.filter(source=source).count() > 0
    assert FetchLog.objects.count() == 4


def test_a_batch_of_304s_records_every_poll_and_a_new_etag(feed_server, organisation):
    def conditional(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Reply(status=304, headers={"ETag": '"v2"'})
        return Reply(sample("google_alerts.xml"), headers={"ETag": '"v1"'})

    url = feed_server.serve("/alerts.xml", conditional)
    plain = SourceFactory(organisation=organisation, url=feed_server.serve("/plain.xml", Reply(status=304)))
    plain.etag = '"kept"'
    plain.save()
    changing = SourceFactory(organisation=organisation, kind=Source.Kind.GOOGLE_ALERTS, url=url)
    sources_poll(source_ids=[changing.id])

    batch = sources_poll(source_ids=[plain.id, changing.id], force=True)

    assert all(outcome.is_not_modified for outcome in batch.outcomes)
    assert len(batch.outcomes) == 2
    plain.refresh_from_db()
    changing.refresh_from_db()
    assert (plain.last_status, plain.etag) == (304, '"kept"')
    assert (changing.last_status, changing.etag) == (304, '"v2"')
    assert changing.last_entries_found == 3
    assert FetchLog.objects.filter(is_not_modified=True).count() == 2
    assert Mention.objects.count() == 3


def test_two_claims_on_the_same_batch_share_nothing(organisation):
    sources = SourceFactory.create_batch(3, organisation=organisation)
    ids = [source.id for source in sources]
    now = timezone.now()

    first = sources_claim(source_ids=ids, now=now)
    second = sources_claim(source_ids=ids, now=now)
    forced = sources_claim(source_ids=ids, now=now, force=True)

    assert [source.id for source in first] == ids
    assert second == []
    assert forced == []  # "Poll now" too waits for the poll that holds them
    assert all(source.next_poll_at == now + CLAIM_LEASE for source in first)


def test_a_claim_leaves_paused_sources_out(organisation):
    active, paused = SourceFactory.create_batch(2, organisation=organisation)
    Source.objects.filter(id=paused.id).update(is_active=False)

    claimed = sources_claim(source_ids=[active.id, paused.id], now=timezone.now(), force=True)

    assert [source.id for source in claimed] == [active.id]


def test_sources_on_a_host_without_a_free_slot_are_not_fetched_and_stay_due(feed_server, organisation, settings):
    from monitoring.services.poll import host_slot

    settings.WEBCARE_FETCH_PER_HOST = 1
    source = SourceFactory(
        organisation=organisation, url=feed_server.serve("/a.xml", Reply(sample("google_alerts.xml")))
    )

    with host_slot("127.0.0.1") as taken:
        assert taken is not None
        batch = sources_poll(source_ids=[source.id])

    assert batch.outcomes == ()
    assert batch.busy == (source.id,)
    assert feed_server.requests == []
    source.refresh_from_db()
    assert source.last_polled_at is None
    assert source.next_poll_at is not None
    assert source.next_poll_at <= timezone.now()
    assert sources_poll(source_ids=[source.id]).outcomes[0].new == 3


def test_an_author_with_two_recent_mentions_is_flagged_as_repeated(feed_server, organisation):
    for n, days_ago in enumerate([1, 2, 200]):
        MentionFactory(
            source=SourceFactory(organisation=organisation),
            author=["Jan Jansen", "Jan Jansen", "Piet Bakker"][n],
            published_at=timezone.now() - timedelta(days=days_ago),
        )
    MentionFactory(source=SourceFactory(organisation=organisation), author="Piet Bakker")
    feed = rss(("https://forum.example/t/1", "Jan Jansen"), ("https://forum.example/t/2", "Piet Bakker"))
    source = SourceFactory(organisation=organisation, url=feed_server.serve("/forum.xml", Reply(feed)))

    source_poll(source_id=source.id)

    flags = dict(Mention.objects.filter(source=source).values_list("author", "flags"))
    assert "repeated_author" in flags["Jan Jansen"]
    assert "repeated_author" not in flags["Piet Bakker"]  # the third one is older than 90 days


def test_a_store_that_fails_frees_the_host_and_stops_the_fetches(feed_server, organisation, monkeypatch, settings):
    from monitoring.services import poll as services
    from monitoring.services.poll import host_slot

    settings.WEBCARE_FETCH_PER_HOST = 1
    sources = [
        SourceFactory(organisation=organisation, url=feed_server.serve(f"/{n}.xml", Reply(sample("google_alerts.xml"))))
        for n in range(10)
    ]

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    # Neither the poll nor its failure can be stored: the batch cannot go on.
    monkeypatch.setattr(services, "_poll_stored", broken)
    monkeypatch.setattr(services, "_poll_failed", broken)
    with pytest.raises(RuntimeError):
        sources_poll(source_ids=[source.id for source in sources])

    assert len(feed_server.requests) < 10  # the fetches stopped early
    with host_slot("127.0.0.1") as free:
        assert free is not None


def atom_with_one_entry(published: str, link: str = "https://forum.example/t/1") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Forum</title>'
        f'<entry><id>tag:forum.example,2026:1</id><title>Bericht over De Dolfijnen</title><link href="{link}"/>'
        f"<published>{published}</published></entry></feed>"
    ).encode()


def healthy_and_one_other(feed_server, organisation, other: bytes) -> tuple[Source, Source, Source]:
    """A batch of three sources on one host: healthy, ``other``, healthy (polled in that order)."""
    first, middle, last = (
        SourceFactory(organisation=organisation, url=feed_server.serve(path, Reply(content)))
        for path, content in [
            ("/first.xml", sample("wordpress_posts.xml")),
            ("/other.xml", other),
            ("/last.xml", sample("google_alerts.xml")),
        ]
    )
    return first, middle, last


def test_an_entry_with_an_impossible_date_is_stored_with_the_time_it_was_found(feed_server, organisation):
    first, poison, last = healthy_and_one_other(
        feed_server, organisation, atom_with_one_entry("0001-01-01T00:10:00+01:00")
    )

    batch = sources_poll(source_ids=[first.id, poison.id, last.id])

    assert {outcome.source_id: outcome.error for outcome in batch.outcomes} == {
        first.id: "",
        poison.id: "",
        last.id: "",
    }
    mention = Mention.objects.get(source=poison)
    assert mention.published_at == mention.fetched_at
    assert Mention.objects.filter(source=first).exists()
    assert Mention.objects.filter(source=last).count() == 3


# A link whose search words are not ASCII gets longer once its query is written out again (each "é"
# becomes "%C3%A9"): this one, under 2000 characters as found, is far over as the canonical link.
LINK_TOO_LONG_ONCE_CANONICAL = "https://forum.example/zoeken?q=" + "café" * 450


def test_one_source_failing_unexpectedly_fails_alone_and_is_marked_failing(feed_server, organisation, caplog):
    first, failing, last = healthy_and_one_other(
        feed_server, organisation, atom_with_one_entry("2026-11-20T10:00:00Z", link=LINK_TOO_LONG_ONCE_CANONICAL)
    )
    before = timezone.now()

    batch = sources_poll(source_ids=[first.id, failing.id, last.id])

    errors = {outcome.source_id: outcome.error for outcome in batch.outcomes}
    assert errors[first.id] == errors[last.id] == ""
    assert "ging iets mis bij het bewaren" in errors[failing.id]
    assert Mention.objects.filter(source=first).exists()
    assert Mention.objects.filter(source=last).count() == 3
    assert not Mention.objects.filter(source=failing).exists()
    failing.refresh_from_db()
    assert failing.consecutive_failures == 1
    assert failing.last_error == errors[failing.id]
    assert failing.last_error_at is not None
    assert failing.last_success_at is None
    assert before + timedelta(seconds=50) < failing.next_poll_at < before + timedelta(minutes=2)  # backoff
    assert FetchLog.objects.get(source=failing).error == errors[failing.id]
    assert any(record.exc_info for record in caplog.records if record.levelname == "ERROR")


def test_a_source_failing_unexpectedly_again_and_again_is_paused(feed_server, organisation):
    url = feed_server.serve(
        "/other.xml", Reply(atom_with_one_entry("2026-11-20T10:00:00Z", LINK_TOO_LONG_ONCE_CANONICAL))
    )
    source = SourceFactory(organisation=organisation, url=url)
    for _ in range(10):
        sources_poll(source_ids=[source.id], force=True)
    source.refresh_from_db()
    assert (source.is_active, source.consecutive_failures) == (False, 10)


AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    "published_at",
    [
        datetime(1, 1, 1, tzinfo=AMSTERDAM),  # before year 1 in UTC: a BC timestamp in PostgreSQL
        datetime(1989, 12, 31, 23, 0, tzinfo=UTC),
        timezone.now() + timedelta(days=2),
    ],
)
def test_adding_a_mention_by_hand_refuses_a_date_out_of_range(organisation, staff_member, published_at):
    with pytest.raises(ValidationError) as refused:
        mention_quick_add(
            organisation=organisation,
            url="https://www.facebook.com/dedolfijnen/posts/123",
            text="Waardeloze club",
            published_at=published_at,
            actor=staff_member,
        )
    assert refused.value.message_dict.keys() == {"published_at"}
    assert not Mention.objects.exists()


@pytest.mark.parametrize(
    "published_at",
    [datetime(1, 1, 1, tzinfo=AMSTERDAM), datetime(1989, 12, 31, 23, 59, tzinfo=UTC)],
)
def test_the_database_refuses_a_mention_published_before_1990(organisation, published_at):
    with pytest.raises(IntegrityError), transaction.atomic():
        MentionFactory(source=SourceFactory(organisation=organisation), published_at=published_at)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>", "ftp://example.org/post"]
)
def test_adding_a_mention_by_hand_takes_only_a_web_address(organisation, staff_member, url):
    with pytest.raises(ValidationError) as refused:
        mention_quick_add(organisation=organisation, url=url, text="Waardeloze club", actor=staff_member)
    assert refused.value.message_dict.keys() == {"url"}
    assert not Mention.objects.exists()


# Claims are leases ------------------------------------------------------------------------------------


def test_a_claim_not_finished_lapses_after_the_lease_and_not_before(organisation):
    sources = SourceFactory.create_batch(2, organisation=organisation, poll_interval_minutes=15)
    ids = [source.id for source in sources]
    claimed_at = timezone.now()
    assert len(sources_claim(source_ids=ids, now=claimed_at)) == 2  # and never finished: its worker was killed

    just_before = claimed_at + CLAIM_LEASE - timedelta(seconds=1)
    assert sources_claim(source_ids=ids, now=just_before) == []
    assert sources_claim(source_ids=ids, now=just_before, force=True) == []
    assert [source.id for source in sources_claim(source_ids=ids, now=claimed_at + CLAIM_LEASE)] == ids


def test_the_lease_is_short_and_outlasts_a_batch_by_its_time_limit():
    from webcare.celery import app

    assert timedelta(minutes=2) >= CLAIM_LEASE
    assert CLAIM_LEASE.total_seconds() > app.conf.task_time_limit > app.conf.task_soft_time_limit


@pytest.mark.parametrize("reply", ["entries", "not modified", "failure"])
def test_a_finished_poll_sets_the_real_next_poll(feed_server, organisation, reply):
    def answer(request):
        if reply == "failure":
            return Reply(b"busy", status=503)
        if reply == "not modified" and request.headers.get("If-None-Match") == '"v1"':
            return Reply(status=304, headers={"ETag": '"v1"'})
        return Reply(sample("google_alerts.xml"), headers={"ETag": '"v1"'})

    source = SourceFactory(
        organisation=organisation, url=feed_server.serve("/feed.xml", answer), poll_interval_minutes=15
    )
    if reply == "not modified":
        source_poll(source_id=source.id)
    before = timezone.now()

    source_poll(source_id=source.id, force=True)

    source.refresh_from_db()
    wait = timedelta(minutes=1) if reply == "failure" else timedelta(minutes=15)
    assert before + wait - timedelta(seconds=5) <= source.next_poll_at <= timezone.now() + wait
    assert source_poll(source_id=source.id, force=True) is not None  # no claim is left behind


@pytest.mark.django_db(transaction=True)
def test_a_long_batch_renews_its_lease_while_it_runs(feed_server, organisation, monkeypatch):
    from monitoring.services import poll as services

    monkeypatch.setattr(services, "CLAIM_LEASE", timedelta(seconds=3))
    monkeypatch.setattr(services, "CLAIM_RENEW_SECONDS", 0.5)

    def slow(request):
        time.sleep(0.6)
        return Reply(sample("google_alerts.xml"))

    sources = [SourceFactory(organisation=organisation, url=feed_server.serve(f"/{n}.xml", slow)) for n in range(10)]
    ids = [source.id for source in sources]
    taken_meanwhile: list[int] = []

    def claim_meanwhile():
        time.sleep(3.5)  # past the first lease: only a renewed one keeps the batch's sources
        taken_meanwhile.extend(source.id for source in sources_claim(source_ids=ids, now=timezone.now()))
        connection.close()

    other = threading.Thread(target=claim_meanwhile)
    other.start()
    batch = sources_poll(source_ids=ids)
    other.join()

    assert len(batch.outcomes) == 10
    assert taken_meanwhile == []


# Polls at once --------------------------------------------------------------------------------------


def rss_without_links(count: int) -> bytes:
    items = "".join(
        f"<item><title>Bericht {n} over De Dolfijnen</title><description>Zonder link.</description></item>"
        for n in range(count)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Forum</title>{items}</channel></rss>'.encode()


@pytest.mark.django_db(transaction=True)
def test_three_polls_now_at_once_store_each_entry_once(feed_server, organisation, signal_phrases, settings):
    settings.WEBCARE_FETCH_PER_HOST = 3

    def slow(request):
        time.sleep(0.6)  # all three have asked before any has stored
        return Reply(rss_without_links(3))

    source = SourceFactory(organisation=organisation, url=feed_server.serve("/forum.xml", slow))
    start = threading.Barrier(3)
    failures: list[BaseException] = []

    def poll_now(number: int):
        try:
            start.wait()
            time.sleep(0.15 * number)  # one click after the other, each while the poll before still fetches
            sources_poll(source_ids=[source.id], force=True)
        except BaseException as exc:  # raised again below, in the test's own thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=poll_now, args=(number,)) for number in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert Mention.objects.count() == 3
    assert Sighting.objects.count() == 3
    assert set(Sighting.objects.values_list("mention_id", flat=True)) == set(
        Mention.objects.values_list("id", flat=True)
    )


def test_an_entry_without_a_link_another_poll_stored_meanwhile_is_stored_once(feed_server, organisation):
    source = SourceFactory(organisation=organisation, url=feed_server.serve("/forum.xml", Reply(rss_without_links(2))))
    source_poll(source_id=source.id)
    # As if another poll had stored the mention of one entry but not yet its sighting.
    Sighting.objects.filter(mention__title="Bericht 0 over De Dolfijnen").delete()

    outcome = source_poll(source_id=source.id, force=True)

    assert (outcome.error, outcome.new, outcome.duplicates) == ("", 0, 1)
    assert Mention.objects.count() == 2
    assert Sighting.objects.count() == 2
