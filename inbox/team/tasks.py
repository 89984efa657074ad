"""Celery entry points of the team. Thin: they call a module that does the work."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="inbox.tasks.volume_watch", ignore_result=True)
def volume_watch() -> None:
    """Tell whoever is responsible of sources and watch terms with unusually many mentions (beat, every quarter
    of an hour)."""
    from inbox.team import volume

    volume.volume_watch()
