"""Mentions follow their handler's absence too: to whoever stands in, and back if nobody touched them."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from inbox.team import services as team_services
from inbox.team.models import local_moment
from inbox.triage.handover import handovers_settle
from inbox.triage.models import MentionEvent
from inbox.triage.services import mention_assign, mention_categorise, mention_ignore
from monitoring.models import Mention
from tests.factories import MentionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(organisation, board_member):
    piet = UserFactory(username="piet", first_name="Piet", role="staff")
    sanne = UserFactory(username="sanne", first_name="Sanne", role="staff")
    organisation.webcare_owner, organisation.webcare_deputy = piet, sanne
    organisation.save()
    return {"owner": piet, "deputy": sanne, "board": board_member}


@pytest.fixture
def pieten_mentions(team, source):
    mentions = [MentionFactory(source=source) for _ in range(3)]
    for mention in mentions:
        mention_assign(actor=team["owner"], mention_id=mention.id, assignee_id=team["owner"].id)
    mention_ignore(actor=team["owner"], mention_id=mentions[2].id, reason="spam")  # not open: stays
    return mentions


def holders(mentions) -> list[str]:
    return [Mention.objects.get(id=mention.id).assignee.username for mention in mentions]


def away(team, first, last):
    return team_services.absence_record(
        actor=team["board"],
        organisation=team["owner"].organisation,
        person_id=team["owner"].id,
        starts_on=first,
        ends_on=last,
    )


def test_an_absence_from_today_hands_the_open_mentions_to_the_deputy(team, pieten_mentions):
    today = timezone.localdate()
    away(team, today, today + timedelta(days=1))
    assert holders(pieten_mentions) == ["sanne", "sanne", "piet"]
    moved = MentionEvent.objects.filter(action="handed_over").values_list("from_value", "to_value", "actor")
    assert set(moved) == {("Piet", "Sanne", None)}


def test_back_again_the_untouched_mention_returns_and_the_changed_one_stays(team, pieten_mentions):
    today = timezone.localdate()
    away(team, today, today)
    mention_categorise(actor=team["deputy"], mention_id=pieten_mentions[1].id, category="complaint")
    assert handovers_settle(at=local_moment(today + timedelta(days=1))) == (0, 1)
    assert holders(pieten_mentions)[:2] == ["piet", "sanne"]
    assert handovers_settle(at=local_moment(today + timedelta(days=1))) == (0, 0)  # settled once


def test_an_absence_later_waits_for_its_day_and_taking_it_back_returns_them(team, pieten_mentions):
    today = timezone.localdate()
    absence = away(team, today + timedelta(days=2), today + timedelta(days=3))
    assert holders(pieten_mentions)[:2] == ["piet", "piet"]
    assert handovers_settle(at=local_moment(today + timedelta(days=2)))[0] == 2
    team_services.absence_remove(actor=team["board"], organisation=team["owner"].organisation, absence_id=absence.id)
    assert holders(pieten_mentions)[:2] == ["piet", "piet"]


def test_the_stand_in_s_screen_holding_the_old_version_hears_what_changed(team, pieten_mentions, client_for):
    from inbox.exceptions import MentionChanged

    mention = Mention.objects.get(id=pieten_mentions[0].id)
    shown_version = mention.version
    away(team, timezone.localdate(), timezone.localdate())
    with pytest.raises(MentionChanged):
        mention_categorise(actor=team["owner"], mention_id=mention.id, category="praise", version=shown_version)


def test_mentions_follow_an_absence_by_the_hour(team, pieten_mentions, time_machine):
    day = timezone.localdate() + timedelta(days=1)
    time_machine.move_to(local_moment(day, time(8)), tick=False)
    team_services.absence_record(
        actor=team["board"],
        organisation=team["owner"].organisation,
        person_id=team["owner"].id,
        starts_on=day,
        ends_on=day,
        starts_time=time(9),
        ends_time=time(11, 30),
    )
    assert handovers_settle(at=local_moment(day, time(9))) == (2, 0)
    assert holders(pieten_mentions)[:2] == ["sanne", "sanne"]
    assert handovers_settle(at=local_moment(day, time(11, 30))) == (0, 2)
    assert holders(pieten_mentions)[:2] == ["piet", "piet"]
