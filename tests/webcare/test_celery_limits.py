"""No task runs for ever, and none is handed to a second worker while the first still runs it."""

from __future__ import annotations

from django.conf import settings

from webcare.celery import app


def _our_tasks() -> dict[str, object]:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_has_a_soft_and_a_hard_time_limit():
    tasks = _our_tasks()
    assert tasks, "the project's tasks are registered"
    for name, task in tasks.items():
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        hard = task.time_limit or app.conf.task_time_limit
        assert soft, f"{name} has no soft time limit"
        assert hard, f"{name} has no hard time limit"
        assert soft < hard, f"{name}: the soft limit must come first, to let the task stop cleanly"


def test_the_limits_end_a_task_before_the_broker_hands_it_out_again():
    visibility = app.conf.broker_transport_options.get("visibility_timeout")
    if settings.CELERY_BROKER_URL.startswith("redis"):
        assert visibility == settings.CELERY_BROKER_VISIBILITY_TIMEOUT
    for name, task in _our_tasks().items():
        hard = task.time_limit or app.conf.task_time_limit
        assert hard < settings.CELERY_BROKER_VISIBILITY_TIMEOUT, name
