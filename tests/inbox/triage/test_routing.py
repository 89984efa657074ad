"""A complaint with #fail, a threat or abuse goes to whoever handles complaints the moment a poll finds it."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime
from html import escape

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from inbox.notifications.models import Notification
from inbox.team.models import Absence
from inbox.triage.models import MentionEvent
from inbox.triage.routing import escalates, mentions_route
from inbox.triage.services import mention_assign
from monitoring.models import Mention
from monitoring.services.poll import source_poll
from monitoring.services.quick_add import mention_quick_add
from tests.factories import OrganisationFactory, SourceFactory, UserFactory
from tests.feedserver import Reply

pytestmark = pytest.mark.django_db

FAIL = "Weer geen badmeester bij De Dolfijnen, echt schandalig #fail"
PRAISE = "Geweldig toernooi van De Dolfijnen, bedankt voor de fijne dag"
WORRY = "Mijn klacht over de contributie bij De Dolfijnen is nog niet behandeld, teleurgesteld"


def feed(*texts: str, site: str = "forum.example") -> bytes:
    now = timezone.now()
    items = "".join(
        f"<item><title>{escape(text)}</title><link>https://{site}/t/{number}</link>"
        f"<pubDate>{format_datetime(now - timedelta(minutes=number))}</pubDate>"
        f"<description>{escape(text)}</description></item>"
        for number, text in enumerate(texts)
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>Forum</title>{items}</channel></rss>".encode()


@pytest.fixture
def team(organisation, board_member, manager) -> dict[str, User]:
    piet = UserFactory(username="piet", first_name="Piet", role="staff")
    sanne = UserFactory(username="sanne", first_name="Sanne", role="staff")
    organisation.webcare_owner, organisation.webcare_deputy = piet, sanne
    organisation.save()
    return {"owner": piet, "deputy": sanne, "board": board_member, "manager": manager}


@pytest.fixture
def forum(feed_server, organisation):
    url = feed_server.serve("/forum.xml", Reply(feed(FAIL, PRAISE, WORRY)))
    return SourceFactory(organisation=organisation, name="Forum", url=url)


def poll(source, django_capture_on_commit_callbacks) -> None:
    """A real poll, with what waits for its commit run as it would after it."""
    with django_capture_on_commit_callbacks(execute=True):
        outcome = source_poll(source_id=source.id)
    assert outcome is not None
    assert outcome.new == 3


def holder(text: str) -> str | None:
    mention = Mention.objects.select_related("assignee").get(title=text)
    return mention.assignee.username if mention.assignee else None


def test_it_decides_what_escalates():
    assert escalates("complaint", ["fail"])
    assert escalates("complaint", ["repeated_author", "threat"])
    assert not escalates("complaint", ["repeated_author"])
    assert not escalates("question", ["abuse"])


def test_a_poll_gives_an_escalating_complaint_to_the_owner_and_tells_them(
    team, forum, django_capture_on_commit_callbacks
):
    poll(forum, django_capture_on_commit_callbacks)
    assert (holder(FAIL), holder(PRAISE), holder(WORRY)) == ("piet", None, None)  # a plain complaint waits
    mention = Mention.objects.get(title=FAIL)
    assert mention.status == Mention.Status.NEW  # nobody looked at it yet
    event = MentionEvent.objects.get(mention=mention, action="routed")
    assert (event.actor, event.from_value, event.to_value, event.note) == (None, "owner", "Piet", "")
    told = Notification.objects.get(recipient=team["owner"])
    assert (told.kind, told.url, told.dedupe_key) == (
        "new_complaint",
        reverse("inbox:mention-detail", args=[mention.id]),
        f"mention:{mention.id}:new_complaint",
    )


def test_with_the_owner_away_the_deputy_gets_it_and_the_history_says_why(
    team, forum, organisation, client_for, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    Absence.objects.create(
        organisation=organisation, person=team["owner"], starts_on=today, ends_on=today, recorded_by=team["owner"]
    )
    poll(forum, django_capture_on_commit_callbacks)
    assert holder(FAIL) == "sanne"
    mention = Mention.objects.get(title=FAIL)
    with translation.override("en"):
        assert MentionEvent.objects.get(mention=mention, action="routed").routing_text == (
            "assigned to Sanne: Piet is away"
        )
    client = client_for(team["manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "assigned to Sanne: Piet is away" in client.get(reverse("inbox:mention-detail", args=[mention.id])).text
    told = Notification.objects.get(recipient=team["deputy"], kind="new_complaint")
    assert "Piet" in told.text
    assert not Notification.objects.filter(recipient=team["owner"]).exists()


def test_with_owner_and_deputy_away_a_manager_gets_it_never_the_board(
    team, forum, organisation, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    for role in ("owner", "deputy"):
        Absence.objects.create(
            organisation=organisation, person=team[role], starts_on=today, ends_on=today, recorded_by=team[role]
        )
    poll(forum, django_capture_on_commit_callbacks)
    assert holder(FAIL) == "max-manager"
    event = MentionEvent.objects.get(action="routed")
    assert (event.from_value, event.note) == ("manager", "Piet\nSanne")


def test_without_an_owner_nothing_is_routed(organisation, forum, staff_member, django_capture_on_commit_callbacks):
    poll(forum, django_capture_on_commit_callbacks)
    assert holder(FAIL) is None
    assert not MentionEvent.objects.filter(action="routed").exists()
    assert not Notification.objects.exists()


def test_whoever_took_it_first_keeps_it(team, forum, staff_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        source_poll(source_id=forum.id)
    mention = Mention.objects.get(title=FAIL)
    mention_assign(actor=staff_member, mention_id=mention.id, assignee_id=staff_member.id)
    for callback in waiting:  # the poll's commit comes after the colleague took it
        callback()
    assert holder(FAIL) == "sam-staff"
    assert not MentionEvent.objects.filter(action="routed").exists()


def test_routing_the_same_mentions_twice_changes_and_tells_once(team, forum, django_capture_on_commit_callbacks):
    poll(forum, django_capture_on_commit_callbacks)
    ids = list(Mention.objects.values_list("id", flat=True))
    assert mentions_route(mention_ids=ids) == 0
    assert MentionEvent.objects.filter(action="routed").count() == 1
    assert Notification.objects.count() == 1


def test_a_poll_routes_in_one_query_when_nothing_escalates(team, feed_server, organisation, django_assert_num_queries):
    url = feed_server.serve("/calm.xml", Reply(feed(PRAISE, WORRY)))
    source = SourceFactory(organisation=organisation, url=url)
    source_poll(source_id=source.id)
    ids = list(Mention.objects.values_list("id", flat=True))
    with django_assert_num_queries(1):
        assert mentions_route(mention_ids=ids) == 0


def test_an_outsider_s_complaint_goes_to_their_owner_and_ours_never_hear_of_it(
    team, forum, feed_server, django_capture_on_commit_callbacks
):
    other = OrganisationFactory(name="Hockeyclub De Uilen")
    theirs = UserFactory(username="uil", first_name="Uil", role="staff", organisation=other)
    other.webcare_owner = theirs
    other.save()
    url = feed_server.serve("/uilen.xml", Reply(feed(FAIL, PRAISE, WORRY, site="uilen.example")))
    their_source = SourceFactory(organisation=other, name="Uilenforum", url=url)
    poll(their_source, django_capture_on_commit_callbacks)
    assert Mention.objects.get(organisation=other, title=FAIL).assignee == theirs
    assert not Notification.objects.filter(recipient__organisation=team["owner"].organisation).exists()
    poll(forum, django_capture_on_commit_callbacks)
    assert Mention.objects.get(organisation=team["owner"].organisation, title=FAIL).assignee == team["owner"]
    assert Notification.objects.filter(recipient=theirs).count() == 1


def test_a_complaint_added_by_hand_is_routed_too(team, organisation, staff_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        added = mention_quick_add(
            organisation=organisation, url="https://www.facebook.com/dolfijnen/posts/1", text=FAIL, actor=staff_member
        )
    assert Mention.objects.get(id=added.mention.id).assignee == team["owner"]
