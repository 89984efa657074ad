"""Celery entry points of the cases: the due times after the targets changed, and telling who is responsible when
a target is at risk or breached. Thin: they take ids and call ``inbox.cases.clock``."""

from __future__ import annotations

from celery import shared_task

from inbox.cases import clock


@shared_task(name="inbox.tasks.cases_due_refresh", ignore_result=True, acks_late=True)
def cases_due_refresh(organisation_id: int) -> None:
    """Work out the due times of the organisation's running cases again: its opening hours or targets changed."""
    clock.cases_due_refresh(organisation_id=organisation_id)


@shared_task(name="inbox.tasks.cases_targets_alert", ignore_result=True)
def cases_targets_alert() -> None:
    """Tell the people responsible about cases that just became at risk or breached (each once)."""
    clock.cases_targets_alert()
