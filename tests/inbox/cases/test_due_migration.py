"""Open cases made before the targets counted opening hours get the default opening hours' due times."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

AMS = ZoneInfo("Europe/Amsterdam")
BEFORE = [("cases", "0004_handovers")]
AFTER = [("cases", "0005_due_times_at_risk_and_waiting")]


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_open_cases_get_due_times_in_opening_hours_and_closed_ones_keep_theirs():
    executor = _executor()
    executor.migrate(BEFORE)
    old = _executor().loader.project_state(BEFORE).apps
    organisation = old.get_model("accounts", "Organisation").objects.create(name="De Dolfijnen")
    person = old.get_model("accounts", "User").objects.create(username="piet")
    said = datetime(2026, 3, 6, 16, 30, tzinfo=AMS)  # a Friday afternoon
    made = {}
    for status in ("open", "closed"):
        made[status] = old.get_model("cases", "Case").objects.create(
            organisation=organisation,
            title=status,
            created_by=person,
            status=status,
            reported_at=said,
            first_response_due_at=said + timedelta(hours=1),
            resolution_due_at=said + timedelta(days=2),
        )
    _executor().migrate(AFTER)
    new = _executor().loader.project_state(AFTER).apps
    Case = new.get_model("cases", "Case")
    opened = Case.objects.get(id=made["open"].id)
    assert opened.first_response_due_at == datetime(2026, 3, 9, 9, 30, tzinfo=AMS)
    assert opened.first_response_risk_at == datetime(2026, 3, 9, 9, 15, tzinfo=AMS)
    assert opened.resolution_due_at == datetime(2026, 3, 10, 17, 0, tzinfo=AMS)
    closed = Case.objects.get(id=made["closed"].id)
    assert closed.first_response_due_at == said + timedelta(hours=1)
    assert closed.first_response_risk_at is None
    _executor().migrate(_executor().loader.graph.leaf_nodes())
