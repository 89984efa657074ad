from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.utils import translation

from monitoring.feeds.clean import ALLOWED_TAGS
from monitoring.feeds.parse import ParsedFeed, feed_parse, link_unwrap, title_from_text
from monitoring.feeds.platforms import Platform
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


# What the parser makes of real captured feeds, kind by kind (sources in tests/data/SOURCES.md).


def parse(name: str, url: str, kind: str = "feed") -> ParsedFeed:
    return feed_parse(sample(name), url=url, kind=kind)


def everything_said(feed: ParsedFeed) -> str:
    """Every text the parser hands on, to check what must never be in any of it."""
    return repr(feed)


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("google_alerts.xml", '"De Dolfijnen"'),
        ("google_alerts_inauguracion.xml", "inauguracion de arte"),
        ("google_alerts_philip_dick.xml", "Philip Dick New"),
        ("google_alerts_entities.xml", "dolfijnen zwemles"),
    ],
)
def test_a_google_alert_names_the_query_it_watches(name, query):
    assert parse(name, ALERT_URL, kind="google_alerts").query == query


def test_a_feed_that_is_not_a_google_alert_has_no_query():
    assert parse("wordpress_comments.xml", "https://www.dedolfijnen.example/feed/").query == ""


def test_a_google_alerts_feed_is_recognised_without_being_told():
    feed = parse("google_alerts_inauguracion.xml", ALERT_URL)
    assert feed.query == "inauguracion de arte"
    assert feed.entries[1].publisher == "El Martutino"


def test_google_alerts_entries_from_a_real_capture_read_as_plain_text():
    feed = parse("google_alerts_inauguracion.xml", ALERT_URL, kind="google_alerts")

    assert feed.problem == ""
    assert len(feed.entries) == 2
    first = feed.entries[0]
    assert first.key == "tag:google.com,2013:googlealerts/feed:6225395255318560712"
    assert first.title == "Exposición “Estación Umbría” lleva el bosque milenario de La Araucanía hasta la UCT"
    assert first.url == (
        "https://www.uct.cl/actualidad/noticias/exposicion-estacion-umbria-lleva-el-bosque-milenario-de-la-araucania-hasta-la-uct/"
    )
    assert first.snippet == (
        "Carolina Acuña, egresada de Artes Visuales con especialidad en Grabado y Magíster por la Universidad de "
        "Chile, se ha dedicado desde el término de sus ..."
    )
    assert first.published_at == datetime(2026, 8, 14, 3, 38, 2, tzinfo=UTC)
    assert first.author == ""
    assert first.publisher == ""
    assert "<" not in first.snippet
    assert "&nbsp;" not in first.snippet


def test_google_alerts_take_the_publisher_from_a_title_suffix_that_names_the_linked_site():
    entry = parse("google_alerts_inauguracion.xml", ALERT_URL, kind="google_alerts").entries[1]

    assert entry.title == "ArtePuerto 2026 reúne a 34 artistas en exposición gratuita en Valparaíso"
    assert entry.publisher == "El Martutino"
    assert entry.url == (
        "https://www.elmartutino.cl/noticia/cultura/artepuerto-2026-reune-34-artistas-en-exposicion-gratuita-en-valparaiso"
    )


def test_google_alerts_decode_entities_google_escaped_twice():
    nos, telegraaf, _sport, indeed = parse("google_alerts_entities.xml", ALERT_URL, kind="google_alerts").entries

    assert nos.title == "Zwemles Dolfijnen weer afgelast: “Ik ben het zat”"
    assert nos.publisher == "NOS"
    assert nos.snippet == 'Ouders van de zwemles bij De Dolfijnen zijn boos. "Voor de derde keer", zegt een moeder. ...'
    assert telegraaf.title == 'Recensie De Dolfijnen: "nooit meer"'
    assert telegraaf.publisher == "De Telegraaf"
    assert telegraaf.snippet == "Het zwembad was koud en de les begon een kwartier te laat \u2013 'nooit meer'."
    assert "&amp;#" not in telegraaf.content_html
    assert indeed.title == "Vacature zweminstructeur De Dolfijnen - Utrecht"
    assert indeed.publisher == "Indeed.com"
    assert indeed.url == "https://nl.indeed.com/viewjob?jk=4f2a9c0e1b7d3a55"


def test_a_dash_that_does_not_name_the_linked_site_stays_in_the_title():
    sport = parse("google_alerts_entities.xml", ALERT_URL, kind="google_alerts").entries[2]
    assert sport.title == "Uitslag Dolfijnen - Zeehonden"
    assert sport.publisher == ""


def alert(title: str, target: str) -> bytes:
    return (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Google Alert - dolfijnen</title><entry>'
        "<id>tag:google.com,2013:googlealerts/feed:1</id>"
        f'<title type="html">{title}</title>'
        f'<link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url={target}&amp;ct=ga"/>'
        "<published>2026-11-20T09:00:00Z</published></entry></feed>"
    ).encode()


@pytest.mark.parametrize(
    ("title", "target", "expected_title", "publisher"),
    [
        ("Zwemles weer afgelast | De Telegraaf", "https://www.telegraaf.nl/a", "Zwemles weer afgelast", "De Telegraaf"),
        ("Zwemles weer afgelast - NOS", "https://nos.nl/artikel/1", "Zwemles weer afgelast", "NOS"),
        (
            "Zwemles weer afgelast \u2013 RTV Utrecht",
            "https://www.rtvutrecht.nl/a",
            "Zwemles weer afgelast",
            "RTV Utrecht",
        ),
        ("Zwemles weer afgelast - BBC News", "https://www.bbc.co.uk/news/1", "Zwemles weer afgelast", "BBC News"),
        (
            "Zwemles weer afgelast - Eindhovens Dagblad",
            "https://www.ed.nl/a",
            "Zwemles weer afgelast - Eindhovens Dagblad",
            "",
        ),
        ("Afgelast - NOS", "https://nos.nl/artikel/1", "Afgelast - NOS", ""),
        ("Zwemles weer afgelast - NOS ...", "https://nos.nl/artikel/1", "Zwemles weer afgelast - NOS ...", ""),
        (
            "Zwemles - de ouders van de zwemclub zijn het zat en gaan weg",
            "https://nos.nl/a",
            "Zwemles - de ouders van de zwemclub zijn het zat en gaan weg",
            "",
        ),
        ("Ouders boos: zwemles weer afgelast", "https://nos.nl/a", "Ouders boos: zwemles weer afgelast", ""),
        ("Zwemclub-nieuws weer afgelast", "https://nos.nl/a", "Zwemclub-nieuws weer afgelast", ""),
    ],
)
def test_only_a_short_last_segment_naming_the_site_is_taken_as_publisher(title, target, expected_title, publisher):
    entry = feed_parse(alert(title, target), url=ALERT_URL, kind="google_alerts").entries[0]
    assert (entry.title, entry.publisher) == (expected_title, publisher)


def test_google_alerts_entries_are_placed_on_the_platform_of_their_real_link():
    platforms = [e.platform for e in parse("google_alerts_entities.xml", ALERT_URL, kind="google_alerts").entries]
    assert platforms == [Platform.NEWS, Platform.NEWS, Platform.WEB, Platform.WEB]


MASTODON_ACCOUNT_URL = "https://toot.cat/@DPSsys.rss"
MASTODON_TAG_URL = "https://hachyderm.io/tags/kubernetes.rss"


def test_mastodon_posts_get_a_title_from_their_text():
    feed = parse("mastodon_account.xml", MASTODON_ACCOUNT_URL, kind="mastodon")

    titles = [entry.title for entry in feed.entries]
    assert titles == [
        'Have you ever thought of someone saying "The man" seems normal but "The woman"…',
        "I tried full body tracking in VRChat for the first time yesterday and did some…",
        "https://vore.website/ This is an RSS reader",
        "https://www.npmjs.com/package/clit The name of this",
        "Actually everyone does *woof*",
    ]
    assert all(len(title) <= 80 for title in titles)


def test_mastodon_authors_are_the_account_handles_from_the_post_links():
    account = parse("mastodon_account.xml", MASTODON_ACCOUNT_URL, kind="mastodon")
    hashtag = parse("mastodon_hashtag.xml", MASTODON_TAG_URL, kind="mastodon")

    assert {entry.author for entry in account.entries} == {"@DPSsys@toot.cat"}
    assert [entry.author for entry in hashtag.entries] == [
        "@jon404@ioc.exchange",
        "@k8s_releases@botsin.space",
        "@ErikBussink@vmst.io",
        "@imdciangot@fosstodon.org",
    ]


def test_a_mastodon_post_keeps_its_link_date_and_paragraphs():
    first = parse("mastodon_hashtag.xml", MASTODON_TAG_URL, kind="mastodon").entries[0]

    assert first.key == "https://ioc.exchange/@jon404/111544891736153138"
    assert first.url == "https://ioc.exchange/@jon404/111544891736153138"
    assert first.published_at == datetime(2023, 12, 8, 12, 52, 54, tzinfo=UTC)
    assert first.title == "Shameless blog series plug If you're in to #kubernetes and #homelab setups…"
    assert first.content_html.startswith("<p>Shameless blog series plug</p><p>If you're in to <a href=")
    assert first.platform == Platform.MASTODON


def test_an_image_description_does_not_replace_the_mastodon_post():
    with_images = parse("mastodon_account.xml", MASTODON_ACCOUNT_URL, kind="mastodon").entries[1]

    assert with_images.snippet.startswith("I tried full body tracking in VRChat")
    assert with_images.snippet.endswith('an interesting "interpretive dance"')
    assert "gargoyle" not in with_images.snippet
    assert "gargoyle" not in with_images.content_html
    assert "&lt;p&gt;" not in with_images.content_html


def test_a_mastodon_feed_is_recognised_by_its_generator():
    feed = parse("mastodon_account.xml", "https://toot.cat/@DPSsys.rss")
    assert feed.entries[0].author == "@DPSsys@toot.cat"
    assert feed.entries[0].platform == Platform.MASTODON


REDDIT_URL = "https://www.reddit.com/r/kubernetes/.rss"


def test_reddit_authors_are_written_as_u_slash_name():
    feed = parse("reddit_subreddit.xml", REDDIT_URL, kind="reddit")
    assert [entry.author for entry in feed.entries] == [
        "u/gctaylor",
        "u/gctaylor",
        "u/Lanky-Ad4698",
        "u/abexami",
        "u/ekayan",
    ]


def test_reddit_keeps_titles_and_drops_its_submitted_by_footer():
    feed = parse("reddit_subreddit.xml", REDDIT_URL, kind="reddit")

    first = feed.entries[0]
    assert feed.title == "Kubernetes"
    assert first.title == "Monthly: Who is hiring?"
    assert first.url == "https://www.reddit.com/r/kubernetes/comments/18895rv/monthly_who_is_hiring/"
    assert first.published_at == datetime(2023, 12, 1, 11, 0, 17, tzinfo=UTC)
    assert first.snippet.startswith("This monthly post can be used to share Kubernetes-related job openings")
    assert first.snippet.endswith("Negative, inflammatory, or abrasive tone")
    assert "<strong>your</strong>" in first.content_html
    for entry in feed.entries:
        assert "submitted by" not in entry.snippet
        assert "[link]" not in entry.content_html
        assert "[Kommentare]" not in entry.content_html
        assert "SC_OFF" not in entry.content_html
    assert feed.entries[4].title == "[Request for opinion] : CPU limits in the K8s world"


def test_reddit_keys_are_reddit_ids_whatever_the_feed_address():
    one = parse("reddit_subreddit.xml", REDDIT_URL, kind="reddit")
    other = parse("reddit_subreddit.xml", "https://old.reddit.com/r/kubernetes/new/.rss", kind="reddit")
    keys = [entry.key for entry in one.entries]
    assert keys == ["t3_18895rv", "t3_18dkeyn", "t3_18f3d7o", "t3_18f5b8v", "t3_18exirq"]
    assert [entry.key for entry in other.entries] == keys


YOUTUBE_URL = "https://www.youtube.com/feeds/videos.xml?channel_id=UC5NOEUbkLheQcaaRldYW5GA"


def test_youtube_entries_link_to_the_watch_page_with_the_channel_as_author():
    feed = parse("youtube_channel.xml", YOUTUBE_URL, kind="youtube")

    first = feed.entries[0]
    assert feed.title == "tagesschau"
    assert first.key == "yt:video:oiBPyTi7lvM"
    assert first.url == "https://www.youtube.com/watch?v=oiBPyTi7lvM"
    assert first.title == "Verhandlungen über Haushalt werden fortgesetzt"
    assert first.author == "tagesschau"
    assert first.published_at == datetime(2023, 12, 11, 15, 38, 12, tzinfo=UTC)
    assert first.platform == Platform.YOUTUBE


def test_youtube_snippets_come_from_the_video_description():
    first = parse("youtube_channel.xml", YOUTUBE_URL, kind="youtube").entries[0]

    assert first.snippet.startswith("Bundeskanzler Olaf Scholz hat sich zuversichtlich gezeigt, dass die Verhandlungen")
    assert first.snippet.endswith("ARD-Mediathek: https://www.ardmediathek.de/tagesschau")
    assert first.content_html.count("<p>") == 5
    assert "Mehr dazu:<br>https://www.tagesschau.de/inland/innenpolitik/bundesregierung-haushalt-104.html" in (
        first.content_html
    )


def test_a_youtube_feed_with_space_before_its_xml_declaration_is_read_and_flagged():
    with translation.override("en"):
        feed = parse("youtube_google.xml", "https://www.youtube.com/feeds/videos.xml?user=google")

    assert "blank space before its XML declaration" in feed.problem
    assert len(feed.entries) == 5
    assert [entry.url for entry in feed.entries[:2]] == [
        "https://www.youtube.com/watch?v=5shykyfmb28",
        "https://www.youtube.com/watch?v=xfFHnBQ6nQg",
    ]
    assert {entry.author for entry in feed.entries} == {"Google"}
    assert feed.entries[1].snippet == "A behind-the-scenes look at Project Fi. Find out more at fi.google.com."


def test_a_youtube_short_links_to_its_watch_page():
    short = sample("youtube_channel.xml").replace(
        b"https://www.youtube.com/watch?v=oiBPyTi7lvM", b"https://www.youtube.com/shorts/oiBPyTi7lvM"
    )
    assert feed_parse(short, url=YOUTUBE_URL, kind="youtube").entries[0].url == (
        "https://www.youtube.com/watch?v=oiBPyTi7lvM"
    )


BLUESKY_URL = "https://bsky.app/profile/patrickwyman.bsky.social/rss"


def test_bluesky_posts_get_a_title_from_their_text_and_the_handle_as_author():
    feed = parse("bluesky_profile_wyman.xml", BLUESKY_URL, kind="bluesky")

    first, second = feed.entries
    assert first.title == "My dear friend @thestefansmith.bsky.social has been suggesting that we bring…"
    assert second.title == "I'm obviously concerned by Wondery getting axed and podcast business changing…"
    assert {first.author, second.author} == {"@patrickwyman.bsky.social"}
    assert first.key == "at://did:plc:hmsszljyd273swnyqhvy4zsl/app.bsky.feed.post/3lvmlb7zjm22h"
    assert first.url == "https://bsky.app/profile/patrickwyman.bsky.social/post/3lvmlb7zjm22h"
    assert first.published_at == datetime(2025, 8, 5, 1, 40, tzinfo=UTC)
    assert first.platform == Platform.BLUESKY


def test_a_bluesky_post_keeps_its_lines_as_paragraphs():
    entry = parse("bluesky_profile.xml", "https://bsky.app/profile/kaedotcom.bsky.social/rss").entries[0]

    assert entry.author == "@kaedotcom.bsky.social"
    assert entry.snippet == (
        "But the Starlink hardware must be somehow acquired … [contains quote post or other embedded content]"
    )
    assert entry.content_html == (
        "<p>But the Starlink hardware must be somehow acquired …</p>"
        "<p>[contains quote post or other embedded content]</p>"
    )


def test_a_bluesky_link_with_a_did_takes_the_handle_from_the_feed_title():
    with_did = sample("bluesky_profile.xml").replace(
        b"profile/kaedotcom.bsky.social/post", b"profile/did:plc:mtxycyvfj7hpfhzakyv2pq6d/post"
    )
    entry = feed_parse(with_did, url="https://bsky.app/profile/kaedotcom.bsky.social/rss", kind="bluesky").entries[0]
    assert entry.author == "@kaedotcom.bsky.social"


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


@pytest.mark.parametrize(
    ("name", "problems", "feed_title", "entry_title"),
    [
        (
            "broken_unescaped_ampersand.xml",
            ["Line 4 has an “&” that is not written as “&amp;”"],
            "Bakker & Zn nieuws",
            "Brood & banket: nieuwe openingstijden",
        ),
        (
            "broken_undeclared_entity.xml",
            ["Line 4 uses the HTML name “&eacute;”, unknown to XML"],
            "Café De Hoek",
            "Live muziek op vrijdag \u2013 gratis entree",
        ),
        (
            "broken_bad_charref.xml",
            ["Line 8 has a broken character code (“&#xZZ;”)", "Line 12 refers to a character that XML does not allow"],
            "Buurtvereniging Oost",
            "Opruimdag zaterdag &#xZZ; doe mee",
        ),
    ],
)
def test_ill_formed_but_recoverable_xml_is_read_and_the_fault_named(name, problems, feed_title, entry_title):
    with translation.override("en"):
        feed = parse(name, "https://feeds.example/" + name)

    for problem in problems:
        assert problem in feed.problem
    assert feed.title == feed_title
    assert len(feed.entries) >= 1
    assert feed.entries[0].title == entry_title
    assert "\x00" not in everything_said(feed)


def test_a_bare_ampersand_in_a_link_is_not_read_as_an_entity():
    entry = parse("broken_unescaped_ampersand.xml", "https://bakkerzn.example/feed").entries[0]
    assert entry.url == "https://bakkerzn.example/nieuws?id=7&lang=nl"
    assert entry.snippet == "Vanaf maandag zijn we open van 7 tot 18 uur. Koffie & gebak blijven hetzelfde."


def test_a_well_formed_feed_has_no_problem():
    for name in ("google_alerts.xml", "reddit_subreddit.xml", "mastodon_hashtag.xml", "atom_xmlbase.xml"):
        assert parse(name, "https://feeds.example/" + name).problem == ""


def test_control_characters_never_reach_the_text():
    feed = feed_parse(
        b"<rss><channel><title>A\x01B</title><item><title>C\x00D</title><link>https://a.example/1</link>"
        b"<description>E\x07F</description></item></channel></rss>",
        url="https://a.example/feed",
    )
    assert feed.title == "AB"
    assert feed.entries[0].title == "CD"
    assert feed.entries[0].snippet == "EF"


def test_an_entity_bomb_parses_quickly_into_short_harmless_text():
    started = time.perf_counter()
    with translation.override("en"):
        feed = parse("entity_bomb.xml", "https://bomb.example/feed")
    elapsed = time.perf_counter() - started

    assert elapsed < 1
    assert "declares its own XML entities" in feed.problem
    assert feed.title == "Billion laughs &lol9;"
    assert len(feed.entries) == 1
    assert len(everything_said(feed)) < 2000
    assert "lollol" not in everything_said(feed)


def test_an_entity_bomb_on_one_line_or_in_utf16_is_just_as_harmless():
    one_line = re.sub(rb">\s*<!ENTITY", b"><!ENTITY", sample("entity_bomb.xml")).replace(b"\n]>", b"]>")
    utf16 = sample("entity_bomb.xml").replace(b'encoding="utf-8"', b'encoding="utf-16"').decode().encode("utf-16")
    for content in (one_line, utf16):
        started = time.perf_counter()
        feed = feed_parse(content, url="https://bomb.example/feed")
        assert time.perf_counter() - started < 1
        assert len(everything_said(feed)) < 2000
        assert feed.entries[0].url == "https://bomb.example/1"


@pytest.mark.parametrize("name", ["xxe.xml", "xxe_parameter.xml"])
def test_an_external_entity_reads_no_local_file(name):
    with translation.override("en"):
        feed = parse(name, "https://xxe.example/feed")

    said = everything_said(feed)
    assert "root:" not in said
    assert "/bin/" not in said
    assert "declares its own XML entities" in feed.problem
    assert len(feed.entries) == 1


def test_an_external_entity_in_utf16_reads_no_local_file():
    utf16 = sample("xxe.xml").replace(b'encoding="utf-8"', b'encoding="utf-16"').decode().encode("utf-16")
    feed = feed_parse(utf16, url="https://xxe.example/feed")
    assert "root:" not in everything_said(feed)
    assert feed.entries[0].title == "Read this &xxe;"


def test_hostile_atom_markup_and_links_never_reach_the_text_or_the_links():
    feed = parse("hostile_atom.xml", "https://evil.example/feed.atom")

    first, second = feed.entries
    assert feed.title == "Evil feed"
    assert first.title == "Gewone titel"
    assert first.author == "Eve"
    assert first.snippet == "Samenvatting"
    assert first.url == ""
    assert second.url == ""
    for entry in feed.entries:
        for text in (entry.title, entry.snippet, entry.author):
            assert "<" not in text
            assert "alert" not in text
        for bad in (
            "<script",
            "<style",
            "<iframe",
            "onclick",
            "onerror",
            "onmouseover",
            "javascript:",
            "vbscript:",
            "data:",
        ):
            assert bad not in entry.content_html
    assert '<a href="https://ok.example/y" rel="noopener noreferrer nofollow">veilig</a>' in first.content_html


class _Markup(HTMLParser):
    """Every tag and attribute of an HTML fragment, as a browser's tokenizer meets them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[tuple[str, str]] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            self.attributes.add((tag, name))
            if name == "href":
                self.links.append(value or "")


def test_the_hostile_corpus_keeps_only_plain_formatting_and_web_links():
    feed = parse("hostile_corpus.xml", "https://forum.example/feed.atom")

    assert len(feed.entries) == 15
    for entry in feed.entries:
        markup = _Markup()
        markup.feed(entry.content_html)
        markup.close()
        assert markup.tags <= ALLOWED_TAGS, entry.key
        assert markup.attributes <= {("a", "href"), ("a", "title"), ("a", "rel"), ("abbr", "title")}, entry.key
        for link in markup.links:
            assert link == "" or urlsplit(link).scheme in ("http", "https"), (entry.key, link)
        assert entry.url == "" or entry.url.startswith("https://forum.example/"), entry.key
    by_key = {entry.key.rpartition(":")[2]: entry for entry in feed.entries}
    assert by_key["entry-link-javascript"].url == by_key["entry-link-data"].url == ""
    # Markup written as text (escaped twice in the feed) is what was said, and stays readable as text.
    literal = by_key["literal"]
    assert literal.title == "<img src=x onerror=window.__pwned=130;alert(130)> Iemand schreef dit letterlijk"
    assert literal.author == "<img src=x onerror=window.__pwned=131;alert(131)> Eve"
    assert literal.content_html == (
        "<p>Hoe schrijf je &lt;script&gt;window.__pwned=133&lt;/script&gt; in een forum?</p>"
    )


@pytest.mark.parametrize(
    ("name", "url", "kind"),
    [
        ("google_alerts_entities.xml", ALERT_URL, "google_alerts"),
        ("mastodon_account.xml", MASTODON_ACCOUNT_URL, "mastodon"),
        ("reddit_subreddit.xml", REDDIT_URL, "reddit"),
        ("youtube_channel.xml", YOUTUBE_URL, "youtube"),
        ("bluesky_profile_wyman.xml", BLUESKY_URL, "bluesky"),
    ],
)
def test_a_platform_feed_added_as_a_plain_feed_is_read_the_same(name, url, kind):
    assert parse(name, url) == parse(name, url, kind=kind)


def test_a_character_code_too_long_for_python_never_breaks_parsing():
    digits = b"9" * 5000
    broken = b"<rss><channel><title>Club</title><item><title>&#" + digits + b";</title>"
    broken += b"<link>https://a.example/1</link></item></channel></rss>"
    escaped = broken.replace(b"&#", b"&amp;#")

    with translation.override("en"):
        repaired = feed_parse(broken, url="https://a.example/feed")
        refused = feed_parse(escaped, url="https://a.example/feed")

    assert repaired.entries[0].url == "https://a.example/1"
    assert "broken character code" in repaired.problem
    assert not refused.is_feed
    assert refused.problem == "The feed holds text that cannot be read."


@pytest.mark.parametrize(
    "content",
    [
        b"<rss><channel><title>x</title>" + b"<?" * 50_000 + b"</channel></rss>",
        b"<rss><channel><title>x</title>" + b"<!--" * 50_000,
        b"<rss><channel><title>x</title>" + b"<![CDATA[" * 50_000,
        b'<?xml version="1.0"?><!DOCTYPE rss [' + b'"' * 50_000 + b"]><rss/>",
        b'<?xml version="1.0"?><!DOCTYPE rss [' + b"<!--" * 50_000,
        b"<rss><channel><item><title>" + b"&a" * 50_000 + b"</title></item></channel></rss>",
    ],
    ids=["processing-instructions", "comments", "cdata", "doctype-quotes", "doctype-comments", "ampersands"],
)
def test_sections_that_never_end_are_parsed_in_linear_time(content):
    started = time.perf_counter()
    feed_parse(content, url="https://a.example/feed")
    assert time.perf_counter() - started < 2


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
