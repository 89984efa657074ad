"""Reads: filters, keyset pages, search, author history and the "N new" count, straight on the selectors."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from inbox.triage.selectors import (
    Cursor,
    MentionFilters,
    author_history,
    mention_page,
    mentions_filtered,
    mentions_newer,
)
from inbox.triage.services import case_open
from monitoring.models import Mention
from tests.factories import MentionFactory, SourceFactory

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search needs PostgreSQL")
on_sqlite = pytest.mark.skipif(connection.vendor == "postgresql", reason="the substring search of other databases")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def ids(user, **filters) -> set[int]:
    return set(mentions_filtered(user, MentionFilters(**filters)).values_list("id", flat=True))


def walk(user, filters: MentionFilters, size: int) -> list[int]:
    """Every page of the list, following each page's cursor; the ids in the order shown."""
    seen: list[int] = []
    cursor = None
    for _page in range(100):
        page = mention_page(user=user, filters=filters, before=cursor, size=size)
        seen += [m.id for m in page.mentions]
        if page.next_cursor is None:
            return seen
        # The cursor goes through the URL as text.
        cursor = Cursor.parse(str(page.next_cursor))
    raise AssertionError("the pages never end")


# Filters ---------------------------------------------------------------------------------------------


def test_it_filters_on_status(staff_member, source):
    new = MentionFactory(source=source)
    ignored = MentionFactory(source=source, status="ignored", ignore_reason="spam")
    in_case = MentionFactory(source=source, status="in_case")
    assert ids(staff_member, statuses=("new",)) == {new.id}
    assert ids(staff_member, statuses=("ignored", "in_case")) == {ignored.id, in_case.id}


def test_a_confirmed_category_outweighs_the_suggested_one(staff_member, source):
    suggested = MentionFactory(source=source, suggested_category="complaint")
    confirmed = MentionFactory(source=source, suggested_category="praise", category="complaint")
    overruled = MentionFactory(source=source, suggested_category="complaint", category="question")
    assert ids(staff_member, categories=("complaint",)) == {suggested.id, confirmed.id}
    assert ids(staff_member, categories=("question",)) == {overruled.id}
    assert ids(staff_member, categories=("praise",)) == set()


def test_it_filters_on_platform_and_source(staff_member, organisation, source):
    other_source = SourceFactory(organisation=organisation)
    facebook = MentionFactory(source=source, platform="facebook")
    reddit = MentionFactory(source=other_source, platform="reddit")
    assert ids(staff_member, platforms=("facebook",)) == {facebook.id}
    assert ids(staff_member, source_ids=(other_source.id,)) == {reddit.id}
    assert ids(staff_member, platforms=("facebook",), source_ids=(other_source.id,)) == set()


def test_other_languages_are_everything_but_dutch_and_english(staff_member, source):
    dutch = MentionFactory(source=source, language="nl")
    english = MentionFactory(source=source, language="en")
    german = MentionFactory(source=source, language="de")
    unknown = MentionFactory(source=source, language="")
    assert ids(staff_member, languages=("nl",)) == {dutch.id}
    assert ids(staff_member, languages=("other",)) == {german.id, unknown.id}
    assert ids(staff_member, languages=("en", "other")) == {english.id, german.id, unknown.id}


def test_each_chosen_flag_must_be_there(staff_member, source):
    fail = MentionFactory(source=source, flags=["fail"])
    both = MentionFactory(source=source, flags=["fail", "threat"])
    MentionFactory(source=source, flags=["repeated_author"])
    # "fail" inside another word must not count.
    MentionFactory(source=source, flags=["failed"])
    assert ids(staff_member, flags=("fail",)) == {fail.id, both.id}
    assert ids(staff_member, flags=("fail", "threat")) == {both.id}


def test_assignee_me_none_or_a_person(staff_member, manager, source):
    mine = MentionFactory(source=source, assignee=staff_member)
    theirs = MentionFactory(source=source, assignee=manager)
    nobodys = MentionFactory(source=source)
    assert ids(staff_member, assignees=("me",)) == {mine.id}
    assert ids(manager, assignees=("me",)) == {theirs.id}
    assert ids(staff_member, assignees=("none",)) == {nobodys.id}
    assert ids(staff_member, assignees=(str(manager.id),)) == {theirs.id}
    assert ids(staff_member, assignees=("me", "none")) == {mine.id, nobodys.id}


def test_the_date_range_takes_whole_local_days(staff_member, source):
    def at(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2025, 3, day, hour, minute, tzinfo=AMSTERDAM)

    before = MentionFactory(source=source, published_at=at(9, 23, 59))
    first = MentionFactory(source=source, published_at=at(10, 0, 0))
    last = MentionFactory(source=source, published_at=at(11, 23, 59))
    after = MentionFactory(source=source, published_at=at(12, 0, 0))
    assert ids(staff_member, published_from=date(2025, 3, 10), published_to=date(2025, 3, 11)) == {first.id, last.id}
    assert ids(staff_member, published_from=date(2025, 3, 12)) == {after.id}
    assert ids(staff_member, published_to=date(2025, 3, 9)) == {before.id}


def test_filters_combine(staff_member, source):
    match = MentionFactory(source=source, platform="facebook", language="nl", suggested_category="complaint")
    MentionFactory(source=source, platform="facebook", language="en", suggested_category="complaint")
    MentionFactory(source=source, platform="reddit", language="nl", suggested_category="complaint")
    MentionFactory(source=source, platform="facebook", language="nl", suggested_category="praise")
    found = ids(staff_member, platforms=("facebook",), languages=("nl",), categories=("complaint",), statuses=("new",))
    assert found == {match.id}


def test_people_without_a_role_see_nothing(no_role_user, board_member, source):
    mention = MentionFactory(source=source)
    assert ids(no_role_user) == set()
    assert mention_page(user=no_role_user).mentions == []
    assert ids(board_member) == {mention.id}


def test_a_role_taken_away_empties_the_list_at_once(staff_member, source):
    # The list's query is kept per shape (inbox.triage.selectors._PAGE_QUERIES); who may read is part of the shape.
    mention = MentionFactory(source=source)
    assert [row.id for row in mention_page(user=staff_member).mentions] == [mention.id]
    staff_member.groups.clear()
    again = type(staff_member).objects.get(pk=staff_member.pk)  # as the next request reads the user
    assert mention_page(user=again).mentions == []


# Keyset pages ----------------------------------------------------------------------------------------


def test_pages_have_no_gaps_or_repeats_when_many_share_a_time(staff_member, source):
    now = timezone.now()
    expected = [
        MentionFactory(source=source, published_at=now - timedelta(hours=i // 4)).id for i in range(23)
    ]  # created newest first; equal times fall back to the highest id first
    order = sorted(
        Mention.objects.filter(id__in=expected).values_list("published_at", "id"),
        key=lambda r: (r[0], r[1]),
        reverse=True,
    )
    for size in (1, 3, 4, 7, 50):
        assert walk(staff_member, MentionFilters(), size) == [i for _at, i in order]


def test_filtered_pages_have_no_gaps_or_repeats(staff_member, source):
    now = timezone.now()
    wanted = set()
    for i in range(30):
        mention = MentionFactory(
            source=source, published_at=now - timedelta(minutes=i // 3), platform="facebook" if i % 2 else "reddit"
        )
        if i % 2:
            wanted.add(mention.id)
    shown = walk(staff_member, MentionFilters(platforms=("facebook",)), 4)
    assert len(shown) == len(set(shown)) == 15
    assert set(shown) == wanted


# Search ----------------------------------------------------------------------------------------------


@on_postgresql
def test_a_dutch_search_finds_other_forms_of_the_word(staff_member, source):
    found = MentionFactory(source=source, title="Zwembad", snippet="Ik heb een klacht over het zwembad")
    MentionFactory(source=source, title="Zwembad", snippet="Het water was lekker warm")
    assert ids(staff_member, query="klachten") == {found.id}


@on_postgresql
def test_an_english_search_finds_other_forms_of_the_word(staff_member, source):
    found = MentionFactory(source=source, title="Swimming pool", snippet="Still waiting for my refund")
    MentionFactory(source=source, title="Swimming pool", snippet="Lovely lessons")
    assert ids(staff_member, query="refunds") == {found.id}


@on_postgresql
def test_the_author_is_searched_too(staff_member, source):
    found = MentionFactory(source=source, author="Jansen", snippet="Mooi bad")
    assert ids(staff_member, query="jansen") == {found.id}


@on_postgresql
def test_a_title_match_ranks_above_a_match_in_the_text(staff_member, source):
    now = timezone.now()
    in_text = MentionFactory(
        source=source, title="Zaterdag", snippet="Een klacht over de kleedkamers", published_at=now
    )
    in_title = MentionFactory(
        source=source, title="Klacht over het zwembad", snippet="Het was koud", published_at=now - timedelta(days=30)
    )
    page = mention_page(user=staff_member, filters=MentionFilters(query="klacht"))
    assert [m.id for m in page.mentions] == [in_title.id, in_text.id]


def test_a_search_with_a_filter_that_can_match_nothing_is_an_empty_page(staff_member, source):
    MentionFactory(source=source, title="Klacht", assignee=None)
    for newest_first in (False, True):
        filters = MentionFilters(query="klacht", assignees=("nobody-by-that-name",), newest_first=newest_first)
        page = mention_page(user=staff_member, filters=filters)
        assert (page.mentions, page.next_cursor) == ([], None)


@on_postgresql
def test_best_match_leaves_out_what_the_search_excludes_even_when_the_title_matches(staff_member, source):
    now = timezone.now()
    kept = MentionFactory(source=source, title="Klacht over de les", snippet="Te laat", published_at=now)
    MentionFactory(source=source, title="Klacht over het bad", snippet="Het water was koud", published_at=now)
    MentionFactory(source=source, title="Koud water", snippet="Een klacht", published_at=now)
    in_text = MentionFactory(
        source=source, title="Zaterdag", snippet="Een klacht", published_at=now - timedelta(days=1)
    )
    assert walk(staff_member, MentionFilters(query="klacht -koud"), 1) == [kept.id, in_text.id]


@pytest.mark.parametrize(
    "query", ["'); DROP TABLE monitoring_mention; --", '" OR 1=1 --', "klacht' | 'x", "a & | ! ( ) :* <-> %_\\"]
)
def test_the_search_text_is_only_ever_a_value(staff_member, source, query):
    MentionFactory(source=source, title="Klacht", snippet="Over het zwembad")
    assert ids(staff_member, query=query) == set()
    assert Mention.objects.count() == 1


@on_postgresql
def test_search_results_page_by_rank_without_gaps_or_repeats(staff_member, source):
    now = timezone.now()
    expected = set()
    for i in range(17):
        # Titles rank above texts, and many share one rank and one time: the cursor must split them all.
        title = "Klacht" if i % 3 == 0 else "Zaterdag"
        snippet = "klacht klacht" if i % 3 == 1 else "een klacht"
        expected.add(
            MentionFactory(source=source, title=title, snippet=snippet, published_at=now - timedelta(hours=i // 5)).id
        )
    MentionFactory(source=source, title="Zaterdag", snippet="Mooi weer")
    everything = walk(staff_member, MentionFilters(query="klacht"), 50)
    for size in (1, 2, 5):
        assert walk(staff_member, MentionFilters(query="klacht"), size) == everything
    assert set(everything) == expected
    # Page by page in the order the whole search has: the title matches, then the rest, each newest first.
    assert everything == list(
        mentions_filtered(staff_member, MentionFilters(query="klacht")).values_list("id", flat=True)
    )
    assert mention_page(user=staff_member, filters=MentionFilters(query="klacht"), size=2).next_cursor.rank is not None


@on_postgresql
def test_best_match_puts_title_matches_first_and_the_newest_first_within_them(staff_member, source):
    now = timezone.now()
    old_title = MentionFactory(
        source=source,
        title="Klacht, klacht en nog eens een klacht",
        snippet="klacht",
        published_at=now - timedelta(days=60),
    )
    new_title = MentionFactory(source=source, title="Een klacht over het bad", published_at=now - timedelta(days=2))
    new_text = MentionFactory(source=source, title="Zaterdag", snippet="Mijn klacht", published_at=now)
    old_text = MentionFactory(source=source, title="Vrijdag", snippet="Klachten", published_at=now - timedelta(days=9))
    by_author = MentionFactory(source=source, title="Zondag", author="klacht", published_at=now - timedelta(days=1))
    MentionFactory(source=source, title="Maandag", snippet="Mooi weer", published_at=now)
    best_match = MentionFilters(query="klacht")
    # A title that says it more often does not outrank a newer one that says it once: in an inbox, the
    # newer of two mentions about the same thing matters more.
    assert walk(staff_member, best_match, 2) == [new_title.id, old_title.id, new_text.id, by_author.id, old_text.id]
    ranks = {row.id: row.rank for row in mention_page(user=staff_member, filters=best_match).mentions}
    assert ranks == {new_title.id: 1, old_title.id: 1, new_text.id: 0, by_author.id: 0, old_text.id: 0}


def test_a_search_newest_first_pages_by_publication_without_gaps_or_repeats(staff_member, source):
    now = timezone.now()
    in_title = MentionFactory(source=source, title="Klacht over het bad", published_at=now - timedelta(days=30))
    in_text = [
        MentionFactory(
            source=source, title="Zaterdag", snippet="een klacht", published_at=now - timedelta(hours=i // 3)
        )
        for i in range(7)
    ]
    MentionFactory(source=source, title="Zaterdag", snippet="Mooi weer", published_at=now)
    newest_first = MentionFilters(query="klacht", newest_first=True)
    everything = walk(staff_member, newest_first, 50)
    # Publication order, newest first: the title match, a month old, comes last.
    assert everything == [m.id for m in sorted(in_text, key=lambda m: (m.published_at, m.id), reverse=True)] + [
        in_title.id
    ]
    for size in (1, 3):
        assert walk(staff_member, newest_first, size) == everything
    assert mention_page(user=staff_member, filters=newest_first, size=2).next_cursor.rank is None


@on_sqlite
def test_elsewhere_search_matches_a_part_of_title_text_or_author(staff_member, source):
    by_title = MentionFactory(source=source, title="Klachten over het bad", snippet="")
    by_text = MentionFactory(source=source, title="Zaterdag", snippet="Een KLACHT")
    by_author = MentionFactory(source=source, title="Zondag", snippet="", author="Klachtenlijn")
    MentionFactory(source=source, title="Zondag", snippet="Mooi")
    assert ids(staff_member, query="klacht") == {by_title.id, by_text.id, by_author.id}
    assert set(walk(staff_member, MentionFilters(query="klacht"), 2)) == {by_title.id, by_text.id, by_author.id}


# "N new" ---------------------------------------------------------------------------------------------


def test_newer_counts_only_what_arrived_after_and_matches(staff_member, source):
    MentionFactory.create_batch(3, source=source)
    page = mention_page(user=staff_member, filters=MentionFilters(statuses=("new",)))
    MentionFactory.create_batch(2, source=source)
    MentionFactory(source=source, status="ignored", ignore_reason="spam")
    assert mentions_newer(user=staff_member, filters=MentionFilters(statuses=("new",)), after_id=page.newest_id) == 2
    assert mentions_newer(user=staff_member, filters=MentionFilters(), after_id=page.newest_id) == 3


def test_an_old_mention_further_down_the_list_is_not_new(staff_member, source):
    """A feed that delivers an old entry late gives it a high id: it is on a later page, not new."""
    now = timezone.now()
    MentionFactory.create_batch(3, source=source, published_at=now)
    MentionFactory(source=source, published_at=now - timedelta(days=300))
    page = mention_page(user=staff_member, size=3)
    assert page.next_cursor is not None
    assert mentions_newer(user=staff_member, filters=MentionFilters(), after_id=page.newest_id) == 0


def test_newer_is_capped_at_a_hundred(staff_member, source):
    MentionFactory.create_batch(101, source=source)
    assert mentions_newer(user=staff_member, filters=MentionFilters(), after_id=0) == 100


# Author history --------------------------------------------------------------------------------------


def test_author_history_spans_sources_and_leaves_out_the_mention_itself(staff_member, organisation, source):
    forum = SourceFactory(organisation=organisation, name="Forum")
    mention = MentionFactory(source=source, author="Klaas", suggested_category="complaint")
    elsewhere = MentionFactory(source=forum, author="Klaas", suggested_category="complaint")
    earlier = MentionFactory(source=source, author="Klaas", category="complaint")
    MentionFactory(source=source, author="Kees")
    case = case_open(actor=staff_member, mention_id=earlier.id)

    history = author_history(user=staff_member, mention=mention)

    assert {m.id for m in history.mentions} == {elsewhere.id, earlier.id}
    assert history.complaints == 2
    assert [c.id for c in history.cases] == [case.id]


def test_a_mention_without_an_author_has_no_history(staff_member, source):
    MentionFactory(source=source, author="")
    mention = MentionFactory(source=source, author="")
    assert author_history(user=staff_member, mention=mention).mentions == []
