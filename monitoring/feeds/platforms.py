"""Which platform a link or a feed entry is on: pure functions over URLs (no network, no database).

Used by the parser to label each entry, and for a link someone pastes into quick-add, so it accepts
links without a scheme (``facebook.com/dedolfijnen``) and looks through Google's and Facebook's
click-tracking redirects to the page behind them.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qs, urlsplit

from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    WEB = "web", _("Website")
    NEWS = "news", _("News site")
    GOOGLE_REVIEWS = "google_reviews", _("Google reviews")
    FACEBOOK = "facebook", _("Facebook")
    INSTAGRAM = "instagram", _("Instagram")
    LINKEDIN = "linkedin", _("LinkedIn")
    X = "x", _("X (Twitter)")
    MASTODON = "mastodon", _("Mastodon")
    REDDIT = "reddit", _("Reddit")
    YOUTUBE = "youtube", _("YouTube")
    BLUESKY = "bluesky", _("Bluesky")
    TIKTOK = "tiktok", _("TikTok")
    TRUSTPILOT = "trustpilot", _("Trustpilot")
    FORUM = "forum", _("Forum")
    BLOG = "blog", _("Blog")
    OTHER = "other", _("Other")


# Matched on the host and every parent domain, so m.facebook.com and nl.trustpilot.com count too.
_DOMAINS: dict[str, Platform] = {
    "facebook.com": Platform.FACEBOOK,
    "fb.com": Platform.FACEBOOK,
    "fb.me": Platform.FACEBOOK,
    "fb.watch": Platform.FACEBOOK,
    "instagram.com": Platform.INSTAGRAM,
    "instagr.am": Platform.INSTAGRAM,
    "linkedin.com": Platform.LINKEDIN,
    "lnkd.in": Platform.LINKEDIN,
    "twitter.com": Platform.X,
    "x.com": Platform.X,
    "youtube.com": Platform.YOUTUBE,
    "youtu.be": Platform.YOUTUBE,
    "youtube-nocookie.com": Platform.YOUTUBE,
    "reddit.com": Platform.REDDIT,
    "redd.it": Platform.REDDIT,
    "bsky.app": Platform.BLUESKY,
    "tiktok.com": Platform.TIKTOK,
    "trustpilot.com": Platform.TRUSTPILOT,
    "g.page": Platform.GOOGLE_REVIEWS,
    "maps.app.goo.gl": Platform.GOOGLE_REVIEWS,
    "medium.com": Platform.BLOG,
    "substack.com": Platform.BLOG,
    "wordpress.com": Platform.BLOG,
    "blogger.com": Platform.BLOG,
    "tumblr.com": Platform.BLOG,
    "ghost.io": Platform.BLOG,
    # News sites our organisations are most often mentioned on (Dutch and Flemish national and
    # regional news, plus the big international ones). Anything else is a plain website.
    "nos.nl": Platform.NEWS,
    "nu.nl": Platform.NEWS,
    "telegraaf.nl": Platform.NEWS,
    "ad.nl": Platform.NEWS,
    "volkskrant.nl": Platform.NEWS,
    "nrc.nl": Platform.NEWS,
    "trouw.nl": Platform.NEWS,
    "parool.nl": Platform.NEWS,
    "fd.nl": Platform.NEWS,
    "rtl.nl": Platform.NEWS,
    "rtlnieuws.nl": Platform.NEWS,
    "hartvannederland.nl": Platform.NEWS,
    "omroepbrabant.nl": Platform.NEWS,
    "omroepgelderland.nl": Platform.NEWS,
    "omroepwest.nl": Platform.NEWS,
    "omroepzeeland.nl": Platform.NEWS,
    "omropfryslan.nl": Platform.NEWS,
    "rtvnoord.nl": Platform.NEWS,
    "rtvdrenthe.nl": Platform.NEWS,
    "rtvoost.nl": Platform.NEWS,
    "rtvutrecht.nl": Platform.NEWS,
    "rijnmond.nl": Platform.NEWS,
    "nhnieuws.nl": Platform.NEWS,
    "at5.nl": Platform.NEWS,
    "l1.nl": Platform.NEWS,
    "dvhn.nl": Platform.NEWS,
    "lc.nl": Platform.NEWS,
    "ed.nl": Platform.NEWS,
    "bd.nl": Platform.NEWS,
    "bndestem.nl": Platform.NEWS,
    "pzc.nl": Platform.NEWS,
    "tubantia.nl": Platform.NEWS,
    "destentor.nl": Platform.NEWS,
    "gelderlander.nl": Platform.NEWS,
    "limburger.nl": Platform.NEWS,
    "noordhollandsdagblad.nl": Platform.NEWS,
    "haarlemsdagblad.nl": Platform.NEWS,
    "leidschdagblad.nl": Platform.NEWS,
    "gooieneemlander.nl": Platform.NEWS,
    "indebuurt.nl": Platform.NEWS,
    "dtvnieuws.nl": Platform.NEWS,
    "hln.be": Platform.NEWS,
    "nieuwsblad.be": Platform.NEWS,
    "standaard.be": Platform.NEWS,
    "vrt.be": Platform.NEWS,
    "news.google.com": Platform.NEWS,
    "bbc.co.uk": Platform.NEWS,
    "bbc.com": Platform.NEWS,
    "reuters.com": Platform.NEWS,
    "apnews.com": Platform.NEWS,
    "theguardian.com": Platform.NEWS,
    "nytimes.com": Platform.NEWS,
}
# Mastodon runs on thousands of hosts; a status link looks the same on all of them.
_MASTODON_STATUS = re.compile(r"^/(?:@[A-Za-z0-9_]+(?:@[A-Za-z0-9.-]+)?|users/[A-Za-z0-9_]+/statuses)/\d+/?$")
_MASTODON_PROFILE = re.compile(r"^/@[A-Za-z0-9_]+(?:@[A-Za-z0-9.-]+)?/?$")
# Hosts known to run Mastodon, where a bare profile link (/@name) is enough to tell.
_MASTODON_HOSTS = frozenset(
    {
        "mastodon.social",
        "mastodon.online",
        "mastodon.nl",
        "mastodon.world",
        "mstdn.social",
        "mas.to",
        "hachyderm.io",
        "fosstodon.org",
        "infosec.exchange",
        "ioc.exchange",
        "toot.community",
        "social.overheid.nl",
    }
)
_MASTODON_HOST_LABELS = frozenset({"mastodon", "mstdn", "toot"})
_GOOGLE_HOST = re.compile(r"^(?:www\.)?google\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})$")
_GOOGLE_MAPS_HOST = re.compile(r"^maps\.google\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})$")
_FORUM_LABELS = frozenset({"forum", "forums", "community", "discuss", "board"})
_FORUM_PATH = re.compile(r"(?:^/forums?(?:/|$)|/viewtopic\.php|/showthread\.php|/threads/)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_HOST_WITH_PORT = re.compile(r"^[\w.-]+\.[A-Za-z]{2,}:\d+(?:/|$)")
# Click-tracking redirects: (host pattern, path, query parameters that hold the target).
_REDIRECTS: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = (
    (_GOOGLE_HOST, "/url", ("url", "q")),
    (re.compile(r"^(?:l|lm)\.facebook\.com$"), "/l.php", ("u",)),
)


def platform_for_url(url: str) -> Platform:
    """The platform a link points to, judged by its host and path.

    Unknown web pages are ``WEB``; anything that is not an http(s) link, or cannot be read as one,
    is ``OTHER``.
    """
    parts = _split(url)
    if parts is None:
        return Platform.OTHER
    target = _redirect_target(parts)
    if target is not None:
        parts = target
    host = (parts.hostname or "").rstrip(".")
    path = parts.path or "/"
    for domain in _parent_domains(host):
        if domain in _DOMAINS:
            return _DOMAINS[domain]
    if _is_google_reviews(host, parts):
        return Platform.GOOGLE_REVIEWS
    if _is_mastodon(host, path):
        return Platform.MASTODON
    labels = host.split(".")
    if "blogspot" in labels[1:]:
        return Platform.BLOG
    if labels[0] in _FORUM_LABELS or _FORUM_PATH.search(path):
        return Platform.FORUM
    return Platform.WEB


def platform_for_kind(kind: str, url: str) -> Platform:
    """The platform of an entry from a source of ``kind`` (a ``Source.Kind`` value) linking to ``url``.

    Platform feeds (Mastodon, Reddit, YouTube, Bluesky) name their platform; for Google Alerts and
    plain feeds the entry's own link decides.
    """
    by_kind = {
        "mastodon": Platform.MASTODON,
        "reddit": Platform.REDDIT,
        "youtube": Platform.YOUTUBE,
        "bluesky": Platform.BLUESKY,
    }
    return by_kind.get(kind) or platform_for_url(url)


def _split(url: str) -> SplitResult | None:
    """``url`` as an absolute http(s) address, adding ``https://`` to a pasted bare host; else None."""
    url = url.strip()
    if not url:
        return None
    if url.startswith("//"):
        url = "https:" + url
    elif not _SCHEME.match(url) or _HOST_WITH_PORT.match(url):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
        return None
    return parts


def _redirect_target(parts: SplitResult) -> SplitResult | None:
    host = (parts.hostname or "").rstrip(".")
    for host_pattern, path, names in _REDIRECTS:
        if parts.path == path and host_pattern.match(host):
            query = parse_qs(parts.query)
            for name in names:
                target = (query.get(name) or [""])[0]
                if target.startswith(("http://", "https://")):
                    return _split(target)
    return None


def _parent_domains(host: str) -> list[str]:
    """``host`` and each domain above it: ``a.b.c`` gives ``a.b.c``, ``b.c`` and ``c``."""
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


def _is_google_reviews(host: str, parts: SplitResult) -> bool:
    path = parts.path
    if _GOOGLE_MAPS_HOST.match(host):
        return True
    if host == "goo.gl" and path.startswith("/maps"):
        return True
    if host == "search.google.com" and path.startswith("/local/"):
        return True
    if host == "business.google.com" and "review" in path:
        return True
    if not _GOOGLE_HOST.match(host):
        return False
    if path == "/maps" or path.startswith("/maps/"):
        return True
    # A search result page opened on a business's reviews: the review panel is in the fragment
    # (#lrd=...) or the query asks for reviews.
    return path == "/search" and ("lrd=" in parts.fragment or "review" in parts.query.lower())


def _is_mastodon(host: str, path: str) -> bool:
    if _MASTODON_STATUS.match(path):
        return True
    is_known_host = host in _MASTODON_HOSTS or host.split(".")[0] in _MASTODON_HOST_LABELS
    return is_known_host and bool(_MASTODON_PROFILE.match(path))


def feed_kind_for_url(url: str) -> str:
    """The source kind a feed address shows (``google_alerts``, ``mastodon``, ``reddit``, ``youtube``,
    ``bluesky``), or ``feed`` when the address alone does not tell."""
    parts = _split(url)
    if parts is None:
        return "feed"
    host, path = (parts.hostname or "").lower(), parts.path
    if host in ("google.com", "www.google.com") and path.startswith("/alerts/feeds/"):
        return "google_alerts"
    platform = platform_for_url(url)
    if platform == Platform.YOUTUBE and path.startswith("/feeds/"):
        return "youtube"
    if platform == Platform.REDDIT and (path.endswith(".rss") or "/.rss" in path or "/search" in path):
        return "reddit"
    if platform == Platform.BLUESKY and path.endswith("/rss"):
        return "bluesky"
    if path.endswith(".rss") and (path.startswith("/@") or path.startswith("/tags/")):
        return "mastodon"
    return "feed"
