"""Polling through a real Celery worker process and the real broker."""

from __future__ import annotations

import time

import pytest
from django.db.models import F
from django.utils import timezone

from monitoring.models import Mention, Sighting, Source
from monitoring.services.claims import CLAIM_LEASE
from monitoring.tasks import sources_poll, sources_poll_due
from tests.conftest import sample
from tests.factories import SourceFactory
from tests.feedserver import Reply

pytestmark = pytest.mark.worker


def wait_for(condition, *, seconds: float = 30, worker=None) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            log = worker.log() if worker else ""
            pytest.fail(f"Gave up waiting after {seconds}s.\nWorker log:\n{log}", pytrace=False)
        time.sleep(0.2)


def test_the_beat_tick_makes_the_worker_fetch_due_sources(celery_worker, feed_server, organisation):
    url = feed_server.serve("/alerts.xml", Reply(sample("google_alerts.xml")))
    source = SourceFactory(organisation=organisation, url=url)

    sources_poll_due.delay()

    wait_for(lambda: Mention.objects.filter(source=source).count() == 3, worker=celery_worker)
    source.refresh_from_db()
    assert source.last_status == 200


def test_two_polls_of_one_source_at_once_fetch_it_once(celery_worker, feed_server, organisation):
    def slow(request):
        time.sleep(0.5)
        return Reply(sample("google_alerts.xml"))

    url = feed_server.serve("/slow.xml", slow)
    source = SourceFactory(organisation=organisation, url=url)

    sources_poll.delay([source.id])
    sources_poll.delay([source.id])

    wait_for(lambda: "sources_poll" in celery_worker.log() and celery_worker.log().count("succeeded") >= 2,
             worker=celery_worker)  # fmt: skip
    assert len(feed_server.requests) == 1
    assert Mention.objects.filter(source=source).count() == 3


def test_a_worker_killed_while_storing_leaves_nothing_half_written(start_worker, feed_server, organisation):
    """The store is one transaction: a worker killed inside it leaves no mention without its sighting."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's table locks to stop the worker inside its transaction")
    url = feed_server.serve("/alerts.xml", Reply(sample("google_alerts.xml")))
    source = SourceFactory(organisation=organisation, url=url)
    worker = start_worker()

    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        # Reads go on, writes to sightings wait: the worker gets as far as inserting mentions.
        cursor.execute("LOCK TABLE monitoring_sighting IN EXCLUSIVE MODE")
        sources_poll.delay([source.id])
        wait_for(lambda: _waiting_on_sightings(), worker=worker)
        worker.kill()
        cursor.execute("COMMIT")

    assert Mention.objects.count() == 0
    source.refresh_from_db()
    assert source.last_polled_at is None
    # Its claim was a lease: the source is due again within CLAIM_LEASE, not a whole interval on.
    assert source.claimed_until is not None
    assert source.next_poll_at <= timezone.now() + CLAIM_LEASE
    assert source.poll_interval_minutes * 60 > CLAIM_LEASE.total_seconds()
    # Until then not even "Poll now" takes it; as the lease runs out (moved back here, not waited for)...
    Source.objects.filter(id=source.id).update(
        next_poll_at=F("next_poll_at") - CLAIM_LEASE, claimed_until=F("claimed_until") - CLAIM_LEASE
    )

    start_worker()
    sources_poll_due.delay()  # ...the next beat tick finds it due
    wait_for(lambda: Mention.objects.count() == 3)
    assert Sighting.objects.filter(source=source).count() == 3


def _waiting_on_sightings() -> bool:
    from django.db import connections

    # A second connection: the test's own one is inside the transaction holding the lock.
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query LIKE 'INSERT INTO \"monitoring_sighting\"%%'"
            )
            return cursor.fetchone()[0] > 0
    finally:
        other.close()
