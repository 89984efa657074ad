"""Replies: what counts as a response, when, and the four-eyes check before a reply goes out."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox.cases import learning as learning
from inbox.cases import replies as replies
from inbox.cases import services as case_services
from inbox.cases.models import Case, CaseEvent, Reply
from inbox.exceptions import CaseRefused
from inbox.notifications.models import Notification
from inbox.playbook.models import FourEyesRule
from tests.inbox.cases.conftest import SAID_AT, fresh, public_reply, status_events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


# Responding --------------------------------------------------------------------------------------------


def test_a_public_reply_logged_as_posted_acknowledges_with_the_platform_time(case, staff_member):
    reply = public_reply(staff_member, case)
    assert fresh(case).first_response_at is None  # a draft is not an answer yet

    replies.reply_mark_posted(
        actor=staff_member,
        reply_id=reply.id,
        link="https://x.example/status/1",
        platform_posted_at=SAID_AT + timedelta(minutes=40),
    )

    case = fresh(case)
    assert case.status == Case.Status.ACKNOWLEDGED
    assert case.first_response_at == SAID_AT + timedelta(minutes=40)
    assert case.moved_private_at is None
    assert status_events(case) == [("sam-staff", "open", "acknowledged")]
    reply.refresh_from_db()
    assert (reply.state, reply.link) == (Reply.State.POSTED, "https://x.example/status/1")


def test_response_time_counts_from_the_publication_and_the_polling_delay_is_apart(case, staff_member):
    reply = public_reply(staff_member, case)
    replies.reply_mark_posted(actor=staff_member, reply_id=reply.id, platform_posted_at=SAID_AT + timedelta(minutes=40))
    case = fresh(case)
    assert case.first_response_time == timedelta(minutes=40)
    assert case.polling_delay == timedelta(minutes=12)


def test_without_a_platform_time_the_moment_it_was_logged_counts(case, staff_member):
    reply = public_reply(staff_member, case)
    before = timezone.now()
    replies.reply_mark_posted(actor=staff_member, reply_id=reply.id)
    case = fresh(case)
    assert before <= case.first_response_at <= timezone.now()


def test_the_first_response_stays_the_first(case, staff_member):
    first, second = public_reply(staff_member, case, "Eerste"), public_reply(staff_member, case, "Tweede")
    replies.reply_mark_posted(actor=staff_member, reply_id=first.id, platform_posted_at=SAID_AT + timedelta(minutes=5))
    replies.reply_mark_posted(actor=staff_member, reply_id=second.id, platform_posted_at=SAID_AT + timedelta(hours=5))
    assert fresh(case).first_response_at == SAID_AT + timedelta(minutes=5)


def test_a_private_message_moves_the_case_private(case, staff_member):
    reply = replies.reply_save(
        actor=staff_member, case_id=case.id, channel=Reply.Channel.PRIVATE, text="Stuur je ons je nummer?",
        submission_key=uuid.uuid4(),
    ).reply  # fmt: skip
    replies.reply_mark_posted(actor=staff_member, reply_id=reply.id)
    case = fresh(case)
    assert case.status == Case.Status.PRIVATE
    assert case.moved_private_at is not None
    assert case.first_response_at is not None


def test_a_private_message_after_the_acknowledgement_moves_it_private(case, staff_member):
    replies.reply_mark_posted(actor=staff_member, reply_id=public_reply(staff_member, case).id)
    private = replies.reply_save(
        actor=staff_member, case_id=case.id, channel=Reply.Channel.PRIVATE, text="Mag ik je bellen?",
        submission_key=uuid.uuid4(),
    ).reply  # fmt: skip
    replies.reply_mark_posted(actor=staff_member, reply_id=private.id)
    assert status_events(case) == [("sam-staff", "open", "acknowledged"), ("sam-staff", "acknowledged", "private")]


@pytest.mark.parametrize("channel", [Reply.Channel.EMAIL, Reply.Channel.PHONE, Reply.Channel.IN_PERSON])
def test_email_phone_and_in_person_count_as_a_response_at_once(case, staff_member, channel):
    before = timezone.now()
    events_before = set(CaseEvent.objects.filter(case=case).values_list("id", flat=True))
    with CaptureQueriesContext(connection) as queries:
        saved = replies.reply_save(
            actor=staff_member, case_id=case.id, channel=channel, text="Gebeld, excuses aangeboden.",
            submission_key=uuid.uuid4(),
        )  # fmt: skip
    assert saved.reply.state == Reply.State.POSTED
    case = fresh(case)
    assert case.status == Case.Status.PRIVATE
    assert before <= case.first_response_at <= timezone.now()
    assert case.moved_private_at is not None
    # One act, one row written once; its history says a reply was sent and the case moved private.
    writes = [
        q["sql"] for q in queries.captured_queries if '"inbox_reply"' in q["sql"] and not q["sql"].startswith("SELECT")
    ]
    assert len(writes) == 1
    events = CaseEvent.objects.filter(case=case).exclude(id__in=events_before).order_by("id")
    assert [(e.action, e.to_value) for e in events] == [("reply_posted", channel), ("status", "private")]


def test_the_same_form_sent_twice_saves_one_reply(case, staff_member):
    key = uuid.uuid4()
    first = replies.reply_save(
        actor=staff_member, case_id=case.id, channel=Reply.Channel.EMAIL, text="Mail gestuurd", submission_key=key
    )
    second = replies.reply_save(
        actor=staff_member, case_id=case.id, channel=Reply.Channel.EMAIL, text="Mail gestuurd", submission_key=key
    )
    assert (first.is_new, second.is_new) == (True, False)
    assert second.reply.id == first.reply.id
    assert Reply.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, action="reply_posted").count() == 1


@pytest.mark.parametrize(("channel", "text"), [("", "Hallo"), ("fax", "Hallo"), ("public", "   ")])
def test_a_reply_needs_a_channel_and_a_text(case, staff_member, channel, text):
    with pytest.raises(CaseRefused):
        replies.reply_save(actor=staff_member, case_id=case.id, channel=channel, text=text, submission_key=uuid.uuid4())
    assert not Reply.objects.exists()


def test_marking_a_reply_posted_twice_keeps_the_first_log(case, staff_member):
    reply = public_reply(staff_member, case)
    replies.reply_mark_posted(actor=staff_member, reply_id=reply.id, link="https://x.example/1")
    replies.reply_mark_posted(actor=staff_member, reply_id=reply.id, link="https://x.example/2")
    reply.refresh_from_db()
    assert reply.link == "https://x.example/1"
    assert CaseEvent.objects.filter(case=case, action="reply_posted").count() == 1


# Four eyes ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "needs"),
    [
        ({"priority": "high"}, True),
        ({"priority": "urgent"}, False),
        ({"category": "complaint"}, True),
        ({"category": "praise"}, False),
        ({"priority": "high", "category": "complaint"}, True),
        ({"priority": "high", "category": "question"}, False),
        ({}, True),
    ],
)
def test_a_matching_four_eyes_rule_makes_a_public_reply_need_approval(case, staff_member, organisation, rule, needs):
    FourEyesRule.objects.create(organisation=organisation, **rule)
    case_services.case_update(actor=staff_member, case_id=case.id, version=None, priority=Case.Priority.HIGH)
    assert public_reply(staff_member, case).needs_approval is needs
    private = replies.reply_save(
        actor=staff_member, case_id=case.id, channel=Reply.Channel.PRIVATE, text="Privé", submission_key=uuid.uuid4()
    ).reply
    assert private.needs_approval is False


def test_without_rules_no_reply_waits_for_approval(case, staff_member):
    assert public_reply(staff_member, case).needs_approval is False


def test_a_reply_under_four_eyes_goes_out_only_after_somebody_else_approves(
    case, organisation, staff_member, colleague, deputy, owner, manager
):
    FourEyesRule.objects.create(organisation=organisation, category="complaint")
    reply = public_reply(staff_member, case)

    with pytest.raises(CaseRefused, match="approval"):
        replies.reply_mark_posted(actor=staff_member, reply_id=reply.id)
    replies.reply_request_approval(actor=staff_member, reply_id=reply.id)
    asked = set(Notification.objects.values_list("recipient__username", flat=True))
    assert asked == {"dirk-deputy", "olga-owner", "max-manager"}

    with pytest.raises(CaseRefused, match="somebody else"):
        replies.reply_approve(actor=staff_member, reply_id=reply.id)
    with pytest.raises(CaseRefused, match="Only the webcare owner"):
        replies.reply_approve(actor=colleague, reply_id=reply.id)
    with pytest.raises(CaseRefused):
        replies.reply_mark_posted(actor=staff_member, reply_id=reply.id)
    assert fresh(case).first_response_at is None

    replies.reply_approve(actor=deputy, reply_id=reply.id, comment="Prima zo.")
    reply.refresh_from_db()
    assert (reply.state, reply.approved_by) == (Reply.State.APPROVED, deputy)
    assert Notification.objects.filter(recipient=staff_member, actor=deputy).exists()

    replies.reply_mark_posted(actor=staff_member, reply_id=reply.id, link="https://x.example/2")
    assert fresh(case).status == Case.Status.ACKNOWLEDGED


def test_a_manager_approves_too(case, organisation, staff_member, manager):
    FourEyesRule.objects.create(organisation=organisation)
    reply = public_reply(staff_member, case)
    replies.reply_request_approval(actor=staff_member, reply_id=reply.id)
    replies.reply_approve(actor=manager, reply_id=reply.id)
    reply.refresh_from_db()
    assert reply.approved_by == manager


def test_a_manager_may_not_approve_their_own_reply(case, organisation, manager):
    FourEyesRule.objects.create(organisation=organisation)
    reply = public_reply(manager, case)
    with pytest.raises(CaseRefused):
        replies.reply_approve(actor=manager, reply_id=reply.id)


def test_a_comment_tells_the_author(case, staff_member, manager):
    reply = public_reply(staff_member, case)
    replies.reply_comment(actor=manager, reply_id=reply.id, comment="Noem de badmeester niet bij naam.")
    told = Notification.objects.get(recipient=staff_member)
    assert told.actor == manager
    assert (told.kind, told.url) == ("reply_comment", case.get_absolute_url())
    event = CaseEvent.objects.get(case=case, action="reply_comment")
    assert (event.actor, event.note) == (manager, "Noem de badmeester niet bij naam.")


def test_the_author_is_not_told_of_their_own_comment(case, staff_member):
    reply = public_reply(staff_member, case)
    replies.reply_comment(actor=staff_member, reply_id=reply.id, comment="Nog even naar kijken")
    assert not Notification.objects.exists()
    with pytest.raises(CaseRefused):
        replies.reply_comment(actor=staff_member, reply_id=reply.id, comment="  ")
