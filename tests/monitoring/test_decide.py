"""Deciding what a poll changes, without a database or a network: new entries, and the source's health."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitoring.feeds.decide import (
    MAX_BACKOFF,
    MAX_CACHE_WAIT,
    PAUSE_AFTER_FAILURES,
    PollHealth,
    canonical_url,
    health_after_answer,
    health_after_failure,
    poll_plan,
    retry_delay,
)
from monitoring.feeds.parse import feed_parse
from monitoring.feeds.terms import watch_terms_parse
from tests.conftest import sample


def entries():
    return feed_parse(sample("google_alerts.xml"), url="https://www.google.com/alerts/feeds/1/2").entries


def keys(plan):
    return [new.entry.key for new in plan.new_entries]


def test_all_entries_are_new_on_the_first_poll():
    plan = poll_plan(entries(), known_keys=set())
    assert keys(plan) == [e.key for e in entries()]
    assert (plan.duplicates, plan.filtered) == (0, 0)
    assert plan.new_entries[0].canonical_url == "https://www.buurtnieuws.example/2026/11/zwemles-afgelast"


def test_a_second_poll_of_the_same_feed_adds_nothing():
    known = {e.key for e in entries()}
    plan = poll_plan(entries(), known_keys=known)
    assert plan.new_entries == ()
    assert plan.duplicates == 3


def test_an_entry_repeated_inside_one_feed_is_kept_once():
    first, second = entries()[:2]
    plan = poll_plan([first, first, second], known_keys=set())
    assert keys(plan) == [first.key, second.key]
    assert plan.duplicates == 1


def test_watch_terms_leave_out_what_does_not_match_and_mark_what_does():
    terms = watch_terms_parse('"drie clubrecords" ster', "")
    plan = poll_plan(entries(), known_keys=set(), terms=terms)
    assert [new.matched_terms for new in plan.new_entries] == [("ster",), ("drie clubrecords",)]
    assert plan.filtered == 1


def test_exclude_terms_leave_an_entry_out():
    plan = poll_plan(entries(), known_keys=set(), terms=watch_terms_parse("", "zwemles"))
    assert plan.filtered == 1
    assert len(plan.new_entries) == 2


def test_a_search_feed_is_taken_whole():
    plan = poll_plan(entries(), known_keys=set(), terms=watch_terms_parse("ster", "zwemles"), is_query=True)
    assert (len(plan.new_entries), plan.filtered) == (3, 0)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://WWW.Example.NL/Post?id=3#comments", "https://www.example.nl/Post?id=3"),
        ("https://example.nl/a#:~:text=dolfijnen", "https://example.nl/a"),
        ("https://forum.example/t/5480#p12", "https://forum.example/t/5480#p12"),
        ("https://blog.example/post/#comment-77", "https://blog.example/post/#comment-77"),
        ("https://example.nl/a?utm_source=x&utm_medium=y&id=3", "https://example.nl/a?id=3"),
        ("https://example.nl/a?fbclid=abc&gclid=def", "https://example.nl/a"),
        ("http://example.nl:80/a", "http://example.nl/a"),
        ("https://example.nl:443", "https://example.nl/"),
        ("https://example.nl:8443/a", "https://example.nl:8443/a"),
        ("https://example.nl/a?b=2&a=1", "https://example.nl/a?b=2&a=1"),
        ("mailto:info@example.nl", ""),
        ("not a link", ""),
        ("https://[::1]:99999/", ""),
    ],
)
def test_canonical_url_gives_one_spelling_per_page(url, expected):
    assert canonical_url(url) == expected


def test_two_entries_of_one_feed_on_one_link_stay_two_mentions():
    first, second = entries()[:2]
    twin = type(second)(**{**second.__dict__, "key": "other-key", "url": first.url})
    plan = poll_plan([first, twin], known_keys=set())
    assert [new.canonical_url for new in plan.new_entries] == [canonical_url(first.url), ""]


# The source's health after a poll -------------------------------------------------------------------

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
FEED = "https://forum.example/feed.xml"
INTERVAL = timedelta(minutes=15)


def test_backoff_grows_to_at_most_a_day():
    assert retry_delay(failures=1) == timedelta(minutes=1)
    assert retry_delay(failures=11) == timedelta(minutes=1024)
    assert retry_delay(failures=40) == timedelta(hours=24)


def test_a_failure_is_tried_again_soon_then_less_often():
    waits = [health_after_failure(failures=n, now=NOW).next_poll_at - NOW for n in range(1, 7)]
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32)]


def test_a_site_that_asks_for_a_longer_wait_gets_it_up_to_the_longest_backoff():
    asked = health_after_failure(failures=1, now=NOW, retry_after=timedelta(hours=1))
    too_long = health_after_failure(failures=1, now=NOW, retry_after=timedelta(days=7))
    shorter = health_after_failure(failures=5, now=NOW, retry_after=timedelta(seconds=30))
    assert asked.next_poll_at == NOW + timedelta(hours=1)
    assert too_long.next_poll_at == NOW + MAX_BACKOFF
    assert shorter.next_poll_at == NOW + timedelta(minutes=16)  # the backoff, being longer


def test_a_source_is_paused_at_the_tenth_failure_in_a_row_and_not_before():
    assert not health_after_failure(failures=PAUSE_AFTER_FAILURES - 1, now=NOW).is_paused
    assert health_after_failure(failures=PAUSE_AFTER_FAILURES, now=NOW).is_paused
    assert health_after_failure(failures=PAUSE_AFTER_FAILURES + 3, now=NOW).is_paused
    assert PAUSE_AFTER_FAILURES == 10


def test_a_failure_neither_moves_nor_counts_as_not_modified():
    health = health_after_failure(failures=1, now=NOW)
    assert (health.moved_to, health.is_plain_not_modified) == ("", False)


def test_an_answer_brings_the_next_poll_one_interval_on():
    assert health_after_answer(url=FEED, interval=INTERVAL, now=NOW) == PollHealth(next_poll_at=NOW + INTERVAL)


def test_a_feed_that_stays_fresh_longer_is_polled_when_it_goes_stale_up_to_a_bound():
    fresh = health_after_answer(url=FEED, interval=INTERVAL, now=NOW, max_age=timedelta(hours=2))
    shorter = health_after_answer(url=FEED, interval=INTERVAL, now=NOW, max_age=timedelta(minutes=5))
    for_ever = health_after_answer(url=FEED, interval=INTERVAL, now=NOW, max_age=timedelta(days=365))
    assert fresh.next_poll_at == NOW + timedelta(hours=2)
    assert shorter.next_poll_at == NOW + INTERVAL
    assert for_ever.next_poll_at == NOW + MAX_CACHE_WAIT


def test_a_feed_that_moved_for_good_is_followed_to_its_new_address():
    moved = health_after_answer(url=FEED, interval=INTERVAL, now=NOW, permanent_url="https://forum.example/new.xml")
    same = health_after_answer(url=FEED, interval=INTERVAL, now=NOW, permanent_url=FEED)
    assert moved.moved_to == "https://forum.example/new.xml"
    assert same.moved_to == ""
    assert moved.next_poll_at == NOW + INTERVAL


def test_only_a_304_without_a_move_or_a_max_age_is_recorded_with_the_others():
    def plain(**answer):
        return health_after_answer(url=FEED, interval=INTERVAL, now=NOW, **answer).is_plain_not_modified

    assert plain(is_not_modified=True)
    assert not plain()
    assert not plain(is_not_modified=True, max_age=timedelta(seconds=0))
    assert not plain(is_not_modified=True, permanent_url="https://forum.example/new.xml")
    assert not plain(is_not_modified=True, permanent_url=FEED)  # a redirect, if to where it was


def test_health_is_a_value():
    health = health_after_answer(url=FEED, interval=INTERVAL, now=NOW)
    assert health == health_after_answer(url=FEED, interval=INTERVAL, now=NOW)
    with pytest.raises(AttributeError):
        health.is_paused = True  # type: ignore[misc]
