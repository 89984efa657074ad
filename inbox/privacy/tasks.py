"""Celery entry point of privacy: the nightly retention run. Thin: it calls ``inbox.privacy.anonymise``."""

from __future__ import annotations

from celery import shared_task

from inbox.privacy import anonymise


@shared_task(name="inbox.tasks.retention_apply", ignore_result=True)
def retention_apply() -> None:
    """Anonymise what passed its retention period; a run that used its minute queues the rest as a new run."""
    if anonymise.retention_apply():
        retention_apply.delay()
