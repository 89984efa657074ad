"""Celery entry points for polling. Thin: they take ids and call services."""

from __future__ import annotations

import logging

from celery import Task, shared_task
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnreachable

from monitoring import selectors, services


@shared_task(name="monitoring.tasks.sources_poll_due")
def sources_poll_due() -> int:
    """Queue a poll for every due source; beat runs this every tick. Returns how many were queued."""
    source_ids = selectors.source_ids_due(now=timezone.now())
    for source_id in source_ids:
        source_poll.delay(source_id)
    return len(source_ids)


HOST_BUSY_RETRY_SECONDS = 3


@shared_task(bind=True, name="monitoring.tasks.source_poll", acks_late=True, max_retries=100)
def source_poll(self: Task, source_id: int, force: bool = False) -> None:
    """Poll one source, waiting for a free slot on its host (see ``services.host_slot``)."""
    host = selectors.source_host(source_id)
    if host is None:
        return
    with services.host_slot(host) as has_slot:
        if not has_slot:
            raise self.retry(countdown=HOST_BUSY_RETRY_SECONDS)
        services.source_poll(source_id=source_id, force=force)


@shared_task(name="monitoring.tasks.source_paused_notify", autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def source_paused_notify(source_id: int) -> None:
    services.source_paused_notify(source_id=source_id)


@shared_task(name="monitoring.tasks.fetch_logs_prune")
def fetch_logs_prune() -> int:
    return services.fetch_logs_prune()


logger = logging.getLogger(__name__)


def source_poll_enqueue(source_id: int, *, force: bool = False) -> bool:
    """Queue a poll of one source. False when the task queue (Redis) cannot be reached right now.

    Nothing is lost then: the source stays due, and beat queues it once the queue is back.
    """
    try:
        source_poll.delay(source_id, force)
    except BrokerUnreachable:
        logger.exception("Could not queue a poll of source %s: the task queue is unreachable.", source_id)
        return False
    return True
