"""Reading feeds into our dataclasses: Google redirects, RSS, Atom and RDF, links, titles and dates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitoring.feeds.parse import ParsedFeed, feed_parse, link_unwrap, title_from_text
from monitoring.feeds.platforms import Platform
from tests.conftest import sample

ALERT_URL = "https://www.google.com/alerts/feeds/06331219864226342925/13116384366339738263"


# What the parser makes of real captured feeds (sources in tests/data/SOURCES.md).


def parse(name: str, url: str, kind: str = "feed") -> ParsedFeed:
    return feed_parse(sample(name), url=url, kind=kind)


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


def test_something_that_is_not_a_feed_is_recognised():
    feed = feed_parse(b"<html><body>Hello</body></html>", url="https://a.example/")
    assert not feed.is_feed


def test_rdf_items_are_read():
    feed = parse("rdf_pecl.xml", "https://pecl.php.net/feeds/pkg_apc.rss")

    assert feed.is_feed
    assert [entry.title for entry in feed.entries] == [
        "APC 3.1.13RC2",
        "APC 3.1.12a1",
        "APC 3.1.11b1",
        "APC 3.1.10-beta1",
        "APC 3.1.9",
    ]
    assert feed.entries[0].url == "https://pecl.php.net/package-changelog.php?package=APC&release=3.1.13"
    assert feed.entries[0].published_at == datetime(2012, 9, 3, 18, 15, 17, tzinfo=UTC)


def test_an_rdf_channel_gives_title_author_and_content():
    feed = parse("rdf_typepad.xml", "http://www.avibryant.com/index.rdf")

    entry = feed.entries[0]
    assert feed.title == "HREF Considered Harmful"
    assert entry.title == "Chrome, V8 and Strongtalk"
    assert entry.author == "Avi"
    assert entry.published_at == datetime(2008, 9, 2, 19, 50, 7, tzinfo=UTC)
    assert entry.snippet.startswith("There's lots to like about Google's new web browser, Chrome")
    assert '<a href="http://www.google.com/chrome" rel="noopener noreferrer nofollow">Chrome</a>' in entry.content_html
    assert "<img" not in entry.content_html


def test_links_are_resolved_against_xml_base():
    feed = parse("atom_xmlbase.xml", "https://feeds.example/xmlbase.atom")

    assert len(feed.entries) == 16
    assert {entry.url for entry in feed.entries} == {"http://example.org/tests/base/result.html"}
    for entry in feed.entries[4:]:
        # Each test entry links to the address its own text names.
        assert f'<a href="{entry.snippet}" rel="noopener noreferrer nofollow">' in entry.content_html


def test_relative_links_are_resolved_against_the_feed_address():
    feed = parse("rss_relative_links.xml", "https://muziekschool.example/nieuws/feed.xml")

    assert [entry.url for entry in feed.entries] == [
        "https://muziekschool.example/nieuws/open-lesdag",
        "https://muziekschool.example/nieuws/docenten/anna",
    ]
    assert '<a href="https://muziekschool.example/agenda" rel="noopener noreferrer nofollow">' in (
        feed.entries[0].content_html
    )


def test_relative_links_without_any_base_are_left_out():
    feed = parse("rss_relative_links.xml", "")
    assert [entry.url for entry in feed.entries] == ["", ""]
    assert [entry.title for entry in feed.entries] == ["Open lesdag", "Nieuwe docent piano"]


def test_entries_without_a_title_get_one_from_their_text():
    feed = parse("rss_missing_titles.xml", "https://speeltuinzuid.example/feed/")

    long, short, linkless = feed.entries
    assert long.title == "De speeltuin is deze week gesloten wegens onderhoud aan de schommels en de…"
    assert short.title == "Bedankt!"
    assert linkless.title == "Vrijwilligers gezocht voor de kerstmarkt op 12 december. Meld je aan bij de…"
    assert short.key == "https://speeltuinzuid.example/berichten/42"
    assert linkless.url == ""
    assert linkless.key.startswith("sha1:")
    assert linkless.key == parse("rss_missing_titles.xml", "https://speeltuinzuid.example/feed/").entries[2].key


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Kort bericht.", "Kort bericht."),
        ("a" * 80, "a" * 80),
        ("a" * 100, "a" * 79 + "…"),
        ("woord " * 20, "woord woord woord woord woord woord woord woord woord woord woord woord woord…"),
        ("Eerste deel, " + "x" * 100, "Eerste deel…"),
    ],
)
def test_a_title_made_from_text_stops_at_a_word_with_an_ellipsis(text, title):
    assert title_from_text(text.strip()) == title


def test_wordpress_comments_read_as_titled_entries_by_their_author():
    feed = parse("wordpress_comments.xml", "https://www.dedolfijnen.example/2026/11/nieuwe-zwemtijden/feed/")

    assert feed.title == "Reacties op: Nieuwe zwemtijden vanaf januari"
    assert feed.problem == ""
    first, reply = feed.entries
    assert first.title == "Door: Marieke"
    assert first.author == "Marieke"
    assert first.key == "https://www.dedolfijnen.example/?p=1187#comment-412"
    assert first.url == "https://www.dedolfijnen.example/2026/11/nieuwe-zwemtijden/#comment-412"
    assert first.published_at == datetime(2026, 11, 20, 19, 2, 11, tzinfo=UTC)
    assert reply.snippet.startswith("In reactie op Marieke. Dank voor je reactie!")
    assert reply.platform == Platform.WEB


def test_a_wordpress_post_loses_its_onclick_trackers_but_keeps_its_text():
    feed = parse("wordpress_posts.xml", "http://tenderlovemaking.com/feed/")

    entry = feed.entries[0]
    assert feed.problem == ""
    assert entry.title == "Nokogiri\u2019s Slop Feature"
    assert entry.author == "Aaron Patterson"
    assert entry.key == "http://tenderlovemaking.com/?p=198"
    assert "onclick" not in entry.content_html
    assert "javascript:" not in entry.content_html
    assert "urchinTracker" not in entry.content_html
    assert (
        '<a href="http://nokogiri.rubyforge.org/" rel="noopener noreferrer nofollow">nokogiri</a>' in entry.content_html
    )
    # Markup written as text inside CDATA stays text, escaped once.
    assert "&lt;html&gt;" in entry.content_html
    assert "&amp;lt;" not in entry.content_html


IMPOSSIBLE_DATES = [
    "0001-01-01T00:10:00+01:00",  # year 0 in UTC: Python has no such year
    "9999-12-31T23:59:59-14:00",  # year 10000 in UTC
    "Mon, 01 Jan 0001 00:00:00 +0100",
    "1969-12-31T23:59:59Z",  # a real moment, but long before anyone said anything online
    "2999-01-01T00:00:00Z",
]


@pytest.mark.parametrize("date", IMPOSSIBLE_DATES)
@pytest.mark.parametrize("way", ["plain atom", "atom read by feedparser", "rss"])
def test_a_date_out_of_range_is_read_as_unknown_and_the_rest_of_the_feed_kept(date, way):
    unusual = '<x:extra xmlns:x="urn:x">y</x:extra>' if way == "atom read by feedparser" else ""
    if way == "rss":
        content = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Forum</title>'
            f"<item><title>Oud bericht</title><link>https://forum.example/t/1</link><pubDate>{date}</pubDate></item>"
            "<item><title>Nieuw</title><link>https://forum.example/t/2</link>"
            "<pubDate>Fri, 20 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>"
        ).encode()
    else:
        content = (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Forum</title>'
            f'<entry><id>1</id><title>Oud bericht</title><link href="https://forum.example/t/1"/>{unusual}'
            f"<published>{date}</published></entry>"
            '<entry><id>2</id><title>Nieuw</title><link href="https://forum.example/t/2"/>'
            "<published>2026-11-20T10:00:00Z</published></entry></feed>"
        ).encode()

    feed = feed_parse(content, url="https://forum.example/feed")

    assert [entry.title for entry in feed.entries] == ["Oud bericht", "Nieuw"]
    assert feed.entries[0].published_at is None
    assert feed.entries[1].published_at == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
