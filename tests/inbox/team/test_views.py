"""The team page: everybody reads who answers complaints; only the board appoints, and a refused form keeps
what was typed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inbox.playbook.models import PlaybookEvent

pytestmark = pytest.mark.django_db
PAGE = reverse("inbox:team")
SAVE = reverse("inbox:team-roster")


def roster(owner: object = "", deputy: object = "", email: str = "") -> dict[str, object]:
    return {"roster-owner": owner, "roster-deputy": deputy, "roster-contact_phone": "", "roster-contact_email": email}


def test_the_board_appoints_the_owner_and_the_deputy(client_for, board_member, staff_member, manager, organisation):
    response = client_for(board_member).post(SAVE, roster(staff_member.id, manager.id, "webcare@club.example"))
    assert (response.status_code, response["Location"]) == (302, PAGE)
    organisation.refresh_from_db()
    assert (organisation.webcare_owner, organisation.webcare_deputy) == (staff_member, manager)
    assert organisation.contact_email == "webcare@club.example"
    assert PlaybookEvent.objects.filter(organisation=organisation, action="roster", actor=board_member).exists()


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


def test_the_team_page_says_where_a_new_complaint_goes(client_for, staff_member, board_member, organisation):
    assert "behandelt wie een zaak opent haar zelf" in client_for(staff_member).get(PAGE).text
    organisation.webcare_owner = staff_member
    organisation.save()
    assert "Een nieuwe klacht gaat naar de webcare-eigenaar" in client_for(staff_member).get(PAGE).text
