"""The opening hours and targets page: everybody with a role reads it, the board and managers change it, an
outsider organisation never sees ours, a mistake comes back at its field, and the worked example follows."""

from __future__ import annotations

from datetime import date, time

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from inbox.playbook.models import PlaybookEvent
from inbox.targets import selectors
from inbox.targets.models import ClosedDay, OpeningBlock, TargetOverride, TargetSettings
from inbox.targets.services import targets_defaults_set
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
PAGE = reverse("inbox:targets")
CLUB_HOURS = [*((day, time(18), time(22)) for day in range(5)), (5, time(8), time(14))]


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def client_for(client_for):
    """Clients of people who chose English: the pages are matched in English."""

    def english(user):
        user.language = "en"
        user.save(update_fields=["language"])
        return client_for(user)

    return english


def targets_form(**changed: str) -> dict[str, str]:
    data = {"first_response_open": "1:00", "first_response_closed": "4", "resolution_days": "2"}
    data |= {"counts": "open", "time_zone": "Europe/Amsterdam"} | changed
    return {f"targets-{name}": value for name, value in data.items()}


def test_an_organisation_without_settings_reads_the_defaults(client_for, staff_member):
    page = client_for(staff_member).get(PAGE)
    assert page.status_code == 200
    assert "These are the defaults" in page.text
    assert "09:00\u201317:00" in page.text
    assert "1 hour when published inside opening hours; 4 hours when published outside them" in page.text
    assert "2 working days" in page.text
    assert "King&#x27;s Day" in page.text or "King's Day" in page.text


def test_staff_read_but_change_nothing(client_for, staff_member, organisation):
    client = client_for(staff_member)
    page = client.get(PAGE)
    assert reverse("inbox:targets-update") not in page.text
    assert reverse("inbox:targets-block-add") not in page.text
    assert client.post(reverse("inbox:targets-update"), targets_form()).status_code == 403
    assert client.post(reverse("inbox:targets-block-add"), {}).status_code == 403
    assert not TargetSettings.objects.exists()


@pytest.mark.parametrize("role", ["manager", "board"])
def test_the_board_and_managers_change_the_targets(client_for, organisation, role):
    person = UserFactory(role=role, organisation=organisation)
    client = client_for(person)
    assert reverse("inbox:targets-update") in client.get(PAGE).text
    response = client.post(reverse("inbox:targets-update"), targets_form(first_response_open="0:30", counts="clock"))
    assert (response.status_code, response["Location"]) == (302, PAGE)
    row = TargetSettings.objects.get(organisation=organisation)
    assert (row.first_response_open_minutes, row.first_response_closed_minutes) == (30, 240)
    assert row.counts_clock_hours
    # The first change makes the defaults the organisation's own, its opening hours included.
    assert OpeningBlock.objects.filter(organisation=organisation).count() == 5
    assert PlaybookEvent.objects.filter(organisation=organisation, action="targets_changed", actor=person).exists()
    assert selectors.plan_of(organisation.id).schedule.clock_hours


def test_an_outsider_never_sees_our_settings_nor_changes_them(client_for, organisation, manager):
    ours = UserFactory(role="board", organisation=organisation)
    closed_day = {"closed-day": "2026-07-20", "closed-label": "Zomerstop"}
    client_for(ours).post(reverse("inbox:targets-closed-add"), closed_day)
    theirs = OrganisationFactory(name="OUTSIDER Buren")
    outsider = UserFactory(role="board", organisation=theirs)
    client = client_for(outsider)
    page = client.get(PAGE)
    assert "Zomerstop" not in page.text
    closed = ClosedDay.objects.get(organisation=organisation)
    assert client.post(reverse("inbox:targets-closed-remove", args=[closed.id])).status_code == 302
    assert ClosedDay.objects.filter(id=closed.id).exists()
    block = OpeningBlock.objects.filter(organisation=organisation).first()
    client.post(reverse("inbox:targets-block-remove", args=[block.id]))
    assert OpeningBlock.objects.filter(id=block.id).exists()


def test_a_block_that_ends_when_it_starts_is_refused_at_its_field(client_for, board_member):
    response = client_for(board_member).post(
        reverse("inbox:targets-block-add"), {"block-weekday": "0", "block-starts_at": "09:00", "block-ends_at": "09:00"}
    )
    assert response.status_code == 200
    assert 'id="id_block-ends_at-error"' in response.text
    assert "A block ends at another time than it starts." in response.text
    assert 'value="09:00"' in response.text  # what was typed is kept
    assert not OpeningBlock.objects.exists()


def test_overlapping_blocks_are_refused_across_midnight_too(client_for, board_member, organisation):
    client = client_for(board_member)
    add = reverse("inbox:targets-block-add")
    friday = {"block-weekday": "4", "block-starts_at": "20:00", "block-ends_at": "01:00"}
    assert client.post(add, friday).status_code == 302
    response = client.post(add, {"block-weekday": "5", "block-starts_at": "00:30", "block-ends_at": "02:00"})
    assert response.status_code == 200
    assert "This overlaps Friday 20:00\u201301:00" in response.text
    # Touching is fine: Saturday from one o'clock.
    saturday = {"block-weekday": "5", "block-starts_at": "01:00", "block-ends_at": "02:00"}
    assert client.post(add, saturday).status_code == 302
    assert OpeningBlock.objects.filter(organisation=organisation, weekday__in=[4, 5]).count() == 3  # Fri 9-17 too


def test_a_target_is_typed_as_hours_and_minutes(client_for, board_member):
    response = client_for(board_member).post(
        reverse("inbox:targets-update"), targets_form(first_response_open="an hour", resolution_days="0")
    )
    assert response.status_code == 200
    assert "Write hours, or hours and minutes: 4 or 1:30." in response.text
    assert 'id="id_targets-resolution_days-error"' in response.text
    assert not TargetSettings.objects.exists()


def test_holidays_are_switched_off_and_on_by_name(client_for, board_member, organisation):
    client = client_for(board_member)
    with time_machine.travel("2026-01-10 12:00 +01:00", tick=False):
        page = selectors.targets_page(user=board_member)
        keys = [holiday.key for holiday in page.holidays]
        assert "Good Friday" in keys
        assert "King's Day" in keys
        closed = [key for key in keys if key != "Good Friday"]
        response = client.post(reverse("inbox:targets-holidays"), {"holidays-closed_on": closed})
    assert response.status_code == 302
    plan = selectors.plan_of(organisation.id)
    assert plan.schedule.open_on_holidays == frozenset({"Good Friday"})


def test_holidays_are_named_in_dutch_for_a_dutch_reader(board_member):
    with translation.override("nl"):
        names = [holiday.name for holiday in selectors.holidays_listed(frozenset(), today=date(2026, 1, 1))]
    assert "Koningsdag" in names
    assert "Goede vrijdag" in names


def test_an_override_needs_a_target_and_is_listed(client_for, board_member, organisation):
    client = client_for(board_member)
    add = reverse("inbox:targets-override-add")
    refused = client.post(add, {"override-applies_to": "flag:threat"})
    assert refused.status_code == 200
    assert "Set a first response, a resolution or both." in refused.text
    client.post(add, {"override-applies_to": "flag:threat", "override-first_response": "0:30"})
    override = TargetOverride.objects.get(organisation=organisation)
    assert (override.kind, override.value, override.first_response_minutes) == ("flag", "threat", 30)
    assert "Threat" in client.get(PAGE).text


def test_the_example_shows_a_friday_evening_complaint_answered_on_saturday_morning(
    client_for, staff_member, organisation
):
    targets_defaults_set(organisation=organisation, blocks=CLUB_HOURS)
    client = client_for(staff_member)
    with time_machine.travel("2026-03-06 12:00 +01:00", tick=False):  # a Friday
        page = client.get(PAGE)
        assert "published Fri 21:55 → first response by Sat 08:55, solved by Mon 22:00" in page.text
        partial = client.get(PAGE, {"at": "2026-03-06T23:00"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert partial.text.lstrip().startswith('<div id="targets-example"')
    # Outside the opening hours: four hours from Saturday's opening.
    assert "published Fri 23:00 → first response by Sat 12:00" in partial.text


def test_the_example_follows_the_targets_as_typed_before_saving(client_for, board_member, organisation):
    targets_defaults_set(organisation=organisation, blocks=CLUB_HOURS)
    with time_machine.travel("2026-03-06 12:00 +01:00", tick=False):
        typed = targets_form(first_response_open="2:00") | {"at": "2026-03-06T21:55"}
        partial = client_for(board_member).get(PAGE, typed, headers={"HX-Request": "true"})
    assert "published Fri 21:55 → first response by Sat 09:55" in partial.text
    assert TargetSettings.objects.get().first_response_open_minutes == 60  # nothing saved


def test_without_opening_hours_the_page_warns(client_for, board_member, organisation):
    targets_defaults_set(organisation=organisation, blocks=[])
    page = client_for(board_member).get(PAGE)
    assert "There are no opening hours" in page.text


def test_the_activity_page_says_who_changed_the_targets(client_for, board_member):
    client = client_for(board_member)
    client.post(reverse("inbox:targets-closed-add"), {"closed-day": "2026-07-20", "closed-label": "Zomerstop"})
    page = client.get(reverse("inbox:activity"))
    assert "Added a closed day" in page.text
    assert PAGE in page.text
