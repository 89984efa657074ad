"""The monthly summary: on the first of the month, last month's figures to the managers and the board, each in
their language, once, received by a real mail server on loopback."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from inbox.notifications.models import MailPreference, Notification
from inbox.reports.mail import month_before, monthly_summaries_send, report_url
from inbox.reports.models import MonthlySummary
from inbox.reports.query import CUSTOM, ReportQuery
from tests.factories import UserFactory
from tests.inbox.reports.world import AMSTERDAM

pytestmark = pytest.mark.django_db

FIRST_OF_APRIL = datetime(2026, 4, 1, 7, 0, tzinfo=AMSTERDAM)


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_managers_and_the_board_get_last_months_figures_with_a_link(mailbox, march, manager, board_member):
    manager.language = "en"
    manager.save()

    assert monthly_summaries_send(now=FIRST_OF_APRIL) == []

    assert sorted(address for rcpt in mailbox.recipients for address in rcpt) == sorted(
        [manager.email, board_member.email, "oscar-outsider@example.org"]
    )
    (message,) = mailbox.to(manager.email)
    assert message["Subject"] == "Webcare in March 2026: the figures"
    assert message["Content-Language"] == "en"
    assert "<https://inbox.example.org/inbox/notifications/unsubscribe/" in message["List-Unsubscribe"]
    text = text_of(message)
    for line in ("Mentions: 4", "Complaints among them: 3", "Cases: 3", "Cases with a first response: 2",
                 "Median first response: 95 minutes", "First responses within the target: 33%",
                 "Cases resolved: 33%"):  # fmt: skip
        assert line in text
    link = report_url(ReportQuery(period=CUSTOM, start=month_before(FIRST_OF_APRIL.date())[0],
                                  end=datetime(2026, 3, 31).date(), zone="Europe/Amsterdam"))  # fmt: skip
    assert link.startswith("https://inbox.example.org/inbox/reports")
    assert "period=custom&from=2026-03-01&to=2026-03-31" in link
    assert link in text
    assert f'href="{link.replace("&", "&amp;")}"' in message.get_body(preferencelist=("html",)).get_content()


def test_each_reads_it_in_their_language(mailbox, march, manager, board_member):
    manager.language, board_member.language = "en", "nl"
    manager.save()
    board_member.save()

    monthly_summaries_send(now=FIRST_OF_APRIL)

    (english,) = mailbox.to(manager.email)
    (dutch,) = mailbox.to(board_member.email)
    assert english["Content-Language"] == "en"
    assert dutch["Content-Language"] == "nl"
    assert "March 2026" in english["Subject"]
    assert "maart 2026" in dutch["Subject"]


def test_it_is_sent_once_a_month_however_often_it_runs(mailbox, march, manager, board_member):
    monthly_summaries_send(now=FIRST_OF_APRIL)
    received = len(mailbox.messages)
    monthly_summaries_send(now=FIRST_OF_APRIL.replace(hour=9))

    assert len(mailbox.messages) == received
    marker = MonthlySummary.objects.get(recipient=manager)
    assert (marker.month.isoformat(), marker.state, marker.attempts) == ("2026-03-01", "sent", 1)
    assert marker.sent_at is not None


def test_it_skips_who_turned_it_off_left_has_no_address_or_reads_no_reports(
    mailbox, march, manager, board_member, staff_member
):
    MailPreference.objects.create(user=manager, is_monthly_summary_off=True)
    MailPreference.objects.create(user=board_member, is_mail_off=True)
    gone = UserFactory(username="gone-manager", role="manager", is_active=False)
    silent = UserFactory(username="no-address", role="board", email="")
    other = UserFactory(username="mia-manager", role="manager")

    monthly_summaries_send(now=FIRST_OF_APRIL)

    received = {address for rcpt in mailbox.recipients for address in rcpt}
    assert other.email in received
    for person in (manager, board_member, gone, silent, staff_member):
        assert person.email not in received
        assert not MonthlySummary.objects.filter(recipient=person).exists()


def test_a_refused_summary_is_recorded_and_sent_by_the_next_run(mailbox, march, manager, board_member):
    mailbox.refuse.append("451 4.3.0 Try again later")

    failed = monthly_summaries_send(now=FIRST_OF_APRIL)

    assert len(failed) == 1
    marker = MonthlySummary.objects.get(recipient_id=failed[0])
    assert (marker.state, marker.error) == ("failed", "SMTPDataError 451")
    monthly_summaries_send(now=FIRST_OF_APRIL.replace(hour=8))
    marker.refresh_from_db()
    assert (marker.state, marker.attempts) == ("sent", 2)
    assert sum(1 for rcpt in mailbox.recipients if rcpt == [marker.recipient.email]) == 1


def test_beat_sends_it_on_the_first_of_the_month_at_seven():
    entry = settings.CELERY_BEAT_SCHEDULE["send-monthly-summaries"]
    assert entry["task"] == "inbox.tasks.reports_monthly"
    schedule = entry["schedule"]
    assert (schedule._orig_day_of_month, schedule._orig_hour, schedule._orig_minute) == (1, 7, 0)


def test_the_task_sends_the_summaries(mailbox, march, manager, time_machine):
    from inbox.reports.tasks import reports_monthly

    time_machine.move_to(FIRST_OF_APRIL, tick=False)
    assert reports_monthly.apply().get() == 0
    assert mailbox.to(manager.email)


def test_managers_turn_it_off_in_their_notification_settings(client_for, manager, staff_member):
    page = reverse("inbox:notification-settings")
    assert "is_monthly_summary_off" in client_for(manager).get(page).content.decode()
    assert "is_monthly_summary_off" not in client_for(staff_member).get(page).content.decode()
    form = {"digest_hour": "8", "is_monthly_summary_off": "on"}
    form |= {kind: "digest" for kind in Notification.Kind.values}
    assert client_for(manager).post(page, form).status_code == 302
    assert MailPreference.objects.get(user=manager).is_monthly_summary_off
