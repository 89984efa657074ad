"""Polling a batch of sources: fetch, parse, store, and a failing source recorded on it, never a crashed batch."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from monitoring import tasks
from monitoring.models import FetchLog, Mention, Sighting, Source, SourceEvent, WatchTerms
from monitoring.services import claims, poll
from monitoring.services.claims import host_slot, sources_claim
from monitoring.services.poll import fetch_logs_prune, source_poll, sources_poll
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


def test_a_paused_source_is_not_polled(alerts_source, feed_server):
    Source.objects.filter(id=alerts_source.id).update(is_active=False)
    assert source_poll(source_id=alerts_source.id, force=True) is None
    assert feed_server.requests == []


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


def test_the_tenth_failure_in_a_row_pauses_the_source_and_says_so(feed_server, organisation, mailoutbox):
    url = feed_server.serve("/down", Reply(b"", status=500))
    source = SourceFactory(organisation=organisation, name="Buurtforum", url=url)

    outcomes = [source_poll(source_id=source.id, force=True) for _ in range(10)]

    assert [outcome.is_paused for outcome in outcomes] == [False] * 9 + [True]
    source.refresh_from_db()
    assert not source.is_active
    assert "10" in source.paused_reason
    assert source_poll(source_id=source.id, force=True) is None
    assert SourceEvent.objects.filter(source=source, action="paused").count() == 1
    assert mailoutbox == []  # the board is told through its notifications, and by e-mail as each chose


def test_after_ten_failures_in_a_row_the_board_of_its_own_organisation_is_told(
    feed_server, organisation, board_member, staff_member, eager_tasks, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from inbox.notifications.models import Notification
    from tests.factories import OrganisationFactory, UserFactory

    UserFactory(username="olga-other-board", role="board", organisation=OrganisationFactory(name="Buren"))
    url = feed_server.serve("/down", Reply(b"", status=500))
    source = SourceFactory(organisation=organisation, name="Buurtforum", url=url)
    for _ in range(10):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.sources_poll([source.id], True)

    source.refresh_from_db()
    assert not source.is_active
    assert source_poll(source_id=source.id, force=True) is None
    told = list(Notification.objects.filter(kind="source_paused"))
    assert [(n.recipient, n.url) for n in told] == [
        (board_member, reverse("monitoring:source-detail", args=[source.id]))
    ]
    assert "Buurtforum" in told[0].text
    assert SourceEvent.objects.filter(source=source, action="paused").count() == 1


def test_every_poll_is_logged_and_old_logs_are_pruned(alerts_source):
    source_poll(source_id=alerts_source.id)
    source_poll(source_id=alerts_source.id, force=True)
    logs = list(FetchLog.objects.filter(source=alerts_source).order_by("started_at"))
    assert [(log.found, log.new, log.is_not_modified) for log in logs] == [(3, 3, False), (0, 0, True)]
    FetchLog.objects.filter(id=logs[0].id).update(started_at=timezone.now() - timedelta(days=31))
    assert fetch_logs_prune() == 1
    assert FetchLog.objects.count() == 1


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


def test_a_feed_with_a_fault_we_read_past_is_stored_and_the_fault_recorded(feed_server, organisation):
    url = feed_server.serve("/broken.xml", Reply(sample("broken_unescaped_ampersand.xml")))
    source = SourceFactory(organisation=organisation, url=url)

    outcome = source_poll(source_id=source.id)

    assert outcome.new > 0
    assert "“&”" in outcome.problem
    source.refresh_from_db()
    assert source.last_problem == outcome.problem
    assert FetchLog.objects.get(source=source).problem == outcome.problem


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


def test_sources_on_a_host_without_a_free_slot_are_not_fetched_and_stay_due(feed_server, organisation, settings):

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


def test_a_store_that_fails_frees_the_host_and_stops_the_fetches(feed_server, organisation, monkeypatch, settings):

    settings.WEBCARE_FETCH_PER_HOST = 1
    sources = [
        SourceFactory(organisation=organisation, url=feed_server.serve(f"/{n}.xml", Reply(sample("google_alerts.xml"))))
        for n in range(10)
    ]

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    # Neither the poll nor its failure can be stored: the batch cannot go on.
    monkeypatch.setattr(poll, "_poll_stored", broken)
    monkeypatch.setattr(poll, "_poll_failed", broken)
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

    monkeypatch.setattr(claims, "CLAIM_LEASE", timedelta(seconds=3))
    monkeypatch.setattr(claims, "CLAIM_RENEW_SECONDS", 0.5)

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


def test_a_signal_list_that_cannot_be_built_fails_only_the_sources_with_new_entries(feed_server, organisation):
    from monitoring.models import SignalPhrase

    SignalPhrase.objects.create(phrase="afgelast", category="complaint", weight=0)  # the admin lets 0 through
    known = SourceFactory(organisation=organisation, url=feed_server.serve("/known.xml", Reply(status=304)))
    fresh = SourceFactory(
        organisation=organisation, url=feed_server.serve("/fresh.xml", Reply(sample("google_alerts.xml")))
    )

    batch = sources_poll(source_ids=[known.id, fresh.id])

    errors = {outcome.source_id: outcome.error for outcome in batch.outcomes}
    assert errors[known.id] == ""
    assert "ging iets mis bij het bewaren" in errors[fresh.id]
    assert "weight" in errors[fresh.id]
    assert not Mention.objects.exists()
