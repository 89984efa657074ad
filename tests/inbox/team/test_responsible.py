"""Who answers for the organisation on a day: owner, deputy, board, manager — never somebody away."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from inbox.exceptions import TeamRefused
from inbox.team import services
from inbox.team.models import Absence
from inbox.team.selectors import responsible_on
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 12, 7)


@pytest.fixture
def team(organisation, board_member, manager) -> dict[str, User]:
    piet = UserFactory(username="piet", first_name="Piet", role="staff")
    sanne = UserFactory(username="sanne", first_name="Sanne", role="staff")
    organisation.webcare_owner, organisation.webcare_deputy = piet, sanne
    organisation.save()
    return {"owner": piet, "deputy": sanne, "board": board_member, "manager": manager}


def away(organisation, person: User, first: date, last: date) -> Absence:
    return Absence.objects.create(
        organisation=organisation, person=person, starts_on=first, ends_on=last, recorded_by=person
    )


def test_the_owner_answers_when_present(organisation, team):
    found = responsible_on(organisation, MONDAY)
    assert (found.name, found.because, found.instead_of) == ("Piet", "owner", "")


def test_the_deputy_takes_over_and_says_for_whom_and_until_when(organisation, team):
    away(organisation, team["owner"], MONDAY, MONDAY + timedelta(days=4))
    found = responsible_on(organisation, MONDAY + timedelta(days=2))
    assert (found.name, found.because, found.instead_of, found.owner_away_until) == (
        "Sanne",
        "deputy",
        "Piet",
        MONDAY + timedelta(days=4),
    )
    assert responsible_on(organisation, MONDAY + timedelta(days=5)).name == "Piet"  # back on Saturday


def test_then_a_board_member_then_a_manager_then_nobody(organisation, team):
    for role in ("owner", "deputy"):
        away(organisation, team[role], MONDAY, MONDAY)
    assert responsible_on(organisation, MONDAY).because == "board"
    away(organisation, team["board"], MONDAY, MONDAY)
    assert responsible_on(organisation, MONDAY).because == "manager"
    away(organisation, team["manager"], MONDAY, MONDAY)
    assert responsible_on(organisation, MONDAY) is None


def test_someone_who_can_no_longer_sign_in_is_passed_over(organisation, team):
    team["owner"].is_active = False
    team["owner"].save()
    found = responsible_on(organisation, MONDAY)
    assert (found.name, found.because, found.instead_of) == ("Sanne", "deputy", "")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    periods=st.lists(
        st.tuples(st.sampled_from(["owner", "deputy", "board", "manager"]), st.integers(0, 20), st.integers(0, 6)),
        max_size=6,
    ),
    day=st.integers(0, 27),
)
def test_nobody_away_is_ever_the_one_responsible(organisation, team, periods, day):
    Absence.objects.all().delete()
    for role, start, length in periods:
        away(organisation, team[role], MONDAY + timedelta(days=start), MONDAY + timedelta(days=start + length))
    on = MONDAY + timedelta(days=day)
    found = responsible_on(organisation, on)
    absent = {
        person_id
        for person_id in Absence.objects.filter(starts_on__lte=on, ends_on__gte=on).values_list("person_id", flat=True)
    }
    present = [role for role in ("owner", "deputy", "board", "manager") if team[role].id not in absent]
    if not present:
        assert found is None
    else:
        assert found is not None
        assert found.person_id not in absent
        assert found.person_id == team[present[0]].id  # the first in the chain who is there


def test_the_deputy_records_their_own_absence_but_not_anyone_elses(organisation, team):
    today = timezone.localdate()
    services.absence_record(
        actor=team["deputy"], organisation=organisation, person_id=team["deputy"].id, starts_on=today, ends_on=today
    )
    with pytest.raises(TeamRefused):
        services.absence_record(
            actor=team["deputy"], organisation=organisation, person_id=team["owner"].id, starts_on=today, ends_on=today
        )
    staff = UserFactory(username="kim", role="staff")
    with pytest.raises(TeamRefused):
        services.absence_record(
            actor=staff, organisation=organisation, person_id=staff.id, starts_on=today, ends_on=today
        )
    assert list(Absence.objects.values_list("person__username", flat=True)) == ["sanne"]


@pytest.mark.parametrize(
    ("first", "last"),
    [(0, -1), (-400, -399), (0, 400)],
    ids=["ends before it starts", "more than a year back", "longer than a year"],
)
def test_an_absence_that_cannot_be_is_refused(organisation, team, first, last):
    today = timezone.localdate()
    with pytest.raises(TeamRefused):
        services.absence_record(
            actor=team["board"],
            organisation=organisation,
            person_id=team["owner"].id,
            starts_on=today + timedelta(days=first),
            ends_on=today + timedelta(days=last),
        )
    assert not Absence.objects.exists()


def test_every_page_says_who_answers_now_and_changes_at_once_when_the_owner_is_away(
    client_for, organisation, team, source
):
    client = client_for(team["manager"])
    assert "<strong>Piet</strong>" in client.get(reverse("inbox:case-list")).text
    today = timezone.localdate()
    response = client_for(team["board"]).post(
        reverse("inbox:team-absence-add"),
        {
            "absence-person": team["owner"].id,
            "absence-starts_on": today.isoformat(),
            "absence-ends_on": (today + timedelta(days=3)).isoformat(),
            "absence-note": "Sanne neemt het over",
        },
    )
    assert response.status_code == 302
    banner = client.get(reverse("inbox:case-list")).text
    assert "<strong>Sanne</strong>" in banner
    assert "Piet" in banner


def test_the_note_stays_out_of_the_history(client_for, organisation, team):
    from inbox.playbook.models import PlaybookEvent

    today = timezone.localdate()
    services.absence_record(
        actor=team["board"],
        organisation=organisation,
        person_id=team["owner"].id,
        starts_on=today,
        ends_on=today,
        note="Operatie aan de knie",
    )
    rows = list(PlaybookEvent.objects.filter(action="absence_added").values_list("from_value", "to_value"))
    assert len(rows) == 1
    assert "knie" not in " ".join(rows[0])


# Routing a new complaint -----------------------------------------------------------------------------------


@pytest.fixture
def complaint(source):
    from tests.factories import MentionFactory

    return MentionFactory(source=source, title="Weer geen badmeester #fail", category="complaint")


def routed(case) -> list[tuple[str, str, str]]:
    from inbox.cases.models import CaseEvent

    return list(CaseEvent.objects.filter(case=case, action="routed").values_list("from_value", "to_value", "note"))


def test_a_new_complaint_goes_to_the_owner_when_one_is_appointed(organisation, team, complaint, staff_member):
    from inbox.triage.services import case_open

    case = case_open(actor=staff_member, mention_id=complaint.id)
    assert case.assignee == team["owner"]
    assert routed(case) == [("owner", "Piet", "")]
    from inbox.notifications.models import Notification

    told = Notification.objects.get(recipient=team["owner"])
    assert (told.kind, told.url, told.actor) == ("new_complaint", case.get_absolute_url(), staff_member)


def test_with_the_owner_away_the_deputy_gets_it_and_the_history_says_why(
    organisation, team, complaint, staff_member, client_for
):
    from inbox.triage.services import case_open

    today = timezone.localdate()
    away(organisation, team["owner"], today, today + timedelta(days=2))
    case = case_open(actor=staff_member, mention_id=complaint.id)
    assert case.assignee == team["deputy"]
    assert routed(case) == [("deputy", "Sanne", "Piet")]
    page = client_for(team["manager"]).get(reverse("inbox:case-detail", args=[case.id])).text
    assert "toegewezen aan wie vandaag klachten behandelt" in page
    assert "de plaatsvervanger, voor de eigenaar" in page


def test_the_board_never_gets_a_case_the_next_manager_does(organisation, team, complaint, staff_member):
    from inbox.triage.services import case_open

    today = timezone.localdate()
    for role in ("owner", "deputy"):
        away(organisation, team[role], today, today)
    case = case_open(actor=staff_member, mention_id=complaint.id)
    assert case.assignee == team["manager"]
    assert routed(case) == [("manager", str(team["manager"]), "Piet")]


def test_who_opens_a_complaint_that_comes_to_them_is_not_told_of_it(organisation, team, complaint):
    from inbox.notifications.models import Notification
    from inbox.triage.services import case_open

    case_open(actor=team["owner"], mention_id=complaint.id)
    assert not Notification.objects.exists()


def test_whoever_took_the_mention_first_keeps_it(organisation, team, complaint, staff_member):
    from inbox.triage.services import case_open, mention_assign

    mention_assign(actor=staff_member, mention_id=complaint.id, assignee_id=staff_member.id)
    case = case_open(actor=team["manager"], mention_id=complaint.id)
    assert case.assignee == staff_member
    assert routed(case) == []


def test_without_an_owner_the_one_who_opens_it_handles_it(organisation, complaint, staff_member, manager):
    from inbox.triage.services import case_open

    case = case_open(actor=staff_member, mention_id=complaint.id)
    assert case.assignee == staff_member
    assert routed(case) == []
