"""From the page people look at to the feed behind it: pure functions over URLs (no network).

People copy the address of a profile, a subreddit or a channel from their browser; the feed of such a
page sits at an address the platform derives from it in a fixed way. Where it does, we derive it too.
A YouTube @handle, /c/ or /user/ page names no channel id: only fetching the page would tell it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from monitoring.exceptions import MonitoringError
from monitoring.texts import Text

_MASTODON_ACCOUNT = re.compile(r"/@(?P<user>[A-Za-z0-9_]+)/?")
_MASTODON_TAG = re.compile(r"/tags/(?P<tag>[^/.]+)/?")
_REDDIT_HOSTS = frozenset({"reddit.com", "www.reddit.com", "old.reddit.com", "new.reddit.com", "np.reddit.com"})
_REDDIT_PAGE = re.compile(r"/(?P<what>r|u|user)/(?P<name>[A-Za-z0-9_-]+)/?")
_YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com"})
_YOUTUBE_CHANNEL = re.compile(r"/channel/(?P<id>UC[A-Za-z0-9_-]{22})(?:/[a-z]*)?/?")
_YOUTUBE_NAMED = re.compile(r"/(?:@[^/]+|c/[^/]+|user/[^/]+)(?:/[a-z]*)?/?")
_BLUESKY_PROFILE = re.compile(r"/profile/(?P<actor>[A-Za-z0-9:._-]+)/?")


class AddressNotDerivable(MonitoringError):
    """``url`` is a page whose feed address cannot be worked out without fetching the page."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(Text("youtube_needs_channel_id"))


def feed_address_for(kind: str, url: str) -> str:
    """The feed address of the page at ``url`` for a source of ``kind`` (``Source.Kind`` values).

    An address that is a feed already, or that we know no rule for, comes back as it is.
    Raises ``AddressNotDerivable`` for a YouTube page by name.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path
    base = f"{parts.scheme}://{parts.netloc}"
    if kind == "mastodon":
        if match := _MASTODON_ACCOUNT.fullmatch(path):
            return f"{base}/@{match['user']}.rss"
        if match := _MASTODON_TAG.fullmatch(path):
            return f"{base}/tags/{match['tag']}.rss"
    elif kind == "reddit" and host in _REDDIT_HOSTS:
        if match := _REDDIT_PAGE.fullmatch(path):
            what = "r" if match["what"] == "r" else "user"
            return f"{base}/{what}/{match['name']}/.rss"
    elif kind == "youtube" and host in _YOUTUBE_HOSTS:
        if match := _YOUTUBE_CHANNEL.fullmatch(path):
            return f"https://www.youtube.com/feeds/videos.xml?channel_id={match['id']}"
        if path == "/playlist" and (playlist := parse_qs(parts.query).get("list")):
            return f"https://www.youtube.com/feeds/videos.xml?playlist_id={playlist[0]}"
        if _YOUTUBE_NAMED.fullmatch(path):
            raise AddressNotDerivable(url)
    elif kind == "bluesky" and host == "bsky.app" and (match := _BLUESKY_PROFILE.fullmatch(path)):
        return f"{base}/profile/{match['actor']}/rss"
    return url
