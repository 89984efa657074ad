"""Celery entry points of the inbox. Thin: they take ids and call a module that does the work."""

from __future__ import annotations

from celery import Task, shared_task

from inbox.triage import facets

# While another refresh counts, a refresh waits its turn this long, this many times; then it gives up (a reader
# counts once the count asked for has not come for ``facets.NEGLECTED_SECONDS``).
REFRESH_TURN_SECONDS = 2
REFRESH_TURNS = 30


@shared_task(bind=True, name="inbox.tasks.facets_refresh", ignore_result=True, max_retries=REFRESH_TURNS)
def facets_refresh(self: Task, user_id: int, query: str) -> None:
    """Count the inbox again for a selection whose kept counts went out of date (see ``inbox.triage.facets``),
    one selection at a time."""
    if not facets.facets_refresh(user_id=user_id, query=query) and self.request.retries < REFRESH_TURNS:
        raise self.retry(countdown=REFRESH_TURN_SECONDS)


@shared_task(name="inbox.tasks.handovers_settle", ignore_result=True)
def handovers_settle() -> None:
    """Let the appointments whose day has come take effect, then hand over the cases and mentions of whoever is
    away now, and hand back those of whoever returned."""
    from inbox.team.services import appointments_apply
    from inbox.triage import handover

    appointments_apply()
    handover.handovers_settle()
