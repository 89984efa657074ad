from __future__ import annotations

from monitoring.feeds.decide import poll_plan
from monitoring.feeds.parse import feed_parse
from tests.conftest import sample


def entries():
    return feed_parse(sample("google_alerts.xml"), url="https://www.google.com/alerts/feeds/1/2").entries


def test_all_entries_are_new_on_the_first_poll():
    plan = poll_plan(entries(), known_keys=set())
    assert [e.key for e in plan.new_entries] == [e.key for e in entries()]
    assert plan.duplicates == 0


def test_a_second_poll_of_the_same_feed_adds_nothing():
    known = {e.key for e in entries()}
    plan = poll_plan(entries(), known_keys=known)
    assert plan.new_entries == ()
    assert plan.duplicates == 3


def test_an_entry_repeated_inside_one_feed_is_kept_once():
    first = entries()[0]
    plan = poll_plan([first, first, entries()[1]], known_keys=set())
    assert [e.key for e in plan.new_entries] == [first.key, entries()[1].key]
    assert plan.duplicates == 1
