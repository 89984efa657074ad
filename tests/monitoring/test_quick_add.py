"""A mention staff saw where no feed reaches, added by hand."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from monitoring.models import Mention, Sighting
from monitoring.services.quick_add import mention_quick_add

pytestmark = pytest.mark.django_db


def test_a_mention_added_by_hand_joins_the_inbox_once(organisation, staff_member):
    first = mention_quick_add(
        organisation=organisation,
        url="https://www.facebook.com/dedolfijnen/posts/123?fbclid=abc",
        text="Waardeloze club, nooit meer!",
        author="Petra",
        actor=staff_member,
    )
    again = mention_quick_add(
        organisation=organisation,
        url="https://www.facebook.com/dedolfijnen/posts/123",
        text="Waardeloze club, nooit meer!",
        actor=staff_member,
    )
    assert first.is_new
    assert not again.is_new
    assert again.mention == first.mention
    mention = first.mention
    assert (mention.platform, mention.author, mention.added_by) == ("facebook", "Petra", staff_member)
    assert mention.canonical_url == "https://www.facebook.com/dedolfijnen/posts/123"
    assert mention.suggested_category == Mention.Category.COMPLAINT
    assert Sighting.objects.filter(mention=mention).count() == 1


AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    "published_at",
    [
        datetime(1, 1, 1, tzinfo=AMSTERDAM),  # before year 1 in UTC: a BC timestamp in PostgreSQL
        datetime(1989, 12, 31, 23, 0, tzinfo=UTC),
        timezone.now() + timedelta(days=2),
    ],
)
def test_adding_a_mention_by_hand_refuses_a_date_out_of_range(organisation, staff_member, published_at):
    with pytest.raises(ValidationError) as refused:
        mention_quick_add(
            organisation=organisation,
            url="https://www.facebook.com/dedolfijnen/posts/123",
            text="Waardeloze club",
            published_at=published_at,
            actor=staff_member,
        )
    assert refused.value.message_dict.keys() == {"published_at"}
    assert not Mention.objects.exists()


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>", "ftp://example.org/post"]
)
def test_adding_a_mention_by_hand_takes_only_a_web_address(organisation, staff_member, url):
    with pytest.raises(ValidationError) as refused:
        mention_quick_add(organisation=organisation, url=url, text="Waardeloze club", actor=staff_member)
    assert refused.value.message_dict.keys() == {"url"}
    assert not Mention.objects.exists()
