"""The Celery application: tasks live in each app's ``tasks.py``."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")

app = Celery("webcare")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _stop_when_database_is_unreachable(**_: object) -> None:
    """A worker without its database would fail every task; say so once and stop instead."""
    from webcare.dbcheck import database_problem

    problem = database_problem()
    if problem:
        raise SystemExit(problem)
