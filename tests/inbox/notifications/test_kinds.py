"""Each kind of notification reaches the right people once, through the changes that cause it; while somebody
is away, whoever stands in for them reads theirs."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inbox.cases import replies
from inbox.cases.services import case_note_add
from inbox.notifications.models import Notification
from inbox.team import services as team_services
from inbox.triage.services import case_open
from monitoring.services.poll import source_poll
from tests.factories import MentionFactory, OrganisationFactory, SourceFactory, UserFactory
from tests.feedserver import Reply as FeedReply
from tests.inbox.notifications.conftest import nl

pytestmark = pytest.mark.django_db


def told(kind: str) -> list[tuple[str, str]]:
    """(recipient, page) of each notification of ``kind``."""
    rows = Notification.objects.filter(kind=kind).order_by("recipient__username", "id")
    return list(rows.values_list("recipient__username", "url"))


def away(team, person, days: int = 2) -> None:
    today = timezone.localdate()
    team_services.absence_record(
        actor=team["board"],
        organisation=person.organisation,
        person_id=person.id,
        starts_on=today,
        ends_on=today + timedelta(days=days),
    )


@pytest.fixture
def case(team, source, manager):
    """A complaint the manager opened; it went to Piet, who handles complaints."""
    opened = case_open(actor=manager, mention_id=MentionFactory(source=source, title="Geen badmeester").id)
    Notification.objects.all().delete()
    return opened


def draft(actor, case) -> int:
    saved = replies.reply_save(
        actor=actor, case_id=case.id, channel="public", text="Sorry!", submission_key=uuid.uuid4()
    )
    return saved.reply.id


def test_a_new_complaint_tells_whoever_handles_complaints_once(team, source, manager, staff_member):
    opened = case_open(actor=manager, mention_id=MentionFactory(source=source).id)
    assert told("new_complaint") == [("piet", opened.get_absolute_url())]
    (notification,) = Notification.objects.filter(kind="new_complaint")
    assert (notification.actor, notification.dedupe_key) == (manager, f"case:{opened.id}:new_complaint")
    assert f"#{opened.id}" in notification.text
    assert not Notification.objects.exclude(kind="new_complaint").exists()  # the routing tells nothing more


def test_a_new_complaint_opened_by_whoever_handles_complaints_tells_nobody(team, source):
    case_open(actor=team["owner"], mention_id=MentionFactory(source=source).id)
    assert not Notification.objects.exists()


def test_with_the_owner_away_the_new_complaint_goes_to_the_deputy(team, source, manager):
    away(team, team["owner"])
    opened = case_open(actor=manager, mention_id=MentionFactory(source=source).id)
    assert told("new_complaint") == [("sanne", opened.get_absolute_url())]


def test_asking_for_approval_tells_each_approver_but_the_writer_once(team, case, manager):
    reply_id = draft(team["owner"], case)
    replies.reply_request_approval(actor=team["owner"], reply_id=reply_id)
    page = case.get_absolute_url()
    assert told("approval_asked") == [("max-manager", page), ("sanne", page)]


def test_an_approval_and_a_comment_tell_the_writer(team, case, manager):
    reply_id = draft(team["owner"], case)
    replies.reply_request_approval(actor=team["owner"], reply_id=reply_id)
    replies.reply_comment(actor=manager, reply_id=reply_id, comment="Iets korter?")
    replies.reply_approve(actor=manager, reply_id=reply_id)
    assert told("reply_comment") == [("piet", case.get_absolute_url())]
    assert told("approved") == [("piet", case.get_absolute_url())]


def test_a_note_tells_the_colleague_it_names(team, case, manager):
    case_note_add(actor=team["owner"], case_id=case.id, text="Bel jij even, @max-manager?")
    assert told("named") == [("max-manager", case.get_absolute_url())]


def test_an_absence_tells_the_deputy_of_each_case_handed_over(team, case):
    away(team, team["owner"])
    assert told("assigned") == [("sanne", case.get_absolute_url())]


def test_a_paused_source_tells_the_board_of_its_own_organisation_only(
    organisation, board_member, staff_member, feed_server
):
    other = OrganisationFactory(name="Buren")
    UserFactory(username="olga-board", role="board", organisation=other)
    UserFactory(username="bob-board-gone", role="board", organisation=organisation, is_active=False)
    source = SourceFactory(
        organisation=organisation, name="Buurtforum", url=feed_server.serve("/down", FeedReply(b"", 500))
    )

    for _ in range(10):
        source_poll(source_id=source.id, force=True)

    assert told("source_paused") == [("bea-board", reverse("monitoring:source-detail", args=[source.id]))]
    assert "Buurtforum" in Notification.objects.get(kind="source_paused").text


def test_a_source_the_board_pauses_itself_tells_nobody(organisation, board_member):
    from monitoring.services.sources import source_pause

    source = SourceFactory(organisation=organisation)
    source_pause(source_id=source.id, actor=board_member)
    assert not Notification.objects.exists()


# Standing in ---------------------------------------------------------------------------------------------------


def test_a_notification_for_somebody_away_goes_to_whoever_stands_in(team, case, manager):
    reply_id = draft(team["owner"], case)
    away(team, team["owner"])
    Notification.objects.all().delete()  # the hand-over's own

    replies.reply_comment(actor=manager, reply_id=reply_id, comment="Iets korter?")

    assert told("reply_comment") == [("sanne", case.get_absolute_url())]
    stand_in = nl("For %(name)s, who is away: %(text)s") % {"name": "Piet", "text": ""}
    assert Notification.objects.get(kind="reply_comment").text.startswith(stand_in)


def test_nobody_is_told_of_their_own_change_while_standing_in(team, case):
    reply_id = draft(team["owner"], case)
    away(team, team["owner"])
    Notification.objects.all().delete()

    replies.reply_comment(actor=team["deputy"], reply_id=reply_id, comment="Ik neem het over")

    assert not Notification.objects.exists()


def test_somebody_back_reads_their_own_again(team, case, manager):
    import time_machine

    reply_id = draft(team["owner"], case)
    away(team, team["owner"], days=0)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        replies.reply_comment(actor=manager, reply_id=reply_id, comment="Iets korter?")
    assert told("reply_comment") == [("piet", case.get_absolute_url())]
