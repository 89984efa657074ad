"""Celery entry points of the cases: the due times after the targets changed, and telling who is responsible when
a target is at risk or breached. Thin: they take ids and call ``inbox.cases.clock``."""

from __future__ import annotations

from celery import shared_task

from inbox.cases import clock


@shared_task(name="inbox.tasks.cases_due_refresh", ignore_result=True)
def cases_due_refresh(organisation_id: int, after: int = 0) -> None:
    """Work out the due times of the organisation's running cases again, its opening hours or targets having
    changed: one batch, then the next as a task of its own, so that no task runs long however many cases."""
    _changed, going_on = clock.cases_due_refresh(organisation_id=organisation_id, after=after)
    if going_on is not None:
        cases_due_refresh.delay(organisation_id, going_on)


@shared_task(name="inbox.tasks.cases_targets_alert", ignore_result=True)
def cases_targets_alert() -> None:
    """Tell the people responsible about cases that just became at risk or breached (each once)."""
    clock.cases_targets_alert()
