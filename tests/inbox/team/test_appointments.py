"""The board's appointments over time: from a day on, kept as a history, and in effect on their day."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from inbox.exceptions import TeamRefused
from inbox.playbook.models import PlaybookEvent
from inbox.team import services
from inbox.team.models import Absence, Appointment, local_moment
from inbox.team.selectors import appointed_on, complaint_handler_at, responsible_at
from inbox.triage.tasks import handovers_settle
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(organisation, board_member) -> dict[str, User]:
    return {
        "piet": UserFactory(username="piet", first_name="Piet", role="staff"),
        "sanne": UserFactory(username="sanne", first_name="Sanne", role="staff"),
        "kim": UserFactory(username="kim", first_name="Kim", role="manager"),
        "board": board_member,
    }


def appoint(people, organisation, owner, deputy, *, days_from_now: int = 0):
    return services.organisation_roster_set(
        actor=people["board"],
        organisation=organisation,
        owner_id=owner.id if owner else None,
        deputy_id=deputy.id if deputy else None,
        effective_on=timezone.localdate() + timedelta(days=days_from_now),
    )


def holders(organisation) -> tuple[str | None, str | None]:
    organisation.refresh_from_db()
    return (
        organisation.webcare_owner.username if organisation.webcare_owner else None,
        organisation.webcare_deputy.username if organisation.webcare_deputy else None,
    )


def test_an_appointment_from_today_takes_effect_at_once_and_is_kept(people, organisation):
    appoint(people, organisation, people["piet"], people["sanne"])
    assert holders(organisation) == ("piet", "sanne")
    kept = Appointment.objects.order_by("id").values_list("role", "person__username", "appointed_by__username")
    assert list(kept) == [("owner", "piet", "bea-board"), ("deputy", "sanne", "bea-board")]
    assert not Appointment.objects.filter(applied_at__isnull=True).exists()


def test_appointments_change_over_time(people, organisation):
    today = timezone.localdate()
    appoint(people, organisation, people["piet"], people["sanne"])
    appoint(people, organisation, people["kim"], people["sanne"], days_from_now=7)
    assert holders(organisation) == ("piet", "sanne")  # until the seventh day
    assert responsible_at(organisation, timezone.now()).name == "Piet"
    # The routing of that day already knows it: a complaint then goes to Kim.
    on_the_day = local_moment(today + timedelta(days=7), time(9))
    assert complaint_handler_at(organisation, on_the_day).name == "Kim"
    assert complaint_handler_at(organisation, on_the_day - timedelta(days=1)).name == "Piet"

    assert services.appointments_apply(today=today + timedelta(days=6)) == 0
    assert services.appointments_apply(today=today + timedelta(days=7)) == 1
    assert holders(organisation) == ("kim", "sanne")
    assert services.appointments_apply(today=today + timedelta(days=8)) == 0  # once
    effective = PlaybookEvent.objects.get(action="appointment_effective")
    assert (effective.actor, effective.from_value, effective.to_value) == (
        None,
        f"owner:{people['piet'].id}",
        f"owner:{people['kim'].id}",
    )


def test_the_beat_lets_an_appointment_take_effect_on_its_day(people, organisation, time_machine):
    appoint(people, organisation, people["piet"], None)
    appoint(people, organisation, people["sanne"], None, days_from_now=2)
    time_machine.move_to(local_moment(timezone.localdate() + timedelta(days=2), time(0, 10)), tick=False)
    handovers_settle()  # the task the beat runs every quarter of an hour
    assert holders(organisation) == ("sanne", None)


def test_the_owner_on_a_day_is_the_latest_appointment_of_that_day_or_before(people, organisation):
    today = timezone.localdate()
    appoint(people, organisation, people["piet"], None)
    appoint(people, organisation, people["kim"], None, days_from_now=10)
    appoint(people, organisation, people["sanne"], None, days_from_now=5)
    organisation.refresh_from_db()
    owners = [appointed_on(organisation, today + timedelta(days=day))["owner"] for day in (0, 5, 9, 10, 30)]
    names = {person.id: name for name, person in people.items()}
    assert [names[owner] for owner in owners] == ["piet", "sanne", "sanne", "kim", "kim"]


def test_only_a_change_is_appointed(people, organisation):
    appoint(people, organisation, people["piet"], people["sanne"])
    appoint(people, organisation, people["piet"], people["kim"])
    assert list(Appointment.objects.order_by("id").values_list("role", flat=True)) == ["owner", "deputy", "deputy"]


@pytest.mark.parametrize(
    "who",
    ["inactive", "no role", "outsider"],
)
def test_only_an_active_colleague_with_a_role_is_appointed(people, organisation, who):
    if who == "inactive":
        person = UserFactory(username="oud", role="staff", is_active=False)
    elif who == "no role":
        person = UserFactory(username="nora")
    else:
        person = UserFactory(username="buiten", role="staff", organisation=OrganisationFactory(name="Anders"))
    with pytest.raises(TeamRefused):
        appoint(people, organisation, person, None)
    assert holders(organisation) == (None, None)
    assert not Appointment.objects.exists()


def test_an_appointment_is_refused_in_the_past_or_more_than_a_year_ahead(people, organisation):
    for days in (-1, 367):
        with pytest.raises(TeamRefused):
            appoint(people, organisation, people["piet"], None, days_from_now=days)
    assert not Appointment.objects.exists()


def test_owner_and_deputy_stay_two_people_on_every_later_day(people, organisation):
    appoint(people, organisation, people["piet"], people["sanne"])
    appoint(people, organisation, people["kim"], people["sanne"], days_from_now=10)
    with pytest.raises(TeamRefused):  # Kim would be owner and deputy from the tenth day
        appoint(people, organisation, people["piet"], people["kim"], days_from_now=3)
    assert Appointment.objects.count() == 3


def test_a_withdrawn_appointment_never_takes_effect(people, organisation):
    appoint(people, organisation, people["piet"], None)
    appoint(people, organisation, people["kim"], None, days_from_now=3)
    pending = Appointment.objects.get(person=people["kim"])
    services.appointment_withdraw(actor=people["board"], organisation=organisation, appointment_id=pending.id)
    assert services.appointments_apply(today=timezone.localdate() + timedelta(days=3)) == 0
    assert holders(organisation) == ("piet", None)
    in_effect = Appointment.objects.get(person=people["piet"])
    with pytest.raises(TeamRefused):
        services.appointment_withdraw(actor=people["board"], organisation=organisation, appointment_id=in_effect.id)


def test_the_history_holds_ids_and_codes_not_contact_details(people, organisation):
    services.organisation_roster_set(
        actor=people["board"],
        organisation=organisation,
        owner_id=people["piet"].id,
        deputy_id=None,
        contact_phone="010 123 45 67",
        contact_email="webcare@club.example",
    )
    written = " ".join(PlaybookEvent.objects.values_list("from_value", flat=True)) + " ".join(
        PlaybookEvent.objects.values_list("to_value", flat=True)
    )
    assert "club.example" not in written
    assert "123 45" not in written
    assert "Piet" not in written
    assert str(people["piet"].id) in written


def test_a_future_owner_s_absence_counts_on_their_day(people, organisation):
    today = timezone.localdate()
    appoint(people, organisation, people["piet"], people["sanne"])
    appoint(people, organisation, people["kim"], people["sanne"], days_from_now=5)
    absence = Absence(organisation=organisation, person=people["kim"], recorded_by=people["board"])
    absence.period_set(starts_on=today + timedelta(days=5), ends_on=today + timedelta(days=5))
    absence.save()
    organisation.refresh_from_db()
    found = responsible_at(organisation, local_moment(today + timedelta(days=5), time(12)))
    assert (found.name, found.because, found.instead_of) == ("Sanne", "deputy", "Kim")
