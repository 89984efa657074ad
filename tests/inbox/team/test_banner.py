"""The banner on every page: who answers for us now and, for a stand-in, for whom and until when."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from inbox.team import services
from inbox.team.models import local_moment
from inbox.team.selectors import Responsible
from inbox.team.wording import banner_for
from tests.factories import UserFactory

MONDAY = date(2026, 12, 8) - timedelta(days=1)  # Monday 7 December 2026
FRIDAY = MONDAY + timedelta(days=4)


def standing_in(back_at: datetime, *, whole_days: bool = True) -> Responsible:
    return Responsible(1, "Sanne", "deputy", "Piet", back_at, whole_days, ("Piet",))


@pytest.mark.parametrize(
    ("now", "back_at", "whole_days", "expected"),
    [
        (
            local_moment(MONDAY, time(10)),
            local_moment(FRIDAY + timedelta(days=1)),
            True,
            ("This week", "away up to and including Fri 11 Dec"),
        ),
        (local_moment(MONDAY, time(10)), local_moment(MONDAY, time(14)), False, ("Today", "away until 14:00")),
        (local_moment(MONDAY, time(10)), local_moment(MONDAY + timedelta(days=1)), True, ("Today", "away today")),
        (
            local_moment(FRIDAY, time(16)),
            local_moment(MONDAY + timedelta(days=7), time(9)),
            False,
            ("Now", "away until Mon 14 Dec 09:00"),
        ),
        (
            local_moment(MONDAY, time(10)),
            local_moment(MONDAY + timedelta(days=21)),
            True,
            ("Now", "away up to and including Sun 27 Dec"),
        ),
    ],
    ids=["a week off", "a morning off", "a day off", "over the weekend", "three weeks off"],
)
def test_the_banner_says_until_when_the_stand_in_answers(now, back_at, whole_days, expected):
    with translation.override("en"):
        banner = banner_for(standing_in(back_at, whole_days=whole_days), now)
    assert (banner.name, banner.instead_of, banner.when, banner.away) == ("Sanne", "Piet", *expected)


def test_the_owner_answering_needs_no_explanation():
    banner = banner_for(Responsible(1, "Piet", "owner"), local_moment(MONDAY, time(10)))
    assert (banner.name, banner.when, banner.instead_of) == ("Piet", "", "")


@pytest.mark.django_db
def test_every_page_says_who_stands_in_until_what_time(client_for, organisation, board_member, time_machine):
    piet = UserFactory(username="piet", first_name="Piet", role="staff")
    sanne = UserFactory(username="sanne", first_name="Sanne", role="staff")
    organisation = services.organisation_roster_set(
        actor=board_member, organisation=organisation, owner_id=piet.id, deputy_id=sanne.id
    )
    time_machine.move_to(local_moment(MONDAY, time(9, 30)), tick=False)
    services.absence_record(
        actor=piet,
        organisation=organisation,
        person_id=piet.id,
        starts_on=MONDAY,
        ends_on=MONDAY,
        starts_time=time(9),
        ends_time=time(14),
    )
    client = client_for(sanne)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("inbox:case-list")).text
    assert "Today: <strong>Sanne</strong> (instead of Piet, away until 14:00)" in page
    time_machine.move_to(local_moment(MONDAY, time(14)), tick=False)
    services.responsible_forget(organisation.id)
    assert "<strong>Piet</strong>" in client.get(reverse("inbox:case-list")).text
