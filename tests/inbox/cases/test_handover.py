"""A case follows its handler's absence: to whoever stands in, and back when they return if nobody touched it."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
import time_machine
from django.utils import timezone

from inbox.cases import services as case_services
from inbox.cases.handover import handovers_settle
from inbox.cases.models import Case, CaseEvent, Handover
from inbox.notifications.models import Notification
from inbox.team import services as team_services
from inbox.team.models import Absence, local_moment
from inbox.triage.services import case_open
from tests.factories import MentionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(organisation, board_member):
    piet = UserFactory(username="piet", first_name="Piet", role="staff")
    sanne = UserFactory(username="sanne", first_name="Sanne", role="staff")
    organisation.webcare_owner, organisation.webcare_deputy = piet, sanne
    organisation.save()
    return {"owner": piet, "deputy": sanne, "board": board_member}


@pytest.fixture
def pieten_cases(organisation, team, source):
    """Two open cases of the owner and a closed one."""
    cases = [case_open(actor=team["owner"], mention_id=MentionFactory(source=source).id) for _ in range(3)]
    closed = cases[2]
    Case.objects.filter(id=closed.id).update(status=Case.Status.CLOSED)
    return cases


def assignees(cases) -> list[str]:
    return [Case.objects.get(id=case.id).assignee.username for case in cases]


def moves(case) -> list[tuple[str, str, str]]:
    rows = CaseEvent.objects.filter(case=case, action__in=["handed_over", "handed_back"]).order_by("id")
    return list(rows.values_list("action", "from_value", "to_value"))


def record(team, person, first, last):
    return team_services.absence_record(
        actor=team["board"], organisation=team["owner"].organisation, person_id=person.id, starts_on=first, ends_on=last
    )


def test_an_absence_from_today_hands_the_open_cases_to_the_deputy_at_once(team, pieten_cases):
    today = timezone.localdate()
    record(team, team["owner"], today, today + timedelta(days=2))
    assert assignees(pieten_cases) == ["sanne", "sanne", "piet"]  # the closed one stays
    assert moves(pieten_cases[0]) == [("handed_over", "Piet", "Sanne")]
    assert Handover.objects.count() == 2
    told = Notification.objects.filter(recipient=team["deputy"], kind="assigned")
    assert sorted(told.values_list("url", flat=True)) == sorted(case.get_absolute_url() for case in pieten_cases[:2])


def test_an_absence_later_waits_for_its_day(team, pieten_cases):
    today = timezone.localdate()
    record(team, team["owner"], today + timedelta(days=3), today + timedelta(days=4))
    assert assignees(pieten_cases)[:2] == ["piet", "piet"]
    assert handovers_settle(at=local_moment(today + timedelta(days=3))) == (2, 0)
    assert assignees(pieten_cases)[:2] == ["sanne", "sanne"]
    assert handovers_settle(at=local_moment(today + timedelta(days=3))) == (0, 0)  # done once


def test_back_again_the_untouched_case_returns_and_the_changed_one_stays(team, pieten_cases):
    today = timezone.localdate()
    record(team, team["owner"], today, today)
    touched = Case.objects.get(id=pieten_cases[1].id)
    case_services.case_update(actor=team["deputy"], case_id=touched.id, version=touched.version, priority="high")
    with time_machine.travel(timezone.now() + timedelta(days=1)):  # Piet is back, and so reads his own again
        assert handovers_settle(at=local_moment(today + timedelta(days=1))) == (0, 1)
    assert assignees(pieten_cases)[:2] == ["piet", "sanne"]
    assert moves(pieten_cases[0])[-1] == ("handed_back", "Sanne", "Piet")
    welcomed = Notification.objects.filter(recipient=team["owner"], kind="assigned")
    assert list(welcomed.values_list("url", flat=True)) == [pieten_cases[0].get_absolute_url()]
    assert not Handover.objects.filter(settled_at__isnull=True).exists()


def test_taking_an_absence_back_hands_the_cases_back_at_once(team, pieten_cases):
    today = timezone.localdate()
    absence = record(team, team["owner"], today, today + timedelta(days=5))
    team_services.absence_remove(actor=team["board"], organisation=team["owner"].organisation, absence_id=absence.id)
    assert assignees(pieten_cases)[:2] == ["piet", "piet"]
    assert not Absence.objects.exists()


def test_with_everybody_who_handles_cases_away_nothing_moves(team, pieten_cases):
    today = timezone.localdate()
    record(team, team["deputy"], today, today)
    record(team, team["owner"], today, today)  # no manager: nobody to hand to
    assert assignees(pieten_cases)[:2] == ["piet", "piet"]


def by_the_hour(team, day, start, end):
    return team_services.absence_record(
        actor=team["board"],
        organisation=team["owner"].organisation,
        person_id=team["owner"].id,
        starts_on=day,
        ends_on=day,
        starts_time=start,
        ends_time=end,
    )


def test_an_absence_by_the_hour_hands_over_when_it_starts_and_back_when_it_ends(team, pieten_cases, time_machine):
    day = timezone.localdate() + timedelta(days=1)
    time_machine.move_to(local_moment(day, time(8)), tick=False)
    by_the_hour(team, day, time(10), time(12))
    assert assignees(pieten_cases)[:2] == ["piet", "piet"]  # not yet
    assert handovers_settle(at=local_moment(day, time(9, 45))) == (0, 0)
    assert handovers_settle(at=local_moment(day, time(10))) == (2, 0)
    assert assignees(pieten_cases)[:2] == ["sanne", "sanne"]
    assert handovers_settle(at=local_moment(day, time(11, 45))) == (0, 0)
    assert handovers_settle(at=local_moment(day, time(12))) == (0, 2)
    assert assignees(pieten_cases)[:2] == ["piet", "piet"]


def test_an_absence_by_the_hour_recorded_while_it_runs_hands_over_at_once(team, pieten_cases, time_machine):
    day = timezone.localdate() + timedelta(days=1)
    time_machine.move_to(local_moment(day, time(10, 30)), tick=False)
    by_the_hour(team, day, time(10), time(12))
    assert assignees(pieten_cases)[:2] == ["sanne", "sanne"]
