"""Celery entry points of the cases. Thin: they call a module that does the work."""

from __future__ import annotations

from celery import shared_task

from inbox.cases import handover


@shared_task(name="inbox.cases.tasks.handovers_settle", ignore_result=True)
def handovers_settle() -> None:
    """Hand over the cases of whoever is away today, and hand back those of whoever returned."""
    handover.handovers_settle()
