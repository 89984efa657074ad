"""The board's users page: who may use it, adding, changing, deactivating and reactivating people, and the
audit row each change leaves."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User, UserEvent
from accounts.selectors import user_roles
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PEOPLE = reverse("accounts:people")
ADD = reverse("accounts:person-add")
LOGIN = reverse("login")
INBOX = reverse("inbox:mention-list")


def update_url(user: User) -> str:
    return reverse("accounts:person-update", args=[user.id])


def deactivate_url(user: User) -> str:
    return reverse("accounts:person-deactivate", args=[user.id])


def new_person(**overrides: str) -> dict[str, str]:
    return {
        "username": "lotte",
        "first_name": "Lotte",
        "last_name": "de Boer",
        "email": "lotte@example.org",
        "role": "staff",
        "password": "zwembad-rooster-2026!",
        **overrides,
    }


def audit_rows() -> list[tuple[str, str, str]]:
    return list(UserEvent.objects.order_by("id").values_list("action", "from_value", "to_value"))


# Who may use it ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_it_refuses_staff_and_managers(client_for, organisation, role):
    person = UserFactory(role=role)
    other = UserFactory(role="staff")
    client = client_for(person)
    assert client.get(PEOPLE).status_code == 403
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, new_person()).status_code == 403
    assert client.post(update_url(other), {"role": "board"}).status_code == 403
    assert client.post(deactivate_url(other)).status_code == 403
    assert user_roles(other) == ["staff"]
    assert User.objects.get(pk=other.pk).is_active
    assert not User.objects.filter(username="lotte").exists()
    assert audit_rows() == []


def test_it_sends_anonymous_visitors_to_sign_in(client_for):
    response = client_for(None).get(PEOPLE)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_it_lists_everybody_with_role_state_and_last_sign_in(client_for, organisation, board_member):
    UserFactory(username="sam-staff", first_name="Sam", last_name="Jansen", role="staff")
    gone = UserFactory(username="oud-lid", role="manager", is_active=False)
    response = client_for(board_member).get(PEOPLE)
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Sam Jansen", "sam-staff", "sam-staff@example.org", "Medewerker", "Bestuurslid", "Nooit"):
        assert text in page
    assert "oud-lid" in page
    assert "Gedeactiveerd" in page
    assert response.context["people"][-1].user == gone, "deactivated people come last"


def test_the_list_page_runs_a_fixed_number_of_queries(
    client_for, organisation, board_member, django_assert_max_num_queries
):
    for number in range(20):
        UserFactory(role="staff" if number % 2 else "manager")
    client = client_for(board_member)
    client.get(PEOPLE)
    with django_assert_max_num_queries(8):
        assert client.get(PEOPLE).status_code == 200


def test_it_answers_405_to_a_post_on_the_list(client_for, board_member):
    assert client_for(board_member).post(PEOPLE).status_code == 405


# Adding --------------------------------------------------------------------------------------------------


def test_it_adds_a_person_who_can_sign_in_and_change_their_password(client_for, organisation, board_member):
    response = client_for(board_member).post(ADD, new_person())
    assert response.status_code == 302
    assert response["Location"] == PEOPLE
    lotte = User.objects.get(username="lotte")
    assert (lotte.first_name, lotte.last_name, lotte.email) == ("Lotte", "de Boer", "lotte@example.org")
    assert user_roles(lotte) == ["staff"]
    assert audit_rows() == [("user_created", "", "staff")]
    event = UserEvent.objects.get()
    assert (event.organisation, event.actor, event.subject) == (organisation, board_member, lotte)

    client = client_for(None)
    assert client.post(LOGIN, {"username": "lotte", "password": "zwembad-rooster-2026!"}).status_code == 302
    changed = client.post(
        reverse("password_change"),
        {
            "old_password": "zwembad-rooster-2026!",
            "new_password1": "een-eigen-wachtwoord-77",
            "new_password2": "een-eigen-wachtwoord-77",
        },
    )
    assert changed.status_code == 302
    lotte.refresh_from_db()
    assert lotte.check_password("een-eigen-wachtwoord-77")


def test_a_refused_form_keeps_what_was_typed_with_the_error_at_the_field(client_for, organisation, board_member):
    response = client_for(board_member).post(ADD, new_person(password="12345678", first_name="Lotte & <Co>"))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["password"]
    page = response.content.decode()
    assert 'value="Lotte &amp; &lt;Co&gt;"' in page
    assert 'value="lotte@example.org"' in page
    assert 'value="12345678"' not in page, "a password is never sent back"
    assert 'id="id_password-error"' in page
    assert not User.objects.filter(username="lotte").exists()
    assert audit_rows() == []


def test_the_add_form_offers_the_staff_role_unless_the_board_chooses_more(client_for, organisation, board_member):
    page = client_for(board_member).get(ADD).content.decode()
    assert '<option value="staff" selected>' in page


def test_a_password_like_the_username_is_refused(client_for, organisation, board_member):
    response = client_for(board_member).post(ADD, new_person(username="zwembadrooster", password="zwembadrooster"))
    assert response.status_code == 200
    assert "password" in response.context["form"].errors


def test_a_taken_username_is_refused_at_the_field_whatever_its_case(client_for, organisation, board_member):
    UserFactory(username="Lotte")
    response = client_for(board_member).post(ADD, new_person())
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["username"]
    assert User.objects.filter(username__iexact="lotte").count() == 1


# Changing ------------------------------------------------------------------------------------------------


def test_it_changes_the_role_name_and_email_with_one_audit_row_each_and_no_personal_data(
    client_for, organisation, board_member
):
    sam = UserFactory(username="sam", first_name="Sam", email="sam@example.org", role="staff")
    form = {"first_name": "Samira", "last_name": "Jansen", "email": "samira@example.org", "role": "manager"}
    response = client_for(board_member).post(update_url(sam), form)
    assert response.status_code == 302
    sam.refresh_from_db()
    assert (sam.first_name, sam.last_name, sam.email, user_roles(sam)) == (
        "Samira",
        "Jansen",
        "samira@example.org",
        ["manager"],
    )
    assert audit_rows() == [("name_changed", "", ""), ("email_changed", "", ""), ("role_changed", "staff", "manager")]
    stored = repr(list(UserEvent.objects.values()))
    for personal in ("sam@example.org", "samira@example.org", "Samira", "Jansen"):
        assert personal not in stored


def test_saving_without_changes_writes_no_audit_row(client_for, organisation, board_member):
    sam = UserFactory(username="sam", first_name="Sam", role="staff")
    form = {"first_name": "Sam", "last_name": "", "email": sam.email, "role": "staff"}
    assert client_for(board_member).post(update_url(sam), form).status_code == 302
    assert audit_rows() == []


def test_the_new_role_takes_effect_on_the_next_request(client_for, organisation, board_member):
    sam = UserFactory(username="sam", role="staff")
    sams_browser = client_for(sam)
    assert sams_browser.get(PEOPLE).status_code == 403
    form = {"first_name": "", "last_name": "", "email": sam.email, "role": "board"}
    client_for(board_member).post(update_url(sam), form)
    assert sams_browser.get(PEOPLE).status_code == 200


def test_the_last_active_board_member_keeps_the_board_role(client_for, organisation, board_member):
    form = {"first_name": "Bea", "last_name": "", "email": board_member.email, "role": "staff"}
    response = client_for(board_member).post(update_url(board_member), form)
    assert response.status_code == 200
    assert "laatste actieve bestuurslid" in response.context["form"].errors["role"][0]
    assert 'value="Bea"' in response.content.decode(), "what was typed stays"
    assert user_roles(board_member) == ["board"]
    assert audit_rows() == []


def test_a_board_member_may_step_down_when_another_is_active(client_for, organisation, board_member):
    UserFactory(username="bob-board", role="board")
    form = {"first_name": "", "last_name": "", "email": board_member.email, "role": "manager"}
    assert client_for(board_member).post(update_url(board_member), form).status_code == 302
    assert user_roles(board_member) == ["manager"]


def test_an_unknown_person_is_404(client_for, organisation, board_member):
    client = client_for(board_member)
    assert client.get(reverse("accounts:person-update", args=[987654])).status_code == 404
    assert client.post(reverse("accounts:person-deactivate", args=[987654])).status_code == 404
    assert client.post(reverse("accounts:person-reactivate", args=[987654])).status_code == 404


# Deactivating --------------------------------------------------------------------------------------------


def test_a_deactivated_person_cannot_sign_in_and_their_open_session_stops(client_for, organisation, board_member):
    sam = UserFactory(username="sam", role="staff")
    sams_browser = client_for(sam)
    assert sams_browser.get(INBOX).status_code == 200

    response = client_for(board_member).post(deactivate_url(sam), follow=True)
    assert "kan niet meer inloggen" in response.content.decode()

    assert sams_browser.get(INBOX).status_code == 302
    fresh = client_for(None)
    refused = fresh.post(LOGIN, {"username": "sam", "password": PASSWORD})
    assert refused.status_code == 200
    assert not refused.wsgi_request.user.is_authenticated
    sam.refresh_from_db()
    assert not sam.is_active
    assert user_roles(sam) == ["staff"], "nothing but the sign-in is taken away"
    assert audit_rows() == [("deactivated", "active", "inactive")]


def test_a_board_member_cannot_deactivate_themself(client_for, organisation, board_member):
    UserFactory(username="bob-board", role="board")
    response = client_for(board_member).post(deactivate_url(board_member), follow=True)
    assert "Je kunt jezelf niet deactiveren" in response.content.decode()
    board_member.refresh_from_db()
    assert board_member.is_active
    assert audit_rows() == []


def test_deactivating_the_webcare_owner_says_they_are_still_appointed(client_for, organisation, board_member):
    sam = UserFactory(username="sam", first_name="Sam", role="staff")
    organisation.webcare_owner = sam
    organisation.save()
    assert "webcare-eigenaar" in client_for(board_member).get(update_url(sam)).content.decode()
    response = client_for(board_member).post(deactivate_url(sam), follow=True)
    assert "nog steeds de webcare-eigenaar" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.webcare_owner == sam, "the board chooses who takes over on the playbook page"


def test_a_reactivated_person_signs_in_again_with_their_role(client_for, organisation, board_member):
    sam = UserFactory(username="sam", role="manager", is_active=False)
    response = client_for(board_member).post(reverse("accounts:person-reactivate", args=[sam.id]))
    assert response.status_code == 302
    client = client_for(None)
    assert client.post(LOGIN, {"username": "sam", "password": PASSWORD}).status_code == 302
    assert client.get(INBOX).status_code == 200
    assert audit_rows() == [("reactivated", "inactive", "active")]


@pytest.mark.parametrize("name", ["accounts:person-deactivate", "accounts:person-reactivate"])
def test_deactivating_and_reactivating_answer_405_to_get(client_for, board_member, name):
    sam = UserFactory(role="staff")
    assert client_for(board_member).get(reverse(name, args=[sam.id])).status_code == 405
