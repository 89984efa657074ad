"""Unusual volume: the responsible person hears once per two hours of a source or watch term with more mentions
in the last two hours than on its usual day."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import translation

from accounts.models import User
from inbox.notifications.models import Notification
from inbox.team.models import Absence, local_moment
from inbox.team.volume import volume_watch
from inbox.team.wording import volume_text
from monitoring.models import Source
from monitoring.selectors import mention_volumes
from monitoring.volume import MINIMUM, earlier_limit, is_unusual, window_number
from tests.factories import MentionFactory, OrganisationFactory, SourceFactory, UserFactory

NOW = local_moment(datetime(2026, 12, 9).date(), time(11, 5))  # Wednesday 9 December 2026, 11:05


def test_more_than_a_usual_day_and_at_least_the_minimum_is_unusual():
    assert is_unusual(14, 28)  # 14 in two hours, normally 1 a day
    assert not is_unusual(MINIMUM - 1, 0)  # a quiet source's few posts
    assert is_unusual(MINIMUM, 0)
    assert not is_unusual(20, 20 * 28)  # normally 20 a day
    assert is_unusual(21, 20 * 28)
    assert earlier_limit(14) == 14 * 28


def test_it_says_how_many_and_how_many_usually():
    with translation.override("en"):
        assert volume_text(14, 1.0, term="parkeren") == "14 mentions about 'parkeren' in 2 hours, normally 1 a day"
        assert volume_text(12, 0.2, source="Buurtnieuws") == (
            "12 mentions from 'Buurtnieuws' in 2 hours, normally less than 1 a day"
        )
        assert volume_text(30, 7.6, term="bad") == "30 mentions about 'bad' in 2 hours, normally 8 a day"


def test_one_notice_per_two_hours_of_the_clock():
    assert window_number(NOW.timestamp()) == window_number((NOW + timedelta(minutes=50)).timestamp())
    assert window_number(NOW.timestamp()) != window_number((NOW + timedelta(hours=2)).timestamp())


# Counting and telling ---------------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def owner(organisation) -> User:
    piet = UserFactory(username="piet", first_name="Piet", role="staff")
    organisation.webcare_owner = piet
    organisation.save()
    return piet


@pytest.fixture
def buurtnieuws(organisation) -> Source:
    return SourceFactory(organisation=organisation, name="Buurtnieuws")


def usual(source: Source, per_day: int = 1, *, terms: tuple[str, ...] = ()) -> None:
    """``per_day`` mentions on each of the 28 days before the window."""
    for day in range(1, 29):
        for number in range(per_day):
            said = NOW - timedelta(days=day, minutes=number)
            MentionFactory(source=source, published_at=said, fetched_at=said, matched_terms=list(terms))


def burst(
    source: Source,
    count: int,
    *,
    terms: tuple[str, ...] = (),
    said_ago: timedelta = timedelta(0),
    now: datetime = NOW,
) -> None:
    """``count`` mentions found in the hour and a half before ``now``."""
    for number in range(count):
        found = now - timedelta(minutes=90) + timedelta(minutes=number)
        MentionFactory(source=source, published_at=found - said_ago, fetched_at=found, matched_terms=list(terms))


def told(person: User) -> list[str]:
    notices = Notification.objects.filter(recipient=person, kind="unusual_volume").order_by("id")
    return list(notices.values_list("text", flat=True))


@pytestmark_db
def test_a_burst_on_a_source_and_a_term_is_told_to_the_owner_once_per_window(owner, buurtnieuws):
    usual(buurtnieuws, terms=("parkeren",))
    burst(buurtnieuws, 14, terms=("parkeren",))
    with translation.override("en"):
        assert volume_watch(now=NOW) == 2
        assert volume_watch(now=NOW + timedelta(minutes=15)) == 2  # still unusual, the same window
    assert sorted(told(owner)) == [
        "14 mentions about 'parkeren' in 2 hours, normally 1 a day",
        "14 mentions from 'Buurtnieuws' in 2 hours, normally 1 a day",
    ]
    urls = set(Notification.objects.values_list("url", flat=True))
    assert urls == {f"/inbox/?source={buurtnieuws.id}", "/inbox/?q=parkeren"}
    later = NOW + timedelta(hours=2)
    burst(buurtnieuws, 14, terms=("parkeren",), now=later)  # and on it goes, into the next window
    with translation.override("en"):
        volume_watch(now=later)
    assert len(told(owner)) == 4


@pytestmark_db
def test_a_quiet_source_s_few_posts_and_a_busy_source_s_usual_hours_are_not_unusual(owner, organisation):
    quiet, busy = SourceFactory(organisation=organisation), SourceFactory(organisation=organisation)
    burst(quiet, MINIMUM - 1)
    usual(busy, per_day=15)
    burst(busy, 15)
    assert volume_watch(now=NOW) == 0
    assert told(owner) == []


@pytestmark_db
def test_a_backlog_found_now_but_said_days_ago_is_no_burst(owner, buurtnieuws):
    burst(buurtnieuws, 30, said_ago=timedelta(days=3))
    assert volume_watch(now=NOW) == 0


@pytestmark_db
def test_the_notice_goes_to_whoever_stands_in(owner, buurtnieuws, organisation, manager):
    Absence.objects.create(
        organisation=organisation, person=owner, starts_on=NOW.date(), ends_on=NOW.date(), recorded_by=owner
    )
    burst(buurtnieuws, 12)
    volume_watch(now=NOW)
    assert told(owner) == []
    assert len(told(manager)) == 1


@pytestmark_db
def test_an_outsider_s_burst_is_told_to_them_and_ours_to_us(owner, buurtnieuws):
    other = OrganisationFactory(name="Hockeyclub De Uilen")
    theirs = UserFactory(username="uil", role="staff", organisation=other)
    other.webcare_owner = theirs
    other.save()
    their_source = SourceFactory(organisation=other, name="Uilenforum")
    burst(their_source, 12, terms=("parkeren",))
    volume_watch(now=NOW)
    assert told(owner) == []
    assert len(told(theirs)) == 2
    burst(buurtnieuws, 3, terms=("parkeren",))  # together with theirs it would be 15: each counts its own
    volume_watch(now=NOW + timedelta(minutes=15))
    assert told(owner) == []


@pytestmark_db
def test_the_counts_take_a_few_queries_however_many_mentions(owner, buurtnieuws, django_assert_max_num_queries):
    usual(buurtnieuws, per_day=3, terms=("parkeren",))
    burst(buurtnieuws, 40, terms=("parkeren",))
    with django_assert_max_num_queries(5):  # two over the window, the sources' names, a bounded count each
        volumes = mention_volumes(now=NOW)
    assert sorted((volume.term, volume.recent, volume.earlier) for volume in volumes) == [
        ("", 40, 84),
        ("parkeren", 40, 84),
    ]
