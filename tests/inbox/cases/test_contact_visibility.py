"""Who sees a complainant's e-mail address and phone number: the case's handler, the webcare owner and deputy,
managers and the board. Everybody else who reads the case sees that they are hidden, and can neither read them
through the details form nor blank them by saving it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from inbox.cases import selectors as case_selectors
from inbox.cases import services as case_services
from inbox.cases.models import Case, CaseEvent
from inbox.exceptions import CaseRefused
from inbox.triage import services as triage_services
from monitoring.models import Mention
from tests.factories import MentionFactory, OrganisationFactory, UserFactory
from tests.inbox.cases.conftest import fresh, page

pytestmark = pytest.mark.django_db

EMAIL = "karin.devries@mail.example"
PHONE = "06 98765432"
HIDDEN = "data-hidden-contact"


@pytest.fixture
def mention(source) -> Mention:
    return MentionFactory(source=source, author="Karin de Vries", title="Geen badmeester #fail", platform="facebook")


@pytest.fixture
def case(staff_member, manager, mention) -> Case:
    """Sam handles the case; a manager wrote down how to reach the complainant."""
    case = triage_services.case_open(actor=manager, mention_id=mention.id, title="Geen badmeester")
    return case_services.case_update(
        actor=manager, case_id=case.id, version=None, assignee_id=staff_member.id, contact_email=EMAIL,
        contact_phone=PHONE,
    )  # fmt: skip


@pytest.fixture
def outsider(db) -> User:
    return UserFactory(username="otto-outsider", role="manager", organisation=OrganisationFactory(name="Elders"))


def details(case: Case, **changed: str) -> dict[str, str]:
    """The details form as the page sends it for somebody who may not see the contact details."""
    return {
        "version": str(case.version),
        "title": case.title,
        "complainant_name": case.complainant_name,
        "complainer_type": case.complainer_type,
        "assessment": case.assessment,
        "priority": case.priority,
        "assignee": str(case.assignee_id or ""),
        "tags": case.tags,
        "scenario": "",
    } | changed


def assert_hidden(content: str) -> None:
    assert EMAIL not in content
    assert "karin.devries" not in content
    assert PHONE not in content
    assert "98765432" not in content


# The case page -----------------------------------------------------------------------------------------

SEERS = ["staff_member", "owner", "deputy", "manager", "board_member"]


@pytest.mark.parametrize("who", SEERS)
def test_the_handler_owner_deputy_managers_and_board_see_the_contact_details(request, client_for, case, who):
    user = request.getfixturevalue(who)
    content = page(client_for(user), case)
    assert f'<a href="mailto:{EMAIL}">{EMAIL}</a>' in content
    assert PHONE in content
    assert HIDDEN not in content


def test_a_colleague_who_is_none_of_those_sees_them_hidden(client_for, colleague, case):
    content = page(client_for(colleague), case)
    assert_hidden(content)
    assert content.count(HIDDEN) == 2  # the e-mail address and the phone number
    assert 'aria-describedby="contact-hidden-why"' in content
    assert 'id="contact-hidden-why"' in content


def test_a_colleague_still_sees_the_complainant_s_name_and_platform(client_for, colleague, case):
    content = page(client_for(colleague), case)
    assert "Karin de Vries" in content
    assert "Facebook" in content


def test_the_details_form_renders_no_contact_fields_for_a_colleague(client_for, colleague, case):
    content = page(client_for(colleague), case)
    assert 'name="contact_email"' not in content
    assert 'name="contact_phone"' not in content
    assert 'name="title"' in content  # the rest of the form is there


def test_the_details_form_holds_the_contact_details_for_the_handler(client_for, staff_member, case):
    content = page(client_for(staff_member), case)
    assert f'name="contact_email" value="{EMAIL}"' in content
    assert f'name="contact_phone" value="{PHONE}"' in content


def test_handing_the_case_to_a_colleague_shows_them_the_contact_details(client_for, manager, colleague, case):
    case_services.case_update(actor=manager, case_id=case.id, version=None, assignee_id=colleague.id)
    content = page(client_for(colleague), case)
    assert EMAIL in content
    assert HIDDEN not in content


def test_an_outsider_never_sees_the_case(client_for, outsider, case):
    response = client_for(outsider).get(reverse("inbox:case-detail", args=[case.id]))
    assert response.status_code == 404
    assert_hidden(response.content.decode())


# Saving the details form -------------------------------------------------------------------------------


def contact_events(case: Case) -> int:
    return CaseEvent.objects.filter(case=case, action__in=["set_contact_email", "set_contact_phone"]).count()


def test_a_colleague_saving_the_form_keeps_the_contact_details(client_for, colleague, case):
    before = contact_events(case)
    response = client_for(colleague).post(reverse("inbox:case-update", args=[case.id]), details(case, title="Nieuw"))
    assert response.status_code == 302
    saved = fresh(case)
    assert saved.title == "Nieuw"
    assert (saved.contact_email, saved.contact_phone) == (EMAIL, PHONE)
    assert contact_events(case) == before


def test_a_colleague_cannot_change_the_contact_details_by_sending_them(client_for, colleague, case):
    sent = details(case, title="Nieuw", contact_email="", contact_phone="0612")
    client_for(colleague).post(reverse("inbox:case-update", args=[case.id]), sent)
    saved = fresh(case)
    assert saved.title == "Nieuw"
    assert (saved.contact_email, saved.contact_phone) == (EMAIL, PHONE)


def test_a_colleague_s_form_with_mistakes_shows_no_contact_details(client_for, colleague, case):
    response = client_for(colleague).post(reverse("inbox:case-update", args=[case.id]), details(case, title=""))
    assert response.status_code == 200  # shown again with the mistake
    assert_hidden(response.content.decode())
    assert HIDDEN in response.content.decode()


def test_the_handler_changes_the_contact_details_and_the_history_keeps_no_value(client_for, staff_member, case):
    sent = details(case, contact_email="k.devries@mail.example", contact_phone=PHONE)
    response = client_for(staff_member).post(reverse("inbox:case-update", args=[case.id]), sent)
    assert response.status_code == 302
    assert fresh(case).contact_email == "k.devries@mail.example"
    event = CaseEvent.objects.get(case=case, action="set_contact_email", actor=staff_member)
    assert (event.from_value, event.to_value) == ("", "")


def test_the_service_refuses_contact_details_from_a_colleague(colleague, case):
    with pytest.raises(CaseRefused):
        case_services.case_update(actor=colleague, case_id=case.id, version=None, contact_email="")
    assert fresh(case).contact_email == EMAIL


def test_the_service_takes_the_other_fields_from_a_colleague(colleague, case):
    case_services.case_update(actor=colleague, case_id=case.id, version=None, title="Nieuw")
    assert (fresh(case).title, fresh(case).contact_email) == ("Nieuw", EMAIL)


# Other places that show a case -------------------------------------------------------------------------


def test_the_mention_s_pane_shows_a_colleague_no_contact_details(client_for, colleague, case, mention):
    response = client_for(colleague).get(reverse("inbox:mention-detail", args=[mention.id]))
    assert response.status_code == 200
    assert case.title in response.content.decode()  # the linked case is there
    assert_hidden(response.content.decode())


def test_the_case_list_shows_a_colleague_no_contact_details(client_for, colleague, case):
    response = client_for(colleague).get(reverse("inbox:case-list"))
    assert response.status_code == 200
    assert case.title in response.content.decode()
    assert_hidden(response.content.decode())


# The selector ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "sees"), [*[(who, True) for who in SEERS], ("colleague", False), ("outsider", False)])
def test_can_see_contact(request, case, who, sees):
    assert case_selectors.can_see_contact(request.getfixturevalue(who), fresh(case)) is sees


def test_can_see_contact_runs_no_query_with_the_organisation_loaded(colleague, owner, case, django_assert_num_queries):
    case = Case.objects.select_related("organisation").get(id=case.id)
    colleague.has_perm("monitoring.view_mention")  # as every view's permission check does
    with django_assert_num_queries(0):
        assert case_selectors.can_see_contact(colleague, case) is False
        assert case_selectors.can_see_contact(owner, case) is True


def test_the_case_page_s_case_holds_no_contact_details_for_a_colleague(colleague, case):
    view = case_selectors.case_detail(user=colleague, case_id=case.id, language="nl")
    assert view is not None
    assert (view.may_see_contact, view.case.contact_email, view.case.contact_phone) == (False, "", "")
