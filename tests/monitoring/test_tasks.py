"""Polling through a real Celery worker process and the real broker."""

from __future__ import annotations

import time

import pytest

from monitoring.models import Mention
from monitoring.tasks import source_poll, sources_poll_due
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

    source_poll.delay(source.id)
    source_poll.delay(source.id)

    wait_for(lambda: "source_poll" in celery_worker.log() and celery_worker.log().count("succeeded") >= 2,
             worker=celery_worker)  # fmt: skip
    assert len(feed_server.requests) == 1
    assert Mention.objects.filter(source=source).count() == 3
