from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitoring.feeds.parse import feed_parse, link_unwrap
from tests.conftest import sample

ALERT_URL = "https://www.google.com/alerts/feeds/06331219864226342925/13116384366339738263"


def test_google_alert_entries_read_as_plain_text_with_their_real_links():
    feed = feed_parse(sample("google_alerts.xml"), url=ALERT_URL)

    assert feed.title == 'Google Alert - "De Dolfijnen"'
    first = feed.entries[0]
    assert first.key == "tag:google.com,2013:googlealerts/feed:15551894302158372710"
    assert first.title == "Ouders boos: zwemles De Dolfijnen weer afgelast"
    assert first.url == "https://www.buurtnieuws.example/2026/11/zwemles-afgelast"
    assert first.published_at == datetime(2026, 11, 20, 9, 14, 3, tzinfo=UTC)
    assert "<b>" not in first.snippet
    assert first.snippet.startswith("Voor de derde keer deze maand stond er niemand bij het bad. De Dolfijnen")


def test_percent_encoded_targets_are_unwrapped():
    feed = feed_parse(sample("google_alerts.xml"), url=ALERT_URL)
    assert feed.entries[1].url == "https://reviews.example/nl/de-dolfijnen?sort=newest"


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("https://www.google.com/url?rct=j&url=https://a.example/x&ct=ga", "https://a.example/x"),
        ("https://www.google.com/url?q=https://a.example/y&sa=U", "https://a.example/y"),
        ("https://www.google.com/url?url=javascript:alert(1)", "https://www.google.com/url?url=javascript:alert(1)"),
        ("https://evil.example/url?url=https://a.example/", "https://evil.example/url?url=https://a.example/"),
        ("https://a.example/post", "https://a.example/post"),
    ],
)
def test_link_unwrap_only_follows_google_redirects_to_web_pages(link, expected):
    assert link_unwrap(link) == expected


def test_hostile_markup_is_removed_before_it_is_stored():
    feed = feed_parse(sample("hostile.xml"), url="https://forum.example/feed")
    entry = feed.entries[0]

    assert "<" not in entry.title
    assert "onerror" not in entry.title
    assert "<script" not in entry.content_html
    assert "onclick" not in entry.content_html
    assert "javascript:" not in entry.content_html
    assert "<iframe" not in entry.content_html
    assert '<a href="https://ok.example/x" rel="noopener noreferrer nofollow">that</a>' in entry.content_html
    assert "alert" not in entry.snippet


def test_something_that_is_not_a_feed_is_recognised():
    feed = feed_parse(b"<html><body>Hello</body></html>", url="https://a.example/")
    assert not feed.is_feed
