"""Who answers for the organisation at a moment: owner, deputy, board, manager — never somebody away then."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from inbox.cases.models import CaseEvent
from inbox.exceptions import TeamRefused
from inbox.notifications.models import Notification
from inbox.team import services
from inbox.team.models import Absence, local_moment
from inbox.team.selectors import complaint_handler_at, responsible_at, responsible_on
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


def away_for_hours(organisation, person: User, first: date, last: date, start: time | None, end: time | None):
    absence = Absence(organisation=organisation, person=person, recorded_by=person)
    absence.period_set(starts_on=first, ends_on=last, starts_time=start, ends_time=end)
    absence.save()
    return absence


def test_an_absence_by_the_hour_hands_over_for_those_hours_only(organisation, team):
    away_for_hours(organisation, team["owner"], MONDAY, MONDAY, time(9), time(14))
    assert responsible_at(organisation, local_moment(MONDAY, time(8, 59))).name == "Piet"
    found = responsible_at(organisation, local_moment(MONDAY, time(9)))
    assert (found.name, found.instead_of, found.is_owner_away_whole_days) == ("Sanne", "Piet", False)
    assert found.owner_back_at == local_moment(MONDAY, time(14))
    assert responsible_at(organisation, local_moment(MONDAY, time(13, 59))).name == "Sanne"
    assert responsible_at(organisation, local_moment(MONDAY, time(14))).name == "Piet"


def test_a_one_day_absence_is_the_whole_day(organisation, team):
    away(organisation, team["owner"], MONDAY, MONDAY)
    assert responsible_at(organisation, local_moment(MONDAY - timedelta(days=1), time(23, 59))).name == "Piet"
    assert responsible_at(organisation, local_moment(MONDAY)).name == "Sanne"
    assert responsible_at(organisation, local_moment(MONDAY, time(23, 59, 59))).name == "Sanne"
    assert responsible_at(organisation, local_moment(MONDAY + timedelta(days=1))).name == "Piet"


def test_absences_that_follow_on_end_with_the_last(organisation, team):
    away(organisation, team["owner"], MONDAY, MONDAY + timedelta(days=4))
    away_for_hours(organisation, team["owner"], MONDAY + timedelta(days=5), MONDAY + timedelta(days=7), None, time(12))
    found = responsible_at(organisation, local_moment(MONDAY, time(10)))
    assert found.owner_back_at == local_moment(MONDAY + timedelta(days=7), time(12))
    assert found.is_owner_away_whole_days is False


def test_the_complaint_handler_skips_the_board_and_answers_nobody_without_an_owner(organisation, team):
    for role in ("owner", "deputy"):
        away(organisation, team[role], MONDAY, MONDAY)
    assert responsible_at(organisation, local_moment(MONDAY, time(10))).because == "board"
    assert complaint_handler_at(organisation, local_moment(MONDAY, time(10))).name == str(team["manager"])
    organisation.webcare_owner = None
    organisation.save()
    assert complaint_handler_at(organisation, local_moment(MONDAY, time(10))) is None


HOURS = st.one_of(st.none(), st.integers(0, 23).map(lambda hour: time(hour)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    periods=st.lists(
        st.tuples(
            st.sampled_from(["owner", "deputy", "board", "manager"]),
            st.integers(0, 20),
            st.integers(0, 6),
            HOURS,
            HOURS,
        ),
        max_size=6,
    ),
    day=st.integers(0, 27),
    minute=st.integers(0, 24 * 60 - 1),
    handles_cases=st.booleans(),
)
def test_nobody_away_at_the_moment_is_ever_the_one_responsible(organisation, team, periods, day, minute, handles_cases):
    Absence.objects.all().delete()
    for role, start, length, start_time, end_time in periods:
        first, last = MONDAY + timedelta(days=start), MONDAY + timedelta(days=start + length)
        if first == last and start_time and end_time and end_time <= start_time:
            start_time, end_time = end_time, start_time
            if start_time == end_time:
                continue
        away_for_hours(organisation, team[role], first, last, start_time, end_time)
    moment = local_moment(MONDAY + timedelta(days=day)) + timedelta(minutes=minute)
    found = responsible_at(organisation, moment, handles_cases=handles_cases)
    absent = set(Absence.objects.filter(starts_at__lte=moment, ends_at__gt=moment).values_list("person_id", flat=True))
    order = ("owner", "deputy", "manager") if handles_cases else ("owner", "deputy", "board", "manager")
    present = [role for role in order if team[role].id not in absent]
    if not present:
        assert found is None
    else:
        assert found is not None
        assert found.person_id not in absent
        assert found.person_id == team[present[0]].id  # the first in the chain who is there
        if found.instead_of:
            assert found.owner_back_at is not None
            assert found.owner_back_at > moment


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
    assert told.dedupe_key == f"case:{case.id}:new_complaint"


def test_with_the_owner_away_the_deputy_gets_it_and_the_history_says_why(
    organisation, team, complaint, staff_member, client_for
):
    from inbox.triage.services import case_open

    today = timezone.localdate()
    away(organisation, team["owner"], today, today + timedelta(days=2))
    case = case_open(actor=staff_member, mention_id=complaint.id)
    assert case.assignee == team["deputy"]
    assert routed(case) == [("deputy", "Sanne", "Piet")]
    client = client_for(team["manager"])
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("inbox:case-detail", args=[case.id])).text
    assert "assigned to Sanne: Piet is away" in page
    told = Notification.objects.get(recipient=team["deputy"])
    assert (told.kind, told.dedupe_key) == ("new_complaint", f"case:{case.id}:new_complaint")


def test_the_board_never_gets_a_case_the_next_manager_does(organisation, team, complaint, staff_member):
    from inbox.triage.services import case_open

    today = timezone.localdate()
    for role in ("owner", "deputy"):
        away(organisation, team[role], today, today)
    case = case_open(actor=staff_member, mention_id=complaint.id)
    assert case.assignee == team["manager"]
    assert routed(case) == [("manager", str(team["manager"]), "Piet\nSanne")]
    with translation.override("en"):
        shown = CaseEvent.objects.get(case=case, action="routed").routing_text
    assert shown == f"assigned to {team['manager']}: Piet and Sanne are away"


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
