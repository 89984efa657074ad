"""The Celery application: tasks live in each app's ``tasks.py``."""

from __future__ import annotations

import os

from celery import Celery, Task
from celery.signals import task_postrun, task_prerun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")

app = Celery("webcare")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _give_way_to_the_web(**_: object) -> None:
    """Run the worker (and the pool processes it forks) at a lower CPU priority than the web processes."""
    from django.conf import settings

    os.nice(settings.WORKER_NICE)


@worker_init.connect
def _stop_when_database_is_unreachable(**_: object) -> None:
    """A worker without its database would fail every task; say so once and stop instead."""
    from webcare.dbcheck import database_problem

    problem = database_problem()
    if problem:
        raise SystemExit(problem)


@task_prerun.connect
@task_postrun.connect
def _database_connections_check(sender: Task | None = None, **_: object) -> None:
    """Around every task, what Django does around every request: drop a connection that failed or
    outlived its age, and have the next query check a kept one first (``conn_health_checks``).

    ``CELERY_DB_REUSE_MAX`` keeps connections across tasks, and nothing else in a worker would notice
    that PostgreSQL restarted: each pool process would fail every task on its dead connection.
    """
    from django.db import close_old_connections

    if sender is not None and getattr(sender.request, "is_eager", False):
        return  # run in the caller's process (tests), inside the caller's transaction: not ours to close
    close_old_connections()
