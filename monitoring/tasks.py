"""Celery entry points for polling. Thin: they take ids and call services."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from monitoring import selectors, services


@shared_task(name="monitoring.tasks.sources_poll_due")
def sources_poll_due() -> int:
    """Queue a poll for every due source; beat runs this every tick. Returns how many were queued."""
    source_ids = selectors.source_ids_due(now=timezone.now())
    for source_id in source_ids:
        source_poll.delay(source_id)
    return len(source_ids)


@shared_task(name="monitoring.tasks.source_poll", acks_late=True)
def source_poll(source_id: int, force: bool = False) -> None:
    services.source_poll(source_id=source_id, force=force)
