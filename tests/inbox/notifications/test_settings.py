"""How a person hears of their notifications: the settings page, and the unsubscribe link of every e-mail, which
works without signing in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from inbox.notifications.mail import notification_email_send, unsubscribe_token
from inbox.notifications.models import MailPreference, Notification
from inbox.notifications.services import notify
from tests.factories import UserFactory
from tests.inbox.notifications.conftest import nl, parts

pytestmark = pytest.mark.django_db
SETTINGS = reverse("inbox:notification-settings")


def chosen(**changes: str) -> dict[str, str]:
    form = {kind: "digest" for kind in Notification.Kind.values} | {"digest_hour": "8"}
    return form | changes


def test_it_shows_every_kind_in_plain_words_with_the_defaults(client_for, staff_member):
    response = client_for(staff_member).get(SETTINGS)
    assert response.status_code == 200
    page = response.text
    for kind in Notification.Kind:
        assert f'name="{kind.value}"' in page
    assert nl("A new complaint comes in while you are the one who handles complaints.") in page
    assert '<option value="now" selected>' in page.split('name="new_complaint"')[1].split("</select>")[0]
    assert '<option value="digest" selected>' in page.split('name="named"')[1].split("</select>")[0]
    assert '<option value="8" selected>08:00</option>' in page


def test_it_keeps_what_was_chosen(client_for, staff_member):
    response = client_for(staff_member).post(
        SETTINGS, chosen(new_complaint="app", named="now", digest_hour="17", is_mail_off="on")
    )
    assert (response.status_code, response["Location"]) == (302, SETTINGS)
    preference = MailPreference.objects.get(user=staff_member)
    assert (preference.digest_hour, preference.is_mail_off) == (17, True)
    assert (preference.delivery_chosen("new_complaint"), preference.delivery_chosen("named")) == ("app", "now")
    page = client_for(staff_member).get(SETTINGS).text
    assert '<option value="17" selected>17:00</option>' in page


def test_a_choice_that_does_not_exist_is_refused_and_nothing_changes(client_for, staff_member):
    response = client_for(staff_member).post(SETTINGS, chosen(new_complaint="fax", digest_hour="25"))
    assert response.status_code == 200
    assert 'class="field-error"' in response.text
    assert not MailPreference.objects.exists()


def test_everybody_signed_in_has_one_even_without_a_role(client_for, no_role_user):
    assert client_for(no_role_user).get(SETTINGS).status_code == 200


def test_it_says_when_no_e_mail_can_reach_you(client_for, organisation):
    person = UserFactory(username="zonder", role="staff", email="")
    warning = nl("You have no e-mail address, so no e-mail reaches you. The board can add one on the Users page.")
    assert warning in client_for(person).get(SETTINGS).text


def test_the_notifications_page_and_the_user_menu_lead_to_it(client_for, staff_member):
    page = client_for(staff_member).get(reverse("inbox:notification-list")).text
    assert page.count(f'href="{SETTINGS}"') == 2


# Unsubscribing from a mailbox ------------------------------------------------------------------------------


def unsubscribe_url(user) -> str:
    return reverse("inbox:notification-unsubscribe", args=[unsubscribe_token(user.id)])


def test_the_link_asks_first_and_changes_nothing(staff_member):
    response = Client().get(unsubscribe_url(staff_member))
    assert response.status_code == 200
    assert nl("Stop all e-mail") in response.text
    assert not MailPreference.objects.exists()


def test_the_one_click_post_turns_all_e_mail_off_without_signing_in_or_a_form_token(staff_member):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        unsubscribe_url(staff_member), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert MailPreference.objects.get(user=staff_member).is_mail_off
    assert "_auth_user_id" not in client.session  # nobody was signed in by it


def test_a_changed_token_or_another_persons_id_does_nothing(staff_member, manager):
    token = unsubscribe_token(staff_member.id)
    forged = f"{manager.id}:{token.split(':', 1)[1]}"
    for wrong in (forged, token[:-1], "12:abc"):
        url = reverse("inbox:notification-unsubscribe", args=[wrong])
        assert Client().post(url).status_code == 400
        assert Client().get(url).status_code == 400
    assert not MailPreference.objects.exists()


def test_the_unsubscribe_link_of_a_received_mail_works(mailbox, staff_member):
    notification = notify(staff_member, None, kind="new_complaint", url="/inbox/cases/1/", text="Nieuwe klacht")
    assert notification is not None
    notification_email_send(notification_id=notification.id)
    (message,) = mailbox.messages
    link = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert link in parts(message)[0]

    response = Client(enforce_csrf_checks=True).post(link.removeprefix("https://inbox.example.org"))

    assert response.status_code == 200
    assert MailPreference.objects.get(user=staff_member).is_mail_off
    second = notify(staff_member, None, kind="new_complaint", url="/inbox/cases/2/", text="Nog een")
    assert second is not None
    assert notification_email_send(notification_id=second.id) == "skipped"
    assert len(mailbox.messages) == 1
