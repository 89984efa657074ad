"""The team page: everybody reads who answers complaints; only the board appoints, and a refused form keeps
what was typed."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from inbox.playbook.models import PlaybookEvent
from inbox.team.models import Absence, Appointment, local_moment

pytestmark = pytest.mark.django_db
PAGE = reverse("inbox:team")
SAVE = reverse("inbox:team-roster")


def roster(owner: object = "", deputy: object = "", email: str = "", effective_on: str = "") -> dict[str, object]:
    return {
        "roster-owner": owner,
        "roster-deputy": deputy,
        "roster-effective_on": effective_on,
        "roster-contact_phone": "",
        "roster-contact_email": email,
    }


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_board_appoints_the_owner_and_the_deputy(client_for, board_member, staff_member, manager, organisation):
    response = client_for(board_member).post(SAVE, roster(staff_member.id, manager.id, "webcare@club.example"))
    assert (response.status_code, response["Location"]) == (302, PAGE)
    organisation.refresh_from_db()
    assert (organisation.webcare_owner, organisation.webcare_deputy) == (staff_member, manager)
    assert organisation.contact_email == "webcare@club.example"
    rows = PlaybookEvent.objects.filter(organisation=organisation, actor=board_member).order_by("id")
    assert [(row.action, row.from_value, row.to_value) for row in rows] == [
        ("appointed", "owner:", f"owner:{staff_member.id}@{timezone.localdate().isoformat()}"),
        ("appointed", "deputy:", f"deputy:{manager.id}@{timezone.localdate().isoformat()}"),
        ("contact_details", "", ""),  # that it changed; the address itself is not history
    ]
    assert Appointment.objects.filter(organisation=organisation, applied_at__isnull=False).count() == 2


def test_the_board_appoints_from_a_later_day_and_the_page_shows_who_appointed_whom(
    client_for, board_member, staff_member, manager, organisation
):
    organisation.webcare_owner = staff_member
    organisation.save()
    later = timezone.localdate() + timedelta(days=10)
    response = client_for(board_member).post(SAVE, roster(manager.id, "", "", later.isoformat()))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.webcare_owner == staff_member  # not yet
    page = english(client_for(staff_member)).get(PAGE).text
    assert "To come" in page
    assert f"From {date_format(later, 'D j M Y')}, {manager} is webcare owner." in page
    assert f"{board_member} on " in page
    assert reverse("inbox:team-appointment-withdraw", args=[Appointment.objects.get().id]) not in page  # staff


def test_the_board_withdraws_an_appointment_still_to_come(client_for, board_member, manager, organisation):
    later = timezone.localdate() + timedelta(days=3)
    client = client_for(board_member)
    client.post(SAVE, roster(manager.id, "", "", later.isoformat()))
    appointment = Appointment.objects.get()
    withdraw = reverse("inbox:team-appointment-withdraw", args=[appointment.id])
    assert withdraw in client.get(PAGE).text
    assert client.post(withdraw).status_code == 302
    appointment.refresh_from_db()
    assert (appointment.withdrawn_by, appointment.applied_at) == (board_member, None)
    assert "Withdrawn" in english(client).get(PAGE).text


def test_staff_cannot_withdraw_an_appointment(client_for, board_member, staff_member, manager, organisation):
    later = (timezone.localdate() + timedelta(days=3)).isoformat()
    client_for(board_member).post(SAVE, roster(manager.id, "", "", later))
    appointment = Appointment.objects.get()
    response = client_for(staff_member).post(reverse("inbox:team-appointment-withdraw", args=[appointment.id]))
    assert response.status_code == 403
    appointment.refresh_from_db()
    assert appointment.withdrawn_at is None


def test_withdrawing_only_answers_to_post(client_for, board_member):
    assert client_for(board_member).get(reverse("inbox:team-appointment-withdraw", args=[1])).status_code == 405


def test_everybody_with_a_role_reads_who_answers_but_only_the_board_sees_the_form(
    client_for, board_member, staff_member, organisation
):
    organisation.webcare_owner = staff_member
    organisation.save()
    for person, has_form in ((staff_member, False), (board_member, True)):
        page = client_for(person).get(PAGE)
        assert page.status_code == 200
        assert str(staff_member) in page.text
        assert (SAVE in page.text) is has_form


def test_staff_cannot_appoint(client_for, staff_member, organisation):
    response = client_for(staff_member).post(SAVE, roster(staff_member.id))
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.webcare_owner is None


def test_a_refused_appointment_comes_back_with_what_was_typed(client_for, board_member, organisation):
    response = client_for(board_member).post(SAVE, roster(987_654, "", "geen adres"))
    assert response.status_code == 200
    assert 'value="geen adres"' in response.text
    assert response.text.count('class="field-error"') == 2  # the unknown person and the address
    organisation.refresh_from_db()
    assert (organisation.webcare_owner, organisation.contact_email) == (None, "")


def test_the_playbook_links_to_the_team_page(client_for, staff_member, organisation):
    assert PAGE in client_for(staff_member).get(reverse("inbox:playbook")).text


def test_the_team_page_says_where_a_new_complaint_goes(
    client_for, staff_member, board_member, manager, organisation, settings
):
    client = english(client_for(staff_member))
    assert "No webcare owner is appointed: a new complaint goes to nobody" in client.get(PAGE).text
    organisation.webcare_owner = staff_member
    organisation.save()
    page = client.get(PAGE).text
    assert f"A new complaint goes to {staff_member}, the webcare owner." in page
    assert "#fail, a threat or abuse" in page
    assert f"complaints go to the first who is there of: {manager}." in page  # the board handles no cases
    assert "when it ends they go back, unless somebody changed them meanwhile" in page
    settings.WEBCARE_HAND_BACK = False
    assert "and stay there when it ends" in client.get(PAGE).text


ABSENCE = reverse("inbox:team-absence-add")


def absence(person, day, start="", end="", last=None) -> dict[str, object]:
    return {
        "absence-person": person.id,
        "absence-starts_on": day.isoformat(),
        "absence-starts_time": start,
        "absence-ends_on": (last or day).isoformat(),
        "absence-ends_time": end,
        "absence-note": "",
    }


def test_the_owner_records_a_morning_off_by_the_hour(client_for, staff_member, organisation):
    organisation.webcare_owner = staff_member
    organisation.save()
    day = timezone.localdate() + timedelta(days=2)
    client = english(client_for(staff_member))
    assert client.post(ABSENCE, absence(staff_member, day, "09:00", "12:30")).status_code == 302
    kept = Absence.objects.get()
    assert (kept.starts_at, kept.ends_at) == (local_moment(day, time(9)), local_moment(day, time(12, 30)))
    assert f"{date_format(day, 'D j M Y')} from 09:00 until 12:30" in client.get(PAGE).text


def test_an_absence_that_ends_before_it_starts_on_its_day_comes_back(client_for, board_member, staff_member):
    day = timezone.localdate() + timedelta(days=2)
    response = client_for(board_member).post(ABSENCE, absence(staff_member, day, "14:00", "09:00"))
    assert response.status_code == 200
    assert response.text.count('class="field-error"') == 1
    assert 'value="14:00"' in response.text
    assert not Absence.objects.exists()
