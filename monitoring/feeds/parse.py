"""Turning feed bytes into ``ParsedFeed``: feedparser's output normalised into our dataclasses."""

from __future__ import annotations

import calendar
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import feedparser

from monitoring.feeds.clean import html_clean, text_from_html

MAX_TITLE = 500
MAX_AUTHOR = 200


@dataclass(frozen=True)
class ParsedEntry:
    key: str
    url: str
    title: str
    snippet: str
    content_html: str
    author: str
    published_at: datetime | None


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: tuple[ParsedEntry, ...]
    problem: str  # a recoverable fault in the document ("bozo"), or ""

    @property
    def is_feed(self) -> bool:
        return bool(self.entries) or bool(self.title)


def feed_parse(content: bytes, *, url: str) -> ParsedFeed:
    """Parse ``content`` fetched from ``url``. Never raises on bad input: check ``is_feed``."""
    parsed = feedparser.parse(io.BytesIO(content), response_headers={"content-location": url})
    problem = str(parsed.get("bozo_exception") or "") if parsed.get("bozo") else ""
    entries = tuple(_entry(raw, url) for raw in parsed.entries)
    return ParsedFeed(title=text_from_html(parsed.feed.get("title", "")), entries=entries, problem=problem)


def link_unwrap(link: str) -> str:
    """The target of a Google redirect link (``google.com/url?...&url=<target>``), else ``link``."""
    parts = urlsplit(link)
    host = (parts.hostname or "").lower()
    if parts.path == "/url" and (host == "google.com" or host.endswith(".google.com")):
        query = parse_qs(parts.query)
        for name in ("url", "q"):
            target = (query.get(name) or [""])[0]
            if target.startswith(("http://", "https://")):
                return target
    return link


def _entry(raw: Any, feed_url: str) -> ParsedEntry:
    link = link_unwrap(urljoin(feed_url, raw.get("link", ""))) if raw.get("link") else ""
    title = text_from_html(raw.get("title", ""))[:MAX_TITLE]
    content = raw["content"][0].get("value", "") if raw.get("content") else raw.get("summary", "")
    published = _when(raw.get("published_parsed") or raw.get("updated_parsed"))
    key = raw.get("id") or link or _hash_key(title, raw.get("published", "") or raw.get("updated", ""))
    return ParsedEntry(
        key=key[:500],
        url=link,
        title=title,
        snippet=text_from_html(raw.get("summary", "") or content),
        content_html=html_clean(content),
        author=text_from_html(raw.get("author", ""))[:MAX_AUTHOR],
        published_at=published,
    )


def _when(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)


def _hash_key(title: str, date: str) -> str:
    return "sha1:" + hashlib.sha1(f"{title}\n{date}".encode(), usedforsecurity=False).hexdigest()
