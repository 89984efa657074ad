"""An install with an owner, a deputy and whole-day absences keeps them when appointments and hours arrive."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from inbox.team.models import Absence, Appointment, local_moment

BEFORE = [("team", "0001_absences")]


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_today_s_owner_and_deputy_become_appointments_and_absences_get_their_moments():
    executor = _executor()
    executor.migrate(BEFORE)
    old = _executor().loader.project_state(BEFORE).apps
    organisation = old.get_model("accounts", "Organisation").objects.create(name="De Dolfijnen")
    people = old.get_model("accounts", "User").objects
    piet = people.create(username="piet", organisation=organisation)
    sanne = people.create(username="sanne", organisation=organisation)
    organisation.webcare_owner, organisation.webcare_deputy = piet, sanne
    organisation.save()
    old.get_model("accounts", "Organisation").objects.create(name="Nog niemand benoemd")
    first = date(2026, 12, 7)
    old.get_model("team", "Absence").objects.create(
        organisation=organisation, person=piet, starts_on=first, ends_on=first + timedelta(days=4), recorded_by=sanne
    )

    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())

    kept = Appointment.objects.order_by("role").values_list("organisation_id", "role", "person_id", "appointed_by")
    assert list(kept) == [(organisation.id, "deputy", sanne.id, None), (organisation.id, "owner", piet.id, None)]
    assert set(Appointment.objects.values_list("effective_on", flat=True)) == {timezone.localdate()}
    assert not Appointment.objects.filter(applied_at__isnull=True).exists()
    absence = Absence.objects.get()
    assert (absence.starts_at, absence.ends_at) == (local_moment(first), local_moment(first + timedelta(days=5)))
    assert absence.is_whole_days
