"""Counts beside each filter value: every other filter applies, its own does not."""

from __future__ import annotations

import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inbox.triage import facets
from inbox.triage.selectors import MentionFilters, mention_facets
from inbox.triage.services import mention_ignore
from tests.factories import MentionFactory, SourceFactory

pytestmark = pytest.mark.django_db
URL = reverse("inbox:mention-facets")


def counts(facet_values) -> dict[str, int]:
    return {f.value: f.count for f in facet_values}


def shown_counts(body: str, name: str) -> dict[str, int]:
    """The counts the sidebar shows for one filter, by value, read from the links."""
    section = body.split(f'id="facet-{name}"', 1)[1].split("</section>", 1)[0]
    found = {}
    for link, count in re.findall(r'<a class="facet-value[^"]*" href="([^"]*)".*?facet-count">(\d+)<', section, re.S):
        found[link] = int(count)
    return found


@pytest.fixture
def world(source, organisation, staff_member, manager):
    forum = SourceFactory(organisation=organisation, name="Forum")
    MentionFactory(source=source, platform="facebook", suggested_category="complaint", language="nl", flags=["fail"])
    MentionFactory(source=source, platform="facebook", suggested_category="praise", language="en")
    MentionFactory(source=forum, platform="forum", category="complaint", language="de", assignee=staff_member)
    MentionFactory(source=forum, platform="forum", status="ignored", ignore_reason="spam", assignee=manager)
    return forum


def test_each_dimension_ignores_its_own_choice(staff_member, world):
    facets = mention_facets(user=staff_member, filters=MentionFilters(statuses=("new",), platforms=("facebook",)))
    # Statuses among Facebook mentions; platforms among new mentions.
    assert counts(facets.statuses) == {"new": 2, "triaged": 0, "ignored": 0, "in_case": 0}
    assert counts(facets.platforms) == {"facebook": 2, "forum": 1}
    # The rest count new Facebook mentions only.
    assert counts(facets.categories) == {"complaint": 1, "question": 0, "praise": 1, "other": 0}
    assert counts(facets.languages) == {"nl": 1, "en": 1, "other": 0}
    assert counts(facets.flags)["fail"] == 1


def test_categories_count_the_confirmed_one_before_the_suggestion(staff_member, world):
    facets = mention_facets(user=staff_member, filters=MentionFilters())
    assert counts(facets.categories) == {"complaint": 2, "question": 0, "praise": 1, "other": 1}


def test_sources_people_and_other_languages(staff_member, manager, source, world):
    facets = mention_facets(user=staff_member, filters=MentionFilters())
    assert counts(facets.sources) == {str(source.id): 2, str(world.id): 2}
    assert {f.label for f in facets.sources} == {"Buurtnieuws", "Forum"}
    assert counts(facets.assignees) == {"none": 2, str(staff_member.id): 1, str(manager.id): 1}
    assert counts(facets.languages)["other"] == 2  # German, and one without a language


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search needs PostgreSQL")
def test_counts_follow_the_search(staff_member, source):
    MentionFactory(source=source, title="Klacht", platform="facebook")
    MentionFactory(source=source, title="Lof", platform="forum")
    facets = mention_facets(user=staff_member, filters=MentionFilters(query="klachten"))
    assert counts(facets.platforms) == {"facebook": 1}


def test_it_sends_anonymous_visitors_to_sign_in(client_for):
    assert client_for(None).get(URL)["Location"].startswith(reverse("login"))


def test_it_refuses_users_without_a_role_and_other_methods(client_for, no_role_user, staff_member):
    assert client_for(no_role_user).get(URL).status_code == 403
    assert client_for(staff_member).post(URL).status_code == 405


def test_the_sidebar_shows_counts_and_links_that_toggle_a_value(client_for, board_member, world):
    body = client_for(board_member).get(URL, {"status": "new"}).content.decode()
    statuses = shown_counts(body, "status")
    assert statuses[f"{reverse('inbox:mention-list')}?view=all"] == 3  # "New" switched off again
    assert statuses[f"{reverse('inbox:mention-list')}?status=new&amp;status=ignored"] == 1


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}])
def test_a_bad_date_is_explained_at_its_field_and_the_rest_is_counted(client_for, board_member, world, headers):
    response = client_for(board_member).get(URL, {"status": "new", "to": "2024-13-45"}, headers=headers)
    assert response.status_code == 200
    body = response.content.decode()
    to = re.search(r'<input id="filter-to"[^>]*>', body)
    assert to is not None
    assert 'aria-invalid="true"' in to.group(0)
    assert "Voer een geldige datum in." in body.split('id="filter-to"', 1)[1]
    assert sum(shown_counts(body, "category").values()) == 3  # the new ones, every date


@pytest.mark.parametrize("query", [{"language": "<b>fr</b>"}, {"source": "9" * 25}, {"q": "a\x00b"}])
def test_other_bad_filters_are_left_out_of_the_counts(client_for, board_member, world, query):
    response = client_for(board_member).get(URL, {"status": "new", **query}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<b>fr" not in response.content.decode()
    assert sum(shown_counts(response.content.decode(), "category").values()) == 3


@pytest.mark.parametrize("to", ["9999-12-31", "0001-01-01"])
def test_dates_out_of_range_are_counted_as_the_range_s_ends(client_for, board_member, world, to):
    response = client_for(board_member).get(URL, {"status": "new", "to": to}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    expected = 3 if to.startswith("9999") else 0
    assert sum(shown_counts(response.content.decode(), "category").values()) == expected


def test_cached_counts_are_each_persons_own(client_for, staff_member, manager, world):
    """The same URL ("mine") cached for one person must not answer for another."""
    query = {"view": "all", "assignee": "me"}
    sam = shown_counts(client_for(staff_member).get(URL, query).content.decode(), "status")
    max_ = shown_counts(client_for(manager).get(URL, query).content.decode(), "status")
    link = f"{reverse('inbox:mention-list')}?assignee=me&amp;status="
    assert {k.removeprefix(link): v for k, v in sam.items() if k.startswith(link)}["new"] == 1
    assert {k.removeprefix(link): v for k, v in max_.items() if k.startswith(link)}["ignored"] == 1
    assert {k.removeprefix(link): v for k, v in max_.items() if k.startswith(link)}["new"] == 0


def test_counts_asked_for_after_a_change_show_it(client_for, staff_member, source):
    mention = MentionFactory(source=source)
    client = client_for(staff_member)
    new_link = f"{reverse('inbox:mention-list')}?view=all&amp;status=new"
    assert shown_counts(client.get(URL, {"view": "all"}).content.decode(), "status")[new_link] == 1
    mention_ignore(actor=staff_member, mention_id=mention.id, reason="spam")
    assert shown_counts(client.get(URL, {"view": "all"}).content.decode(), "status")[new_link] == 0


def test_colleagues_share_counts_read_once(client_for, staff_member, manager, world):
    client_for(staff_member).get(URL, {"view": "all"})
    with CaptureQueriesContext(connection) as queries:
        response = client_for(manager).get(URL, {"view": "all"})
    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_a_large_inbox_shows_its_last_counts_with_their_time_while_a_worker_counts_again(
    client_for, staff_member, source, settings, eager_tasks
):
    # Counting that takes longer than this is done in the background once something moved; 0 makes every
    # count "slow" without needing a million mentions.
    settings.INBOX_FACETS_INLINE_SECONDS = 0
    mention = MentionFactory(source=source)
    client = client_for(staff_member)
    new_link = f"{reverse('inbox:mention-list')}?view=all&amp;status=new"
    first = client.get(URL, {"view": "all"}).content.decode()
    assert shown_counts(first, "status")[new_link] == 1
    assert "Tellingen van" not in first

    mention_ignore(actor=staff_member, mention_id=mention.id, reason="spam")
    kept = client.get(URL, {"view": "all"}).content.decode()
    # What was counted before, saying from when; the worker (here: at once) counted again meanwhile.
    assert shown_counts(kept, "status")[new_link] == 1
    assert re.search(r"Tellingen van \d\d:\d\d:\d\d", kept)
    after = client.get(URL, {"view": "all"}).content.decode()
    assert shown_counts(after, "status")[new_link] == 0
    assert "Tellingen van" not in after


def test_a_large_inbox_counts_again_at_most_once_per_window(
    client_for, staff_member, source, settings, monkeypatch, eager_tasks
):
    """Under a stream of changes a selection is counted once per window, not on every read."""
    settings.INBOX_FACETS_INLINE_SECONDS = 0
    monkeypatch.setattr(facets, "REFRESH_FACTOR", 10**6)  # a window far longer than this test
    client = client_for(staff_member)
    client.get(URL, {"view": "all"})
    counted = []
    for _ in range(3):
        mention_ignore(actor=staff_member, mention_id=MentionFactory(source=source).id, reason="spam")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"view": "all"}).status_code == 200
        counted.append(any("COUNT(" in q["sql"].upper() for q in queries.captured_queries))
    assert counted == [True, False, False]


def test_a_small_inbox_shows_current_counts_after_every_change(client_for, staff_member, source):
    client = client_for(staff_member)
    new_link = f"{reverse('inbox:mention-list')}?view=all&amp;status=new"
    for expected in (1, 2, 3):
        MentionFactory(source=source)
        body = client.get(URL, {"view": "all"}).content.decode()
        assert shown_counts(body, "status")[new_link] == expected
        assert "Tellingen van" not in body


def test_a_kept_pane_is_drawn_in_each_reader_s_language(client_for, staff_member, manager, world):
    from django.conf import settings as django_settings

    dutch = client_for(staff_member).get(URL, {"view": "all"}).content.decode()
    english_client = client_for(manager)
    english_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    english = english_client.get(URL, {"view": "all"}).content.decode()
    assert "Klacht" in dutch
    assert "Complaint" in english
    assert "Klacht" not in english


def test_counts_nobody_refreshes_are_made_again_by_the_reader_after_a_while(
    client_for, staff_member, source, settings, monkeypatch
):
    """No worker (down, or busy for long): a count asked of it that does not come is made by a reader, so the pane
    never keeps showing old counts for long."""
    settings.INBOX_FACETS_INLINE_SECONDS = 0
    monkeypatch.setattr(facets, "NEGLECTED_SECONDS", 1)
    mention = MentionFactory(source=source)
    client = client_for(staff_member)
    new_link = f"{reverse('inbox:mention-list')}?view=all&amp;status=new"
    assert shown_counts(client.get(URL, {"view": "all"}).content.decode(), "status")[new_link] == 1
    mention_ignore(actor=staff_member, mention_id=mention.id, reason="spam")
    # Asked of the worker, which does not come: the old counts, saying from when, while it is not long.
    for _ in range(2):
        body = client.get(URL, {"view": "all"}).content.decode()
        assert shown_counts(body, "status")[new_link] == 1
        assert "Tellingen van" in body
    time.sleep(1.1)  # longer than the worker may take (here: one second)
    body = client.get(URL, {"view": "all"}).content.decode()
    assert shown_counts(body, "status")[new_link] == 0
    assert "Tellingen van" not in body


def test_a_selection_never_counted_in_a_large_inbox_is_counted_by_the_worker_while_the_pane_waits(
    client_for, staff_member, source, settings
):
    """A new search or filter of an inbox that takes long to count: the page's request does not count (a web
    process counting a million mentions keeps everybody behind it waiting for seconds); the pane says it is
    counting and asks again in a moment, and the worker's counts are there when it does."""
    from inbox.triage import tasks

    settings.INBOX_FACETS_INLINE_SECONDS = 0  # every count "takes long"
    MentionFactory(source=source, platform="forum")
    client = client_for(staff_member)
    client.get(URL, {"view": "all"})  # the inbox was counted once: it is known to take long
    with CaptureQueriesContext(connection) as queries:
        waiting = client.get(URL, {"view": "all", "platform": "forum"}).content.decode()
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert "Tellen…" in waiting
    retry = re.search(r'hx-get="([^"]+)" hx-trigger="load delay:(\d+)ms" hx-target="#mention-facets"', waiting)
    assert retry is not None
    assert retry.group(1).replace("&amp;", "&") == f"{URL}?view=all&platform=forum"
    assert 'id="facet-status"' not in waiting  # no counts shown as if they were zero

    tasks.facets_refresh.apply(args=(staff_member.id, "view=all&platform=forum"))  # the worker's turn
    body = client.get(retry.group(1).replace("&amp;", "&")).content.decode()
    assert "Tellen…" not in body
    assert shown_counts(body, "status")[f"{reverse('inbox:mention-list')}?platform=forum&amp;status=new"] == 1


def test_background_counts_run_one_at_a_time(client_for, staff_member, source, settings, eager_tasks, caplog):
    """While another selection is being counted in the background, a refresh counts nothing and waits its turn
    (the task is tried again a moment later, a limited number of times); with the turn free it counts, and frees
    the turn after."""
    from django.core.cache import cache

    from inbox.triage import tasks

    settings.INBOX_FACETS_INLINE_SECONDS = 0
    mention = MentionFactory(source=source)
    client = client_for(staff_member)
    new_link = f"{reverse('inbox:mention-list')}?view=all&amp;status=new"
    assert shown_counts(client.get(URL, {"view": "all"}).content.decode(), "status")[new_link] == 1
    mention_ignore(actor=staff_member, mention_id=mention.id, reason="spam")

    assert cache.add(facets.REFRESHING_KEY, 1, timeout=60)  # another refresh is counting
    assert facets.facets_refresh(user_id=staff_member.id, query="view=all") is False
    with CaptureQueriesContext(connection) as queries, caplog.at_level("INFO", logger="celery.app.trace"):
        tasks.facets_refresh.apply(args=(staff_member.id, "view=all"))  # here every try comes at once
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    tries = [r for r in caplog.records if f"Retry in {tasks.REFRESH_TURN_SECONDS}s" in r.getMessage()]
    assert len(tries) == tasks.REFRESH_TURNS
    assert cache.get(facets.REFRESHING_KEY) == 1  # the other refresh's turn, untouched
    assert "Tellingen van" in client.get(URL, {"view": "all"}).content.decode()  # still the old counts

    cache.delete(facets.REFRESHING_KEY)  # that refresh is done
    assert facets.facets_refresh(user_id=staff_member.id, query="view=all") is True
    assert cache.get(facets.REFRESHING_KEY) is None
    body = client.get(URL, {"view": "all"}).content.decode()
    assert shown_counts(body, "status")[new_link] == 0
    assert "Tellingen van" not in body


def test_a_selection_never_counted_is_counted_at_once_when_no_worker_can_be_asked(
    client_for, staff_member, source, settings, monkeypatch
):
    """The task queue cannot be reached: nobody else would count, so the reader does, rather than a pane that
    keeps saying it is counting."""
    from kombu.exceptions import OperationalError

    from inbox.triage import tasks

    def unreachable(*args, **kwargs):
        raise OperationalError("the broker is down")

    settings.INBOX_FACETS_INLINE_SECONDS = 0
    MentionFactory(source=source, platform="forum")
    client = client_for(staff_member)
    client.get(URL, {"view": "all"})
    monkeypatch.setattr(tasks.facets_refresh, "delay", unreachable)
    body = client.get(URL, {"view": "all", "platform": "forum"}).content.decode()
    assert "Tellen…" not in body
    assert shown_counts(body, "status")[f"{reverse('inbox:mention-list')}?platform=forum&amp;status=new"] == 1
