"""What the parser makes of real captured platform feeds: Google Alerts, Mastodon, Reddit, YouTube, Bluesky."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import translation

from monitoring.feeds.parse import feed_parse
from monitoring.feeds.platforms import Platform
from tests.conftest import sample
from tests.monitoring.test_parse import ALERT_URL, parse

# Sources of the captured feeds in tests/data/SOURCES.md.


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
