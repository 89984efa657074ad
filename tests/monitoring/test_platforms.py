from __future__ import annotations

import pytest
from django.utils import translation

from monitoring.feeds.platforms import Platform, feed_kind_for_url, platform_for_kind, platform_for_url


@pytest.mark.parametrize(
    ("url", "platform"),
    [
        # Facebook, under every host it uses
        ("https://www.facebook.com/dedolfijnen/posts/pfbid02xyz", Platform.FACEBOOK),
        ("https://m.facebook.com/story.php?story_fbid=123&id=456", Platform.FACEBOOK),
        ("https://facebook.com/groups/ouders.dolfijnen/permalink/789/", Platform.FACEBOOK),
        ("https://fb.com/dedolfijnen", Platform.FACEBOOK),
        ("https://fb.me/e/1a2b3c", Platform.FACEBOOK),
        ("https://fb.watch/pQ1rS2tU3v/", Platform.FACEBOOK),
        ("https://business.facebook.com/dedolfijnen/reviews", Platform.FACEBOOK),
        # Instagram, LinkedIn, X
        ("https://www.instagram.com/p/C0dE-fGhIjK/", Platform.INSTAGRAM),
        ("https://instagram.com/dedolfijnen", Platform.INSTAGRAM),
        ("https://instagr.am/p/C0dE-fGhIjK/", Platform.INSTAGRAM),
        ("https://www.linkedin.com/posts/jan-jansen_zwemles-activity-7130000000000000000-AbCd", Platform.LINKEDIN),
        ("https://nl.linkedin.com/company/de-dolfijnen", Platform.LINKEDIN),
        ("https://lnkd.in/eAbCdEf", Platform.LINKEDIN),
        ("https://twitter.com/dedolfijnen/status/1727000000000000000", Platform.X),
        ("https://mobile.twitter.com/dedolfijnen", Platform.X),
        ("https://x.com/dedolfijnen/status/1727000000000000000", Platform.X),
        ("https://www.x.com/dedolfijnen", Platform.X),
        # YouTube, Reddit, Bluesky, TikTok, Trustpilot
        ("https://www.youtube.com/watch?v=oiBPyTi7lvM", Platform.YOUTUBE),
        ("https://youtu.be/-djIQGPvYdI?si=wBPHbz3iu7A3qOSx", Platform.YOUTUBE),
        ("https://m.youtube.com/shorts/oiBPyTi7lvM", Platform.YOUTUBE),
        ("https://www.youtube.com/@tagesschau", Platform.YOUTUBE),
        ("https://www.reddit.com/r/kubernetes/comments/18895rv/monthly_who_is_hiring/", Platform.REDDIT),
        ("https://old.reddit.com/r/thenetherlands/", Platform.REDDIT),
        ("https://redd.it/18895rv", Platform.REDDIT),
        ("https://bsky.app/profile/patrickwyman.bsky.social/post/3lvmlb7zjm22h", Platform.BLUESKY),
        ("https://www.tiktok.com/@dedolfijnen/video/7300000000000000000", Platform.TIKTOK),
        ("https://vm.tiktok.com/ZGeAbCdEf/", Platform.TIKTOK),
        ("https://nl.trustpilot.com/review/dedolfijnen.nl", Platform.TRUSTPILOT),
        ("https://www.trustpilot.com/review/dedolfijnen.nl", Platform.TRUSTPILOT),
        # Google reviews: Maps, short links and a search opened on the reviews
        ("https://www.google.com/maps/place/Zwembad+De+Dolfijnen/@52.09,5.12,17z", Platform.GOOGLE_REVIEWS),
        ("https://www.google.nl/maps/place/Zwembad+De+Dolfijnen/", Platform.GOOGLE_REVIEWS),
        ("https://maps.google.com/?cid=1234567890", Platform.GOOGLE_REVIEWS),
        ("https://maps.app.goo.gl/AbCdEfGhIjKlMnOp7", Platform.GOOGLE_REVIEWS),
        ("https://goo.gl/maps/AbCdEf", Platform.GOOGLE_REVIEWS),
        ("https://g.page/r/CAbCdEfGhIjKlMn/review", Platform.GOOGLE_REVIEWS),
        ("https://search.google.com/local/writereview?placeid=ChIJabc", Platform.GOOGLE_REVIEWS),
        ("https://www.google.com/search?q=de+dolfijnen+reviews", Platform.GOOGLE_REVIEWS),
        ("https://www.google.nl/search?q=de+dolfijnen#lrd=0x47c66f:0x1a2b,1,,,", Platform.GOOGLE_REVIEWS),
        ("https://www.google.com/search?q=de+dolfijnen", Platform.WEB),
        # Mastodon: any host with a status path, known hosts with a profile path
        ("https://mastodon.social/@alice/1234", Platform.MASTODON),
        ("https://toot.cat/@DPSsys/111490148685626192", Platform.MASTODON),
        ("https://ioc.exchange/@jon404/111544891736153138", Platform.MASTODON),
        ("https://mastodon.social/@alice@social.example/1234", Platform.MASTODON),
        ("https://social.example/users/alice/statuses/1234", Platform.MASTODON),
        ("https://mastodon.nl/@dedolfijnen", Platform.MASTODON),
        ("https://social.overheid.nl/@gemeente", Platform.MASTODON),
        ("https://blog.example/@alice", Platform.WEB),
        # News, blogs and forums
        ("https://nos.nl/artikel/2566001-zwemles-dolfijnen-weer-afgelast", Platform.NEWS),
        ("https://www.telegraaf.nl/nieuws/1783320/recensie-de-dolfijnen", Platform.NEWS),
        ("https://www.ad.nl/utrecht/zwembad-dicht~a1b2c3/", Platform.NEWS),
        ("https://www.rtvutrecht.nl/nieuws/3700000/zwemles", Platform.NEWS),
        ("https://medium.com/@jan/waarom-ik-stop-met-zwemles-1a2b3c4d5e6f", Platform.BLOG),
        ("https://dedolfijnen.wordpress.com/2026/11/20/zwemtijden/", Platform.BLOG),
        ("https://ouders-zuid.blogspot.com/2026/11/zwemles.html", Platform.BLOG),
        ("https://zwemmers.substack.com/p/de-dolfijnen", Platform.BLOG),
        ("https://forum.fok.nl/topic/3000000", Platform.FORUM),
        ("https://www.viva.nl/forum/ouders/zwemles-1234", Platform.FORUM),
        ("https://www.zwemforum.example/viewtopic.php?t=42", Platform.FORUM),
        ("https://community.example/threads/zwemles-afgelast.123/", Platform.FORUM),
        # Everything else that is a web page
        ("https://www.buurtnieuws.example/2026/11/zwemles-afgelast", Platform.WEB),
        ("http://127.0.0.1:8123/demo/feeds/google-alerts.xml", Platform.WEB),
        ("https://notfacebook.com/dedolfijnen", Platform.WEB),
        ("https://facebook.com.evil.example/dedolfijnen", Platform.WEB),
        ("https://box.com/s/abc", Platform.WEB),
    ],
)
def test_a_link_is_placed_on_the_platform_of_its_host(url, platform):
    assert platform_for_url(url) == platform


@pytest.mark.parametrize(
    ("pasted", "platform"),
    [
        ("facebook.com/dedolfijnen", Platform.FACEBOOK),
        ("www.instagram.com/p/C0dE-fGhIjK/", Platform.INSTAGRAM),
        ("  https://x.com/dedolfijnen/status/1  ", Platform.X),
        ("//www.youtube.com/watch?v=oiBPyTi7lvM", Platform.YOUTUBE),
        ("HTTPS://WWW.FACEBOOK.COM/DeDolfijnen", Platform.FACEBOOK),
        ("https://www.facebook.com./dedolfijnen", Platform.FACEBOOK),
        ("nos.nl:443/artikel/1", Platform.NEWS),
    ],
)
def test_a_pasted_link_without_scheme_or_in_odd_case_is_still_recognised(pasted, platform):
    assert platform_for_url(pasted) == platform


@pytest.mark.parametrize(
    ("url", "platform"),
    [
        (
            "https://www.google.com/url?rct=j&sa=t&url=https://nos.nl/artikel/2566001&ct=ga&usg=AOvVaw1c",
            Platform.NEWS,
        ),
        ("https://www.google.com/url?q=https://www.facebook.com/dedolfijnen&sa=D", Platform.FACEBOOK),
        (
            "https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.trustpilot.com%2Freview%2Fdedolfijnen.nl&h=AT0",
            Platform.TRUSTPILOT,
        ),
        ("https://www.google.com/url?url=javascript:alert(1)", Platform.WEB),
    ],
)
def test_click_tracking_redirects_are_judged_by_where_they_lead(url, platform):
    assert platform_for_url(url) == platform


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "javascript:alert(1)",
        "mailto:bestuur@dedolfijnen.example",
        "ftp://files.example/a",
        "localhost",
        "https://",
        "https://x.example:99999/",
    ],
)
def test_what_is_not_a_web_link_is_other(url):
    assert platform_for_url(url) == Platform.OTHER


@pytest.mark.parametrize(
    ("kind", "url", "platform"),
    [
        ("mastodon", "https://toot.cat/@DPSsys/111490148685626192", Platform.MASTODON),
        ("mastodon", "https://links.example/article", Platform.MASTODON),
        ("reddit", "https://www.reddit.com/r/kubernetes/comments/18895rv/x/", Platform.REDDIT),
        ("youtube", "https://www.youtube.com/watch?v=oiBPyTi7lvM", Platform.YOUTUBE),
        ("bluesky", "https://bsky.app/profile/kaedotcom.bsky.social/post/3mcfiov2e7k2r", Platform.BLUESKY),
        ("google_alerts", "https://nos.nl/artikel/2566001", Platform.NEWS),
        ("google_alerts", "https://www.facebook.com/dedolfijnen/posts/1", Platform.FACEBOOK),
        ("google_alerts", "https://www.buurtnieuws.example/a", Platform.WEB),
        ("feed", "https://forum.example/t/1", Platform.FORUM),
        ("feed", "https://www.youtube.com/watch?v=oiBPyTi7lvM", Platform.YOUTUBE),
        ("manual", "https://www.instagram.com/p/C0dE/", Platform.INSTAGRAM),
    ],
)
def test_platform_feeds_name_their_platform_and_other_kinds_follow_the_link(kind, url, platform):
    assert platform_for_kind(kind, url) == platform


def test_every_platform_has_an_english_label_to_translate():
    with translation.override("en"):
        labels = {platform.value: str(platform.label) for platform in Platform}
    assert labels["x"] == "X (Twitter)"
    assert labels["google_reviews"] == "Google reviews"
    assert labels["web"] == "Website"
    assert all(labels.values())
    assert len(Platform.values) == 16


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://www.google.com/alerts/feeds/06331219864226342925/13116384366339738263", "google_alerts"),
        ("https://mastodon.social/@alice.rss", "mastodon"),
        ("https://mastodon.social/tags/zwemmen.rss", "mastodon"),
        ("https://www.reddit.com/r/thenetherlands/.rss", "reddit"),
        ("https://www.reddit.com/search.rss?q=dolfijnen", "reddit"),
        ("https://www.youtube.com/feeds/videos.xml?channel_id=UC123", "youtube"),
        ("https://bsky.app/profile/alice.bsky.social/rss", "bluesky"),
        ("https://blog.example.nl/feed/", "feed"),
        ("not a url", "feed"),
    ],
)
def test_the_kind_of_a_feed_follows_from_its_address(url, kind):
    assert feed_kind_for_url(url) == kind
