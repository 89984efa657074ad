"""Storing a poll: one mention per link across sources, a sighting per entry, written once however many polls race."""

from __future__ import annotations

import threading
import time
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import Organisation
from benchmarks.poll_feeds import rss_feed
from monitoring.models import Mention, Sighting, Source, WatchTerms
from monitoring.services import store
from monitoring.services.poll import source_poll, sources_poll
from tests.conftest import sample
from tests.factories import MentionFactory, OrganisationFactory, SourceFactory
from tests.feedserver import Reply

pytestmark = pytest.mark.django_db

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


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


@pytest.mark.parametrize(
    "published_at",
    [datetime(1, 1, 1, tzinfo=AMSTERDAM), datetime(1989, 12, 31, 23, 59, tzinfo=UTC)],
)
def test_the_database_refuses_a_mention_published_before_1990(organisation, published_at):
    with pytest.raises(IntegrityError), transaction.atomic():
        MentionFactory(source=SourceFactory(organisation=organisation), published_at=published_at)


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


# The store: one server-side insert on PostgreSQL instead of bulk_create

MENTION_FIELDS = [
    "canonical_url",
    "url",
    "platform",
    "title",
    "snippet",
    "content_html",
    "author",
    "publisher",
    "language",
    "suggested_category",
    "signal_reasons",
    "flags",
    "matched_terms",
    "published_at",
    "added_by_id",
]


def bulk_create_insert(model, values, *, returning=""):
    """What ``store.columns_insert`` stands in for: Django's bulk_create of model instances made
    from the same values (which cannot say which rows it added)."""
    rows = [model(**dict(zip(values, row, strict=True))) for row in zip(*values.values(), strict=True)]
    model.objects.bulk_create(rows, ignore_conflicts=True)
    return None


def stored(organisation):
    mentions = Mention.objects.filter(organisation=organisation).order_by("published_at", "canonical_url", "title")
    sightings = Sighting.objects.filter(mention__organisation=organisation).order_by("external_id")
    return (
        [tuple(row) for row in mentions.values_list(*MENTION_FIELDS)],
        [tuple(row) for row in sightings.values_list("external_id", "url", "mention__canonical_url", "mention__title")],
    )


@pytest.mark.django_db
def test_the_store_writes_what_bulk_create_writes(feed_server, monkeypatch, signal_phrases):
    if connection.vendor != "postgresql":
        pytest.skip("elsewhere the store uses bulk_create itself")
    WatchTerms.objects.create(organisation=OrganisationFactory(name="Fast"), include='"De Dolfijnen"')
    WatchTerms.objects.create(organisation=OrganisationFactory(name="Slow"), include='"De Dolfijnen"')
    feeds = {
        "/alerts.xml": (sample("google_alerts_entities.xml"), Source.Kind.GOOGLE_ALERTS),
        "/forum.xml": (rss_feed(1, 20), Source.Kind.FEED),
        "/comments.xml": (sample("wordpress_comments.xml"), Source.Kind.FEED),
        "/missing-titles.xml": (sample("rss_missing_titles.xml"), Source.Kind.FEED),
    }
    for name in ("Fast", "Slow"):
        organisation = Organisation.objects.get(name=name)
        if name == "Slow":
            monkeypatch.setattr(store, "columns_insert", bulk_create_insert)
        for path, (content, kind) in feeds.items():
            url = feed_server.serve(path, Reply(content))
            source = SourceFactory(organisation=organisation, kind=kind, url=url)
            outcome = source_poll(source_id=source.id)
            assert outcome is not None
            assert (outcome.error, outcome.new) == ("", outcome.found - outcome.filtered)
    fast, slow = stored(Organisation.objects.get(name="Fast")), stored(Organisation.objects.get(name="Slow"))
    assert fast == slow
    assert len(fast[0]) > 20


@pytest.mark.django_db
def test_a_link_another_poll_stored_meanwhile_becomes_a_sighting_of_that_mention(organisation):
    source = SourceFactory(organisation=organisation)
    now = timezone.now()

    def mention(link: str) -> dict[str, object]:
        """Every field's value, as the store passes them."""
        row = Mention(
            organisation=organisation, source=source, canonical_url=link, url=link, published_at=now, fetched_at=now
        )
        return {field.attname: getattr(row, field.attname) for field in Mention._meta.concrete_fields[1:]}

    earlier = Mention(**mention("https://a.example/1"))
    earlier.save()
    ids, inserted = store.mentions_insert(
        [mention("https://a.example/1"), mention("https://a.example/2")], organisation_id=organisation.id
    )

    assert ids["https://a.example/1"] == earlier.id
    assert ids["https://a.example/2"] == Mention.objects.get(canonical_url="https://a.example/2").id
    assert inserted == [ids["https://a.example/2"]]
    assert Mention.objects.count() == 2


@pytest.mark.django_db
def test_the_column_insert_gives_fields_left_out_their_defaults(organisation):
    if connection.vendor != "postgresql":
        pytest.skip("elsewhere the store uses bulk_create itself")
    source = SourceFactory(organisation=organisation)
    now = timezone.now()
    link = "https://a.example/1"

    store.columns_insert(
        Mention,
        {"organisation_id": [organisation.id], "source_id": [source.id], "canonical_url": [link], "url": [link],
         "published_at": [now], "fetched_at": [now]},
    )  # fmt: skip

    stored = Mention.objects.get(canonical_url=link)
    blank = Mention()
    for field in ("platform", "title", "language", "suggested_category", "signal_reasons", "flags", "added_by_id"):
        assert getattr(stored, field) == getattr(blank, field)
