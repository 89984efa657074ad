from __future__ import annotations

import pytest

from monitoring.feeds.decide import canonical_url, poll_plan
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
