"""Celery entry points of the inbox. Thin: they take ids and call a module that does the work."""

from __future__ import annotations

from celery import shared_task

from inbox.triage import facets


@shared_task(name="inbox.tasks.facets_refresh", ignore_result=True)
def facets_refresh(user_id: int, query: str) -> None:
    """Count the inbox again for a selection whose kept counts went out of date (see ``inbox.triage.facets``)."""
    facets.facets_refresh(user_id=user_id, query=query)


@shared_task(name="inbox.tasks.handovers_settle", ignore_result=True)
def handovers_settle() -> None:
    """Let the appointments whose day has come take effect, then hand over the cases and mentions of whoever is
    away now, and hand back those of whoever returned."""
    from inbox.team.services import appointments_apply
    from inbox.triage import handover

    appointments_apply()
    handover.handovers_settle()
