"""The Celery worker gives way to the web processes when the CPU is short: polling can wait a moment, a person
at the inbox should not."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

from tests.monitoring.test_tasks import wait_for


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def test_the_worker_and_its_pool_run_at_a_lower_priority(celery_worker) -> None:
    expected = min(os.getpriority(os.PRIO_PROCESS, 0) + settings.WORKER_NICE, 19)
    assert settings.WORKER_NICE == 10  # the default
    wait_for(lambda: len(_children(celery_worker.process.pid)) >= 2, worker=celery_worker)
    for pid in [celery_worker.process.pid, *_children(celery_worker.process.pid)]:
        assert os.getpriority(os.PRIO_PROCESS, pid) == expected
