"""A worker whose database connections died (a PostgreSQL restart, a failover) recovers by itself."""

from __future__ import annotations

import pytest
from django.db import connection

from monitoring.tasks import sources_poll
from tests.conftest import sample
from tests.factories import SourceFactory
from tests.feedserver import Reply
from tests.monitoring.test_tasks import wait_for

pytestmark = pytest.mark.worker


def _kill_other_connections() -> int:
    """End every other session on the test database, as a PostgreSQL restart would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_a_worker_polls_again_right_after_its_connections_died(celery_worker, feed_server, organisation):
    if connection.vendor != "postgresql":
        pytest.skip("ends the worker's PostgreSQL sessions")
    feed = Reply(sample("google_alerts.xml"))
    before = [SourceFactory(organisation=organisation, url=feed_server.serve(f"/b{n}.xml", feed)) for n in range(4)]
    for source in before:  # enough tasks for both pool processes to hold a connection
        sources_poll.delay([source.id])
    wait_for(lambda: celery_worker.log().count("succeeded") >= 4, worker=celery_worker)

    assert _kill_other_connections() >= 1

    after = [SourceFactory(organisation=organisation, url=feed_server.serve(f"/a{n}.xml", feed)) for n in range(4)]
    for source in after:
        sources_poll.delay([source.id])
    wait_for(lambda: celery_worker.log().count("succeeded") >= 8, worker=celery_worker, seconds=30)

    log = celery_worker.log()
    assert "connection is closed" not in log
    assert "terminating connection" not in log
    for source in after:
        source.refresh_from_db()
        assert source.last_status == 200, f"source {source.id} was not polled after the connections died"
