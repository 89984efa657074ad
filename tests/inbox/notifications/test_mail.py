"""A notification by e-mail: received by a real mail server on loopback, once, only if still unread after the
delay, in the reader's language, with a link to the page and a one-click unsubscribe."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inbox.notifications import services, tasks
from inbox.notifications.mail import notification_email_send
from inbox.notifications.models import MailAttempt, MailPreference, Notification
from tests.factories import UserFactory
from tests.inbox.notifications.conftest import parts

pytestmark = pytest.mark.django_db

CASE_PAGE = "/inbox/cases/12/"


def told(person, kind: str = Notification.Kind.NEW_COMPLAINT, text: str = "Nieuwe klacht: #12 Geen badmeester"):
    notification = services.notify(person, None, kind=kind, url=CASE_PAGE, text=text, dedupe_key=f"t:{kind}")
    assert notification is not None
    return notification


def attempts(notification) -> list[tuple[int, str, str, str]]:
    rows = MailAttempt.objects.filter(notification=notification).order_by("id")
    return list(rows.values_list("attempt", "outcome", "reason", "error"))


def test_it_mails_the_notification_with_a_link_to_its_page_and_a_one_click_unsubscribe(mailbox, staff_member):
    notification = told(staff_member)

    assert notification_email_send(notification_id=notification.id) == "sent"

    (message,) = mailbox.to(staff_member.email)
    assert message["Subject"] == "Nieuwe klacht: #12 Geen badmeester"
    plain, html = parts(message)
    assert "https://inbox.example.org/inbox/cases/12/" in plain
    assert 'href="https://inbox.example.org/inbox/cases/12/"' in html
    assert "https://inbox.example.org/inbox/notifications/settings/" in plain
    unsubscribe = str(message["List-Unsubscribe"]).strip()  # a long header is folded onto its next line
    assert unsubscribe.startswith("<https://inbox.example.org/inbox/notifications/unsubscribe/")
    assert unsubscribe.strip("<>") in plain
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert attempts(notification) == [(1, "sent", "", "")]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


@pytest.mark.parametrize(
    ("language", "words", "lang"), [("", "Een zaak voor jou", "nl"), ("en", "A case given to you", "en")]
)
def test_it_is_written_in_the_readers_language(mailbox, organisation, language, words, lang):
    reader = UserFactory(username="lees", role="staff", language=language)
    MailPreference.objects.create(user=reader, deliveries={"assigned": "now"})
    notification = told(reader, Notification.Kind.ASSIGNED, "Piet gaf je #12")

    notification_email_send(notification_id=notification.id)

    (message,) = mailbox.messages
    plain, html = parts(message)
    assert words in plain
    assert words in html
    assert message["Content-Language"] == lang
    assert f'<html lang="{lang}">' in html


def test_a_notification_read_before_the_delay_is_not_mailed(mailbox, staff_member):
    notification = told(staff_member)
    services.notification_open(user=staff_member, notification_id=notification.id)

    assert notification_email_send(notification_id=notification.id) == "skipped"

    assert mailbox.messages == []
    assert attempts(notification) == [(1, "skipped", "read", "")]


def test_nobody_deactivated_or_without_an_address_is_mailed_and_each_is_recorded(mailbox, organisation):
    gone = UserFactory(username="gone", role="staff")
    no_address = UserFactory(username="no-address", role="staff", email="")
    first, second = told(gone), told(no_address)
    gone.is_active = False
    gone.save()

    for notification in (first, second):
        notification_email_send(notification_id=notification.id)

    assert mailbox.messages == []
    assert attempts(first) == [(1, "skipped", "deactivated", "")]
    assert attempts(second) == [(1, "skipped", "no_address", "")]


def test_what_the_reader_wants_in_the_digest_or_only_in_the_app_is_not_mailed_at_once(mailbox, staff_member):
    MailPreference.objects.create(user=staff_member, deliveries={"new_complaint": "app"})
    in_app = told(staff_member)
    for_the_digest = told(staff_member, Notification.Kind.APPROVED, "Goedgekeurd")  # the digest by default

    for notification in (in_app, for_the_digest):
        notification_email_send(notification_id=notification.id)

    assert mailbox.messages == []
    assert attempts(in_app) == [(1, "skipped", "preference", "")]
    assert attempts(for_the_digest) == [(1, "skipped", "preference", "")]


def test_with_all_e_mail_off_nothing_is_mailed(mailbox, staff_member):
    MailPreference.objects.create(user=staff_member, deliveries={"new_complaint": "now"}, is_mail_off=True)
    notification = told(staff_member)

    notification_email_send(notification_id=notification.id)

    assert mailbox.messages == []


def test_it_is_queued_when_the_change_commits_to_run_after_the_unread_delay(
    staff_member, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.WEBCARE_MAIL_DELAY_SECONDS = 120
    queued: list[tuple[tuple[int, ...], int]] = []
    monkeypatch.setattr(
        tasks.notification_email, "apply_async", lambda args, countdown: queued.append((args, countdown))
    )
    with django_capture_on_commit_callbacks() as callbacks:
        notification = told(staff_member)  # a new complaint: e-mail at once by default
        told(staff_member, Notification.Kind.APPROVED, "Goedgekeurd")  # the digest by default: nothing queued
        assert queued == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert queued == [((notification.id,), 120)]


def test_a_task_run_twice_mails_once(mailbox, staff_member, eager_tasks):
    notification = told(staff_member)

    tasks.notification_email.delay(notification.id)
    tasks.notification_email.delay(notification.id)

    assert len(mailbox.messages) == 1
    assert attempts(notification) == [(1, "sent", "", ""), (1, "skipped", "taken", "")]


def test_one_claimed_by_another_worker_is_left_to_it(mailbox, staff_member):
    from django.utils import timezone

    notification = told(staff_member)
    Notification.objects.filter(id=notification.id).update(email_claimed_at=timezone.now())

    notification_email_send(notification_id=notification.id)

    assert mailbox.messages == []
    assert attempts(notification) == [(1, "skipped", "taken", "")]


def test_a_server_that_refuses_once_is_tried_again_and_the_mail_goes_once(mailbox, staff_member, eager_tasks):
    mailbox.refuse.append("451 4.3.0 Try again later")
    notification = told(staff_member)

    tasks.notification_email.delay(notification.id)

    assert len(mailbox.messages) == 1
    assert attempts(notification) == [(1, "failed", "server", "SMTPDataError 451"), (2, "sent", "", "")]


def test_a_server_that_keeps_refusing_is_tried_a_bounded_number_of_times(mailbox, staff_member, eager_tasks):
    mailbox.refuse.extend(["451 4.3.0 Try again later"] * 20)
    notification = told(staff_member)

    tasks.notification_email.delay(notification.id)

    assert mailbox.messages == []
    tries = attempts(notification)
    assert len(tries) == tasks.notification_email.max_retries + 1
    assert {outcome for _n, outcome, _reason, _error in tries} == {"failed"}
    notification.refresh_from_db()
    assert (notification.email_claimed_at, notification.emailed_at) == (None, None)  # the digest tells it instead


def test_a_server_that_cannot_be_reached_is_a_failure_worth_another_try(settings, staff_member):
    from inbox.notifications.exceptions import MailNotSent
    from tests.mailserver import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", free_port(), False
    notification = told(staff_member)

    with pytest.raises(MailNotSent):
        notification_email_send(notification_id=notification.id)

    ((_n, outcome, reason, error),) = attempts(notification)
    assert (outcome, reason, error) == ("failed", "server", "ConnectionRefusedError")


def test_the_settings_link_of_a_mail_opens_the_settings_page(mailbox, staff_member, client_for):
    notification_email_send(notification_id=told(staff_member).id)
    plain, _html = parts(mailbox.messages[0])
    assert "https://inbox.example.org" + reverse("inbox:notification-settings") in plain


def test_the_html_part_escapes_what_people_wrote_and_the_plain_part_keeps_it(mailbox, staff_member):
    notification = told(staff_member, text="Klacht over <script>R&D</script>")
    notification_email_send(notification_id=notification.id)
    plain, html = parts(mailbox.messages[0])
    assert "Klacht over <script>R&D</script>" in plain
    assert "<script>" not in html
    assert "&lt;script&gt;R&amp;D&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("kind", "delivery"),
    [("new_complaint", "now"), ("breached", "now"), ("at_risk", "digest"), ("unusual_volume", "digest")],
)
def test_a_new_complaint_and_a_missed_target_are_mailed_at_once_by_default_the_rest_waits(staff_member, kind, delivery):
    from inbox.notifications.selectors import mail_preference_of

    assert mail_preference_of(staff_member.id).delivery_of(kind) == delivery
