"""Feed addresses derived from the pages people copy: pure functions, no database, no network."""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from monitoring.feeds.addresses import AddressNotDerivable, feed_address_for
from monitoring.feeds.parse import feed_parse
from tests.conftest import sample

CHANNEL = "UC5NOEUbkLheQcaaRldYW5GA"


@pytest.mark.parametrize(
    ("kind", "page", "feed"),
    [
        ("mastodon", "https://toot.cat/@DPSsys", "https://toot.cat/@DPSsys.rss"),
        ("mastodon", "https://toot.cat/@DPSsys/", "https://toot.cat/@DPSsys.rss"),
        ("mastodon", "https://hachyderm.io/tags/kubernetes", "https://hachyderm.io/tags/kubernetes.rss"),
        ("reddit", "https://www.reddit.com/r/kubernetes/", "https://www.reddit.com/r/kubernetes/.rss"),
        ("reddit", "https://www.reddit.com/r/kubernetes", "https://www.reddit.com/r/kubernetes/.rss"),
        ("reddit", "https://www.reddit.com/user/spez/", "https://www.reddit.com/user/spez/.rss"),
        ("reddit", "https://old.reddit.com/u/spez", "https://old.reddit.com/user/spez/.rss"),
        (
            "youtube",
            f"https://www.youtube.com/channel/{CHANNEL}",
            f"https://www.youtube.com/feeds/videos.xml?channel_id={CHANNEL}",
        ),
        (
            "youtube",
            f"https://m.youtube.com/channel/{CHANNEL}/videos",
            f"https://www.youtube.com/feeds/videos.xml?channel_id={CHANNEL}",
        ),
        (
            "bluesky",
            "https://bsky.app/profile/kaedotcom.bsky.social",
            "https://bsky.app/profile/kaedotcom.bsky.social/rss",
        ),
    ],
)
def test_it_derives_the_feed_of_a_profile_or_channel_page(kind, page, feed):
    assert feed_address_for(kind, page) == feed


@pytest.mark.parametrize(
    ("kind", "feed"),
    [
        ("mastodon", "https://toot.cat/@DPSsys.rss"),
        ("mastodon", "https://hachyderm.io/tags/kubernetes.rss"),
        ("reddit", "https://www.reddit.com/r/kubernetes/.rss"),
        ("reddit", "https://www.reddit.com/r/kubernetes.rss"),
        ("reddit", "https://www.reddit.com/r/kubernetes/search.rss?q=dolfijnen"),
        ("youtube", f"https://www.youtube.com/feeds/videos.xml?channel_id={CHANNEL}"),
        ("bluesky", "https://bsky.app/profile/kaedotcom.bsky.social/rss"),
        ("google_alerts", "https://www.google.com/alerts/feeds/1/2"),
        ("feed", "https://www.reddit.com/r/kubernetes/"),  # a plain feed is taken as typed, whatever the host
    ],
)
def test_it_keeps_an_address_that_already_is_a_feed(kind, feed):
    assert feed_address_for(kind, feed) == feed


@pytest.mark.parametrize("page", ["https://www.youtube.com/@tagesschau", "https://www.youtube.com/c/tagesschau"])
def test_it_says_a_youtube_page_by_name_needs_the_channel_id(page):
    with pytest.raises(AddressNotDerivable) as caught:
        feed_address_for("youtube", page)
    with translation.override("en"):
        assert "Copy channel ID" in str(caught.value)
    with translation.override("nl"):
        assert "Kanaal-ID kopiëren" in str(caught.value)


def test_the_derived_addresses_are_where_the_sample_feeds_say_they_are():
    """The sample YouTube feed names its own address: the one derived from its channel page."""
    parsed = feed_parse(sample("youtube_channel.xml"), url="https://www.youtube.com/", kind="youtube")
    assert parsed.entries
    derived = feed_address_for("youtube", f"https://www.youtube.com/channel/{CHANNEL}")
    assert derived.removeprefix("https://") in sample("youtube_channel.xml").decode()


KINDS = st.sampled_from(["google_alerts", "feed", "mastodon", "reddit", "youtube", "bluesky"])
NAMES = st.from_regex(r"[A-Za-z0-9_]{1,20}", fullmatch=True)
PAGES = st.one_of(
    st.builds(lambda host, name: f"https://{host}/@{name}", st.sampled_from(["toot.cat", "mastodon.social"]), NAMES),
    st.builds(lambda name: f"https://hachyderm.io/tags/{name}", NAMES),
    st.builds(lambda what, name: f"https://www.reddit.com/{what}/{name}/", st.sampled_from(["r", "user", "u"]), NAMES),
    st.builds(lambda name: f"https://www.youtube.com/channel/UC{(name * 22)[:22]}", NAMES),
    st.builds(lambda name: f"https://bsky.app/profile/{name}.bsky.social", NAMES),
    st.builds(lambda name: f"https://example.org/{name}/feed.xml", NAMES),
)


@given(kind=KINDS, page=PAGES)
def test_deriving_twice_gives_the_same_address(kind, page):
    once = feed_address_for(kind, page)
    assert feed_address_for(kind, once) == once


@given(page=PAGES)
def test_a_plain_feed_or_an_alert_is_never_changed(page):
    assert feed_address_for("feed", page) == page
    assert feed_address_for("google_alerts", page) == page


@given(kind=KINDS, page=PAGES)
def test_a_derived_address_stays_on_the_page_s_own_site(kind, page):
    """Deriving never sends the fetch elsewhere than the platform the page is on."""
    derived = feed_address_for(kind, page)
    host = page.split("/")[2]
    assert derived.split("/")[2] == ("www.youtube.com" if "youtube.com" in host else host)
