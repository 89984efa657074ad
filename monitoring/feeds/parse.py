"""Turning feed bytes into ``ParsedFeed``: feedparser's output normalised into our dataclasses.

Plain, well-formed RSS 2.0 and Atom (Google Alerts, most blogs and forums) are read by
``fastparse.feed_raw`` instead of feedparser, more than ten times faster, into the same values
feedparser would give; everything else, and anything that needs repair, goes through feedparser.

Every text field comes out as plain text (markup removed, entities decoded, whitespace folded);
only ``content_html`` keeps simple formatting, and it always passes through ``clean.html_clean``.
Links come out absolute (resolved against ``xml:base`` or the feed's address) and only as http(s);
anything else becomes "".

What is done per kind of source (``Source.Kind``):

- Every kind: an entry without a title gets one made from its text (the first ~80 characters, cut
  at a word, with "…"). The entry key is the entry's guid/id, else its link, else a hash of title
  and date. Bytes that are not quite XML are repaired where that is safe (``repair.xml_repair``: a
  bare "&", an HTML name such as ``&nbsp;``, a broken character code) and ``ParsedFeed.problem`` says
  so in plain words; a DOCTYPE with its entity declarations is dropped before parsing, so entity
  bombs and external entities have nothing to expand.
- ``google_alerts``: links are unwrapped from Google's redirect, the ``<b>`` highlights dropped and
  entities that Google escaped twice decoded. ``ParsedFeed.query`` is the alert's search words from
  the feed title ("Google Alert - <query>"). See ``_publisher_split`` for the publisher rule.
- ``mastodon``: the author is the account's handle (``@name@instance``) read from the post's link.
- ``reddit``: the author becomes ``u/name``; Reddit's "submitted by ... [link] [comments]" footer
  is removed from the content; the key is Reddit's own id (``t3_...``).
- ``youtube``: the link is the video's watch page, the author the channel's name and the snippet
  the video description.
- ``bluesky``: the author is the handle (``@name.bsky.social``) from the profile link.

A plain ``feed`` is treated as one of the kinds above when its address or content leaves no doubt
(a Google Alerts feed address, a Mastodon generator, a YouTube, Reddit or Bluesky address).
"""

from __future__ import annotations

import calendar
import hashlib
import html
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.entities import html5
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from xml.sax import SAXParseException

import feedparser
from django.utils.translation import gettext as _

from monitoring.dates import publication_or_none
from monitoring.feeds.clean import html_clean, text_from_html
from monitoring.feeds.fastparse import RawFeed, feed_raw, is_absolute_as_is
from monitoring.feeds.platforms import Platform, platform_for_kind, platform_for_url
from monitoring.feeds.repair import xml_repair

MAX_TITLE = 500
MAX_AUTHOR = 200
MAX_PUBLISHER = 200
MAX_KEY = 500
MAX_URL = 2000
TITLE_FROM_TEXT = 80


@dataclass(frozen=True)
class ParsedEntry:
    key: str
    url: str
    title: str
    snippet: str
    content_html: str
    author: str
    published_at: datetime | None
    publisher: str = ""  # the site a Google Alerts title names at its end ("... - NOS"), or ""
    platform: Platform = Platform.WEB  # where the entry was said, judged from the source kind and link


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: tuple[ParsedEntry, ...]
    problem: str  # a recoverable fault in the document, in plain words, or ""
    query: str = ""  # the search words of a Google Alert, or ""

    @property
    def is_feed(self) -> bool:
        return bool(self.entries) or bool(self.title)


def feed_parse(content: bytes, *, url: str, kind: str = "feed") -> ParsedFeed:
    """Parse ``content`` fetched from ``url`` for a source of ``kind`` (a ``Source.Kind`` value).

    Never raises on bad input: check ``is_feed``, and ``problem`` for faults that were read past.
    """
    repaired = xml_repair(content)
    # Plain, well-formed RSS and Atom (most feeds) take the fast path; it answers None for anything else.
    raw = feed_raw(content, url=url) if repaired.content == content else None
    problems = list(repaired.problems)
    if raw is None:
        try:
            parsed = feedparser.parse(io.BytesIO(repaired.content), response_headers={"content-location": url})
        except ValueError:
            # feedparser's HTML layer turns "&#<digits>;" into an int, which Python refuses past 4300 digits.
            return ParsedFeed(title="", entries=(), problem=_("The feed holds text that cannot be read."))
        raw = RawFeed(feed=parsed.feed, entries=parsed.entries)
        problems += _bozo_problems(parsed, repaired.line_offset)
    kind = _kind_detect(kind, url, raw)
    feed = _Feed(
        url=url,
        kind=kind,
        title=_scrub(_text(raw.feed.get("title", ""))),
        link=str(raw.feed.get("link", "")),
        author=_scrub(_text(raw.feed.get("author", ""))),
    )
    entries = tuple(_entry(entry, feed) for entry in raw.entries)
    return ParsedFeed(
        title=feed.title,
        entries=entries,
        problem=" ".join(dict.fromkeys(problems)),
        query=_alert_query(feed.title) if kind == "google_alerts" else "",
    )


def link_unwrap(link: str) -> str:
    """The target of a Google redirect link (``google.com/url?...&url=<target>``), else ``link``."""
    parts = urlsplit(link)
    host = (parts.hostname or "").lower()
    if parts.path == "/url" and (host == "google.com" or host.endswith(".google.com")):
        for name in ("url", "q"):
            target = _query_first(parts.query, name)
            if target.startswith(("http://", "https://")):
                return target
    return link


def _query_first(query: str, name: str) -> str:
    """``parse_qs(query).get(name, [""])[0]``, without decoding the parameters after it."""
    for pair in query.split("&"):
        key, has_value, value = pair.partition("=")
        if has_value and value and unquote(key.replace("+", " ")) == name:
            return unquote(value.replace("+", " "))
    return ""


@dataclass(frozen=True)
class _Feed:
    url: str
    kind: str
    title: str
    link: str
    author: str


def _entry(raw: Any, feed: _Feed) -> ParsedEntry:
    url = _link(raw, feed.url)
    body = _body_html(raw, is_plain=feed.kind in _PLAIN_TEXT_KINDS or _summary_is_plain(raw))
    snippet = _text(str(raw.get("summary", "")) or body)
    title = _text(raw.get("title", ""))
    author = _text(raw.get("author", ""))
    publisher = ""
    key = str(raw.get("id") or "")
    if feed.kind == "google_alerts":
        title, snippet = _unescape_leftover(title), _unescape_leftover(snippet)
        title, publisher = _publisher_split(title, url)
        body = _ESCAPED_TWICE.sub(r"&\1;", body)
    elif feed.kind == "mastodon":
        author = _mastodon_handle(url) or _mastodon_handle(feed.link) or author
    elif feed.kind == "reddit":
        body = _reddit_footer_drop(body)
        snippet = _text(body)
        author = _reddit_author(author)
        key = _reddit_key(key)
    elif feed.kind == "youtube":
        video_id = str(raw.get("yt_videoid", "")).strip()
        if re.fullmatch(r"[A-Za-z0-9_-]{6,20}", video_id):
            url = f"https://www.youtube.com/watch?v={video_id}"
        author = author or feed.author or feed.title
    elif feed.kind == "bluesky":
        author = _bluesky_handle(url, feed.title) or author
    title = _scrub(title) or title_from_text(_scrub(snippet))
    date = raw.get("published", "") or raw.get("updated", "")
    key = key or url or _hash_key(title, date)
    return ParsedEntry(
        key=key if len(key) <= MAX_KEY else _hash_key(key, ""),
        url=url,
        title=title[:MAX_TITLE],
        snippet=_scrub(snippet),
        content_html=_scrub(html_clean(body)),
        author=_scrub(author)[:MAX_AUTHOR],
        published_at=_when(raw.get("published_parsed") or raw.get("updated_parsed")),
        publisher=_scrub(publisher)[:MAX_PUBLISHER],
        platform=platform_for_kind(feed.kind, url),
    )


def _link(raw: Any, feed_url: str) -> str:
    """The entry's link as an absolute http(s) address (Google's redirect unwrapped), else ""."""
    href = str(raw.get("link", "")).strip()
    if not href:
        return ""
    link = link_unwrap(urljoin(feed_url, href) if feed_url and not is_absolute_as_is(href) else href)
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(link) > MAX_URL:
        return ""
    return link


_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# YouTube and Bluesky write their descriptions and posts as plain text; feedparser labels them HTML.
_PLAIN_TEXT_KINDS = frozenset({"youtube", "bluesky"})
_TAG = re.compile(r"<[A-Za-z/!][^<>]*>")


def _body_html(raw: Any, *, is_plain: bool) -> str:
    """The richest HTML body of an entry, before cleaning; ``is_plain`` when the summary is plain text.

    feedparser files Media RSS descriptions (a Mastodon image's alt text, a YouTube description)
    under ``content`` as plain text, so HTML content wins over the summary, and the summary over
    plain-text content.
    """
    contents = raw.get("content") or []
    for content in contents:
        if content.get("type") in _HTML_TYPES and content.get("value"):
            return str(content["value"])
    summary = str(raw.get("summary", ""))
    if summary:
        return _html_from_text(summary) if is_plain else summary
    for content in contents:
        if content.get("value"):
            return _html_from_text(str(content["value"]))
    return ""


def _summary_is_plain(raw: Any) -> bool:
    """Whether the summary is plain text. Not from its type alone: a Media RSS description in the
    same entry relabels an RSS description that holds HTML as plain text."""
    summary_type = str((raw.get("summary_detail") or {}).get("type", ""))
    return summary_type == "text/plain" and not _TAG.search(str(raw.get("summary", "")))


_BLOCK_END = re.compile(r"<(?:br|hr)\b[^<>]*>|</(?:p|div|li|h[1-6]|blockquote|pre|tr|td|th)\s*>", re.IGNORECASE)


def _text(fragment: str) -> str:
    """Plain text of an HTML fragment, keeping a space where a paragraph or line ends."""
    if _is_plain_markup(fragment):
        # What the HTML parser would give, without it: the fragment holds only text, character
        # references both decode alike and a few tags that cannot move text around.
        return " ".join(html.unescape(_INLINE_TAG.sub("", _BREAKING_TAG.sub(" ", fragment))).split())
    return text_from_html(_BLOCK_END.sub(lambda match: match[0] + " ", fragment))


_INLINE_TAGS = "a|abbr|b|code|em|i|q|s|small|span|strong|sub|sup|u"
_BREAKING_TAGS = "blockquote|div|h[1-6]|li|ol|p|pre|ul"  # clean.text_from_html puts a space at each
_PLAIN_MARKUP = re.compile(
    r"(?:[^<&\x00\r\ud800-\udfff]++|&[A-Za-z][A-Za-z0-9]*+;|&#[0-9]{1,7}+;|&#[xX][0-9A-Fa-f]{1,6}+;"
    rf"|</?(?:{_INLINE_TAGS}|{_BREAKING_TAGS})>|<br ?/?>|<a href=\"[^\"<>&]*+\">)*+"
)
_BREAKING_TAG = re.compile(rf"</?(?:{_BREAKING_TAGS})>|<br ?/?>")
_INLINE_TAG = re.compile(r"<[^<>]*>")
_CHARACTER_REFERENCE = re.compile(
    r"&(?:#(?P<decimal>[0-9]+)|#[xX](?P<hexadecimal>[0-9A-Fa-f]+)|(?P<name>[A-Za-z0-9]+));"
)


def _is_plain_markup(fragment: str) -> bool:
    """Whether ``_text`` may skip the HTML parser for ``fragment`` (tests/monitoring/test_fastparse_shortcuts.py
    compares both ways on many samples)."""
    if "<" not in fragment and "&" not in fragment:
        return "\x00" not in fragment and "\r" not in fragment and not _SURROGATE.search(fragment)
    if not _PLAIN_MARKUP.fullmatch(fragment):
        return False
    for reference in _CHARACTER_REFERENCE.finditer(fragment):
        name, decimal, hexadecimal = reference.group("name", "decimal", "hexadecimal")
        if name is not None:
            if name + ";" not in html5:
                return False
        elif not _is_plain_character(int(decimal) if decimal is not None else int(hexadecimal, 16)):
            return False
    return True


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _is_plain_character(code: int) -> bool:
    """A code point that Python's ``html.unescape`` and an HTML5 parser both turn into itself."""
    if code in (0x9, 0xA) or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF:
        return True
    return (0xE000 <= code <= 0xFDCF or 0xFDF0 <= code <= 0x10FFFF) and code & 0xFFFE != 0xFFFE


def _html_from_text(text: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def title_from_text(text: str, limit: int = TITLE_FROM_TEXT) -> str:
    """The first ``limit`` characters of ``text``, cut at a word and ended with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-\u2013\u2014") + "…"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _scrub(text: str) -> str:
    """``text`` without control characters, which PostgreSQL refuses (NUL) or nobody can see."""
    return _CONTROL.sub("", text)


def _when(value: Any) -> datetime | None:
    """The moment a parsed date (a ``time.struct_time`` in UTC) names; ``None`` when there is none or
    it lies outside the accepted range (``dates.publication_or_none``), as a feed that says year 0 or
    3000 does. Never raises: one impossible date must not lose the rest of the feed."""
    if not value:
        return None
    try:
        moment = datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (ValueError, OverflowError, OSError):  # a year Python cannot hold (0, 10000), or the platform refuses it
        return None
    return publication_or_none(moment)


def _hash_key(title: str, date: str) -> str:
    return "sha1:" + hashlib.sha1(f"{title}\n{date}".encode(), usedforsecurity=False).hexdigest()


def _kind_detect(kind: str, url: str, raw: RawFeed) -> str:
    """``kind``, or for a plain ``feed`` the platform kind its address or content shows beyond doubt."""
    if kind != "feed":
        return kind
    parts = urlsplit(url)
    is_google = (parts.hostname or "").lower() in ("google.com", "www.google.com")
    feed_id = str(raw.feed.get("id", ""))
    if (
        (is_google and parts.path.startswith("/alerts/feeds/"))
        or (feed_id.startswith("tag:google.com,2005:reader/user/") and "/com.google/alerts/" in feed_id)
        or any(str(e.get("id", "")).startswith("tag:google.com,2013:googlealerts/") for e in raw.entries)
    ):
        return "google_alerts"
    if str(raw.feed.get("generator", "")).startswith("Mastodon"):
        return "mastodon"
    platform = platform_for_url(url)
    if platform in (Platform.YOUTUBE, Platform.REDDIT, Platform.BLUESKY):
        return str(platform.value)
    return kind


# Google Alerts


_ENTITY_LEFT = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_ESCAPED_TWICE = re.compile(r"&amp;(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_ALERT_TITLE = re.compile(r"^(?P<head>.{0,30}?)\s[-\u2013\u2014]\s(?P<query>.+)$")


def _unescape_leftover(text: str) -> str:
    """Decode entities still in plain text once more: Google escapes some titles and snippets twice."""
    if not _ENTITY_LEFT.search(text):
        return text
    return " ".join(html.unescape(text).split())


def _alert_query(title: str) -> str:
    """The search words in a Google Alerts feed title ("Google Alert - <query>", in any language)."""
    match = _ALERT_TITLE.match(title)
    if match and "Google" in match["head"]:
        return match["query"].strip()
    return ""


_SUFFIX_SEPARATOR = re.compile(r"\s+[-|\u2013\u2014]\s+")
_HOST_PREFIXES = frozenset({"www", "m", "amp", "mobile"})
_SECOND_LEVELS = frozenset({"co", "com", "org", "net", "ac", "gov"})


def _publisher_split(title: str, link: str) -> tuple[str, str]:
    """``(title, publisher)`` from a Google Alerts title ending in " - Publisher" or " | Publisher".

    Google copies the page's own title, which often ends with the site's name. The last segment
    after " - " or " | " (or an en or em dash) counts as the publisher only when all of these
    hold, and only then is it cut from the title:

    - it is short (at most 40 characters and 5 words) and does not end in an ellipsis;
    - what remains of the title has at least two words;
    - it names the linked site: one of the link's host names (without "www." and the top-level
      domain) appears in it, or it appears in the host ("NOS" on nos.nl, "De Telegraaf" on
      telegraaf.nl, "Indeed.com" on nl.indeed.com).

    So "Uitslag Dolfijnen - Zeehonden" on a sports site keeps its title and has no publisher.
    """
    separators = list(_SUFFIX_SEPARATOR.finditer(title))
    if not separators:
        return title, ""
    last = separators[-1]
    head, tail = title[: last.start()].strip(), title[last.end() :].strip()
    is_short = 0 < len(tail) <= 40 and len(tail.split()) <= 5 and not tail.endswith(("...", "…"))
    if is_short and len(head.split()) >= 2 and _names_host(tail, link):
        return head, tail
    return title, ""


def _names_host(name: str, link: str) -> bool:
    labels = (urlsplit(link).hostname or "").lower().split(".")
    labels = labels[:-1]  # the top-level domain says nothing about the site
    if len(labels) >= 2 and labels[-1] in _SECOND_LEVELS:
        labels = labels[:-1]  # as in bbc.co.uk
    labels = [label for label in labels if label not in _HOST_PREFIXES]
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    if not key or not labels:
        return False
    if any(label == key or (len(label) >= 3 and label in key) for label in labels):
        return True
    return len(key) >= 3 and key in "".join(labels)


# Platform feeds


_MASTODON_PATH = re.compile(
    r"^/(?:@(?P<user>[A-Za-z0-9_]+)(?:@(?P<domain>[A-Za-z0-9.-]+\.[A-Za-z]{2,}))?|users/(?P<account>[A-Za-z0-9_]+))(?:/|$)"
)
_BLUESKY_PATH = re.compile(r"^/profile/(?P<actor>[^/]+)")
# "submitted by <a>/u/name</a> <br/> <span><a>[link]</a></span> <span><a>[comments]</a></span>"
_REDDIT_FOOTER = re.compile(
    r"submitted by(?:\s|&#32;)*<a\s[^<>]*>\s*/?u/[^<]*</a>"
    r"(?:\s|&#32;|<br\s*/?>|<span>\s*<a\s[^<>]*>\[[^\]<]*\]</a>\s*</span>)*"
)


def _mastodon_handle(link: str) -> str:
    """``@name@instance`` from a Mastodon status or profile link, else ""."""
    parts = urlsplit(link)
    match = _MASTODON_PATH.match(parts.path)
    if not match or not parts.hostname:
        return ""
    user = match["user"] or match["account"]
    return f"@{user}@{match['domain'] or parts.hostname}"


def _bluesky_handle(link: str, feed_title: str) -> str:
    """``@handle`` from a bsky.app profile or post link, or from a profile feed's "@handle - Name" title."""
    match = _BLUESKY_PATH.match(urlsplit(link).path)
    actor = unquote(match["actor"]) if match else ""
    if actor and not actor.startswith("did:"):
        return f"@{actor}"
    title_match = re.match(r"^@([A-Za-z0-9.-]+)(?:\s|$)", feed_title)
    return f"@{title_match[1]}" if title_match else ""


def _reddit_footer_drop(body: str) -> str:
    """``body`` without the footer Reddit adds to every post, when it is there."""
    start = body.rfind("submitted by")
    if start < 0 or not _REDDIT_FOOTER.fullmatch(body, start):
        return body
    head = body[:start].rstrip()
    while head.endswith("&#32;"):
        head = head[: -len("&#32;")].rstrip()
    return head


def _reddit_author(author: str) -> str:
    name = author.strip()
    if name.startswith("/u/"):
        return name[1:]
    if re.fullmatch(r"[A-Za-z0-9_-]{3,20}", name):
        return f"u/{name}"
    return name


def _reddit_key(key: str) -> str:
    """Reddit's own id (``t3_18895rv``): feedparser resolves the bare id against the feed address."""
    match = re.search(r"(?:^|/)(t[1-6]_[a-z0-9]+)$", key)
    return match[1] if match else key


# What feedparser read past


def _bozo_problems(parsed: Any, line_offset: int) -> list[str]:
    """What feedparser could not parse strictly, in plain words ([] when nothing)."""
    if not parsed.get("bozo"):
        return []
    error = parsed.get("bozo_exception")
    if isinstance(error, feedparser.NonXMLContentType):
        return []  # we pass no Content-Type: fetch.py decides what may be parsed
    if isinstance(error, feedparser.CharacterEncodingOverride):
        return [
            _("The feed's character encoding is declared wrongly; it was read as %(encoding)s.")
            % {"encoding": parsed.get("encoding", "")}
        ]
    if isinstance(error, feedparser.CharacterEncodingUnknown):
        return [_("The feed's character encoding is unknown; some letters may look wrong.")]
    if isinstance(error, SAXParseException):
        line = (error.getLineNumber() or 0) + line_offset
        message = str(error.getMessage())
        if any(words in message for words in ("mismatched tag", "unclosed token", "no element found")):
            return [
                _("Line %(line)s has a tag that is not closed properly; part of the feed may be missing.")
                % {"line": line}
            ]
        return [_("Line %(line)s is not valid XML; the feed was read leniently.") % {"line": line}]
    return [_("The feed is not entirely valid, but it could be read.")]
