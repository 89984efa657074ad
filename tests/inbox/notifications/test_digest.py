"""The daily digest: at the hour each person picked, what waits for them; nothing when there is nothing; never
twice a day; received by a real mail server on loopback."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inbox.notifications import services
from inbox.notifications.digest import digests_send
from inbox.notifications.models import Digest, MailAttempt, MailPreference, Notification
from inbox.notifications.selectors import digest_readers_due
from tests.factories import CaseFactory, UserFactory
from tests.inbox.notifications.conftest import nl, parts

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A Tuesday morning, five past eight.
MORNING = datetime(2026, 3, 10, 8, 5, tzinfo=AMSTERDAM)
TODAY = MORNING.date()


@pytest.fixture(autouse=True)
def tuesday_morning():
    with time_machine.travel(MORNING, tick=False):
        yield


def a_case(assignee, **fields):
    return CaseFactory(organisation=assignee.organisation, created_by=assignee, assignee=assignee, **fields)


def test_the_digest_lists_what_waits_with_links(mailbox, team, manager):
    piet = team["owner"]
    late = a_case(piet, title="Te laat", first_response_due_at=MORNING - timedelta(hours=3))
    due = a_case(piet, title="Rooster vandaag", resolution_due_at=MORNING + timedelta(hours=6))
    a_case(piet, title="Volgende week", resolution_due_at=MORNING + timedelta(days=7))
    a_case(piet, title="Al dicht", status="closed", first_response_due_at=MORNING - timedelta(hours=3))
    new = CaseFactory(organisation=piet.organisation, created_by=manager, assignee=manager, title="Nieuw binnen")
    CaseFactory(organisation=piet.organisation, title="Van gisteren", created_at=MORNING - timedelta(days=2))
    services.notify(piet, manager, kind=Notification.Kind.APPROVED, url="/inbox/cases/1/", text="Max keurde goed")

    assert digests_send(user_ids=[piet.id], day=TODAY) == []

    (message,) = mailbox.to(piet.email)
    assert message["Subject"] == nl("Your day in Webcare Inbox: %(day)s") % {"day": "dinsdag 10 maart"}
    plain, html = parts(message)
    late_ones, due_today, new_ones = nl("Past their target"), nl("Due today"), nl("New complaints")
    assert plain.index(late_ones) < plain.index(due_today) < plain.index(new_ones)
    assert f"#{late.id} Te laat" in plain.split(due_today)[0]
    assert f"#{due.id} Rooster vandaag" in plain.split(due_today)[1].split(new_ones)[0]
    assert f"#{new.id} Nieuw binnen" in plain
    assert "Volgende week" in plain  # among your open cases
    assert "Al dicht" not in plain
    assert "Van gisteren" not in plain
    assert "Max keurde goed" in plain  # a notification left for the digest
    assert f'href="https://inbox.example.org/inbox/cases/{late.id}/"' in html
    assert str(message["List-Unsubscribe"]).strip().startswith("<https://inbox.example.org/inbox/notifications/")
    assert Digest.objects.get(recipient=piet, day=TODAY).state == "sent"
    assert list(MailAttempt.objects.filter(digest_on=TODAY).values_list("outcome", flat=True)) == ["sent"]


def test_it_is_in_english_for_whoever_reads_english(mailbox, organisation):
    reader = UserFactory(username="eve", role="staff", language="en")
    a_case(reader, title="Open")
    digests_send(user_ids=[reader.id], day=TODAY)
    (message,) = mailbox.messages
    assert message["Subject"] == "Your day in Webcare Inbox: Tuesday 10 March"
    assert message["Content-Language"] == "en"


def test_with_nothing_to_say_no_digest_goes_and_none_later_that_day(mailbox, staff_member, manager):
    assert digests_send(user_ids=[staff_member.id], day=TODAY) == []
    assert mailbox.messages == []
    assert Digest.objects.get(recipient=staff_member, day=TODAY).state == "empty"

    a_case(staff_member, title="Later binnen")
    assert staff_member.id not in digest_readers_due()  # today's is done
    assert digests_send(user_ids=[staff_member.id], day=TODAY) == []
    assert mailbox.messages == []


def test_never_twice_a_day(mailbox, staff_member):
    a_case(staff_member, title="Open")
    digests_send(user_ids=[staff_member.id], day=TODAY)
    digests_send(user_ids=[staff_member.id], day=TODAY)
    assert len(mailbox.messages) == 1
    assert staff_member.id not in digest_readers_due()
    with time_machine.travel(MORNING + timedelta(days=1), tick=False):
        assert staff_member.id in digest_readers_due()  # tomorrow's is due tomorrow


def test_a_notification_read_or_mailed_already_is_not_in_the_digest(mailbox, staff_member, manager):
    read = services.notify(staff_member, manager, kind="approved", url="/inbox/cases/1/", text="Al gelezen")
    mailed = services.notify(staff_member, manager, kind="new_complaint", url="/inbox/cases/2/", text="Al gemaild")
    assert read is not None
    assert mailed is not None
    Notification.objects.filter(id=read.id).update(read_at=MORNING)
    Notification.objects.filter(id=mailed.id).update(emailed_at=MORNING)
    services.notify(staff_member, manager, kind="assigned", url="/inbox/cases/3/", text="Nog te lezen")

    digests_send(user_ids=[staff_member.id], day=TODAY)

    plain, _html = parts(mailbox.messages[0])
    assert "Nog te lezen" in plain
    assert "Al gelezen" not in plain
    assert "Al gemaild" not in plain


def test_a_notification_only_for_the_app_is_not_in_the_digest(mailbox, staff_member, manager):
    MailPreference.objects.create(user=staff_member, deliveries={"assigned": "app"})
    services.notify(staff_member, manager, kind="assigned", url="/inbox/cases/3/", text="Alleen in de app")
    digests_send(user_ids=[staff_member.id], day=TODAY)
    assert mailbox.messages == []


def test_whose_hour_has_come(organisation):
    default = UserFactory(username="default", role="staff")  # 08:00
    at_nine = UserFactory(username="at-nine", role="staff")
    MailPreference.objects.create(user=at_nine, digest_hour=9)
    mail_off = UserFactory(username="mail-off", role="staff")
    MailPreference.objects.create(user=mail_off, is_mail_off=True)
    UserFactory(username="no-address", role="staff", email="")
    UserFactory(username="gone", role="staff", is_active=False)
    UserFactory(username="no-role")

    assert digest_readers_due() == [default.id]
    with time_machine.travel(MORNING + timedelta(hours=1), tick=False):
        assert digest_readers_due() == [default.id, at_nine.id]
    with time_machine.travel(MORNING - timedelta(hours=1), tick=False):
        assert digest_readers_due() == []


def test_a_refused_digest_is_sent_by_its_retry_once(mailbox, staff_member):
    a_case(staff_member, title="Open")
    mailbox.refuse.append("451 4.3.0 Try again later")

    assert digests_send(user_ids=[staff_member.id], day=TODAY) == [staff_member.id]
    assert Digest.objects.get(recipient=staff_member, day=TODAY).state == "failed"
    assert digests_send(user_ids=[staff_member.id], day=TODAY, attempt=2) == []
    assert digests_send(user_ids=[staff_member.id], day=TODAY, attempt=3) == []

    assert len(mailbox.messages) == 1
    rows = MailAttempt.objects.filter(recipient=staff_member).order_by("id")
    assert list(rows.values_list("attempt", "outcome", "error")) == [
        (1, "failed", "SMTPDataError 451"),
        (2, "sent", ""),
    ]


def test_the_digest_task_retries_whose_digest_was_refused(mailbox, staff_member, eager_tasks):
    from inbox.notifications.tasks import digests_send as task

    a_case(staff_member, title="Open")
    mailbox.refuse.append("451 4.3.0 Try again later")
    task.delay([staff_member.id], TODAY.isoformat())
    assert len(mailbox.messages) == 1


def test_many_readers_cost_no_more_queries_than_a_few(settings, organisation):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    def queries_for(count: int, prefix: str) -> int:
        readers = [UserFactory(username=f"{prefix}{n}", role="staff") for n in range(count)]
        for reader in readers:
            a_case(reader, first_response_due_at=MORNING - timedelta(hours=1))
            services.notify(reader, None, kind="assigned", url="/inbox/cases/1/", text="Wacht")
        with CaptureQueriesContext(connection) as captured:
            digests_send(user_ids=[reader.id for reader in readers], day=TODAY)
        return len(captured)

    assert queries_for(2, "a") == queries_for(12, "b")


def test_nearly_late_cases_are_listed_apart_from_late_ones_and_waiting_ones_are_not(mailbox, staff_member):
    nearly = a_case(
        staff_member,
        title="Kleedkamer koud",
        first_response_due_at=MORNING + timedelta(days=2),
        first_response_risk_at=MORNING - timedelta(minutes=10),
    )
    a_case(
        staff_member,
        title="Wacht op klager",
        first_response_due_at=MORNING + timedelta(days=2),
        first_response_risk_at=MORNING - timedelta(minutes=10),
        waiting_since=MORNING - timedelta(hours=1),
    )
    a_case(
        staff_member,
        title="Nog ruim op tijd",
        first_response_due_at=MORNING + timedelta(days=2),
        first_response_risk_at=MORNING + timedelta(days=1),
    )

    assert digests_send(user_ids=[staff_member.id], day=TODAY) == []

    (message,) = mailbox.to(staff_member.email)
    plain, _html = parts(message)
    section = plain.split(nl("Nearly late"))[1].split(nl("Your open cases"))[0]
    assert f"#{nearly.id} Kleedkamer koud" in section
    assert "Wacht op klager" not in section
    assert "Nog ruim op tijd" not in section
