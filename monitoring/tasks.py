"""Celery entry points for polling. Thin: they take ids and call services."""

from __future__ import annotations

import gc
import logging
from typing import Any

from celery import Task, shared_task
from celery.signals import worker_init
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnreachable

from monitoring import selectors
from monitoring.services import poll

logger = logging.getLogger(__name__)

# Sources per polling task. A task costs some 10 ms whatever it polls (taken off the queue, one
# claim, the host slots, its fetch threads, one signal list, one write of its 304s): 100 sources
# spread that thin, which a round of 304s notices most. The price: up to twice as many sources due at
# once keep one pool process busy rather than two, for a round that still ends within seconds.
POLL_BATCH_SIZE = 100
HOST_BUSY_RETRY_SECONDS = 3
# A batch is stopped by the time limits every task has (settings.CELERY_TASK_SOFT_TIME_LIMIT and
# CELERY_TASK_TIME_LIMIT). Its claims are leases (monitoring.services.claims.CLAIM_LEASE), so what it did
# not finish is polled again within minutes. A plain batch takes seconds; only many slow feeds on one host
# take that long.


@shared_task(name="monitoring.tasks.sources_poll_due")
def sources_poll_due() -> int:
    """Queue polls of every due source in batches; beat runs this every tick. Returns how many were queued."""
    source_ids = selectors.source_ids_due(now=timezone.now())
    for start in range(0, len(source_ids), POLL_BATCH_SIZE):
        sources_poll.delay(source_ids[start : start + POLL_BATCH_SIZE])
    return len(source_ids)


@shared_task(bind=True, name="monitoring.tasks.sources_poll", acks_late=True, max_retries=100)
def sources_poll(self: Task, source_ids: list[int], force: bool = False) -> None:
    """Poll a batch of sources; those whose host had no free fetch slot are queued again a moment later."""
    batch = poll.sources_poll(source_ids=source_ids, force=force)
    if batch.busy:
        sources_poll.apply_async((list(batch.busy), force), countdown=HOST_BUSY_RETRY_SECONDS)


@worker_init.connect
def _language_model_load(**_: Any) -> None:
    """Load the language model in the worker's main process, before the pool forks: each pool process
    then shares it instead of loading its own (0.6 s and 100 MB each) on its first entry.

    Then freeze what is loaded so far out of the garbage collector's sight: the pool processes
    neither walk it again at every full collection nor copy its pages by touching them.

    The only place the model is loaded ahead: a web process loads it on its first quick add (the
    only enriching it does), rather than each of them holding it from the start.
    """
    from monitoring.feeds.enrich import language_model_load

    language_model_load()
    gc.freeze()


@shared_task(name="monitoring.tasks.fetch_logs_prune")
def fetch_logs_prune() -> int:
    return poll.fetch_logs_prune()


def source_poll_enqueue(source_id: int, *, force: bool = False) -> bool:
    """Queue a poll of one source. False when the task queue (Redis) cannot be reached right now.

    Nothing is lost then: the source stays due, and beat queues it once the queue is back.
    """
    try:
        sources_poll.delay([source_id], force)
    except BrokerUnreachable:
        logger.exception("Could not queue a poll of source %s: the task queue is unreachable.", source_id)
        return False
    return True
