"""What a fetched answer holds: its feed parsed, or the error that says why there is none we can read.

Runs no query and touches no network, so it runs in the thread that fetched the answer.
"""

from __future__ import annotations

import logging

from monitoring.exceptions import MonitoringError, ParseError
from monitoring.feeds.fetch import FetchResult
from monitoring.feeds.parse import ParsedFeed, feed_parse
from monitoring.texts import Text

logger = logging.getLogger(__name__)


def feed_read(result: FetchResult, *, source_url: str, kind: str) -> ParsedFeed | MonitoringError | None:
    """The feed ``result`` holds for the source at ``source_url`` of ``kind``, ``None`` for a 304, or
    why it holds none we can read."""
    if result.is_not_modified:
        return None
    try:
        parsed = feed_parse_or_error(result.content, url=result.url, kind=kind)
    except MonitoringError as exc:
        return exc
    if not parsed.is_feed:
        return ParseError(source_url, Text("not_a_feed"))
    return parsed


def feed_parse_or_error(content: bytes, *, url: str, kind: str = "feed") -> ParsedFeed:
    """``feed_parse``, with any failure turned into a ``ParseError`` in plain words.

    ``feed_parse`` means never to raise on what a feed holds; should a feed still find a way (a fault
    in feedparser or in ours), that feed fails on its own, not the batch it is in or the page that
    checks it. Raises ``ParseError``.
    """
    try:
        return feed_parse(content, url=url, kind=kind)
    except Exception as exc:  # the edge of the parsing libraries: recorded on the feed, never a crashed batch
        logger.exception("Parsing the feed at %s failed unexpectedly.", url)
        raise ParseError(url, Text("unreadable", {"error": error_detail(exc)})) from exc


def error_detail(exc: BaseException) -> str:
    """An unexpected error in one short line: its own message, else its kind."""
    return " ".join(str(exc).split()) or type(exc).__name__
