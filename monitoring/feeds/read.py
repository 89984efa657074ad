"""What a fetched answer holds: its feed parsed and each entry enriched, or the error that says why there
is none we can read.

Runs no query and touches no network, so it runs in the thread that fetched the answer, while the
poll's own thread stores the answer before: the poll's transactions hold only their writes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from monitoring.exceptions import MonitoringError, ParseError
from monitoring.feeds.decide import terms_matched
from monitoring.feeds.enrich import Enrichment, Signal, enrich
from monitoring.feeds.fetch import FetchResult
from monitoring.feeds.parse import ParsedFeed, feed_parse
from monitoring.feeds.terms import WatchTerms
from monitoring.texts import Text

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadFeed:
    feed: ParsedFeed
    # The enrichment of each entry the watch terms keep, by its key (the first entry of a key, as
    # ``decide.poll_plan`` takes it), without the repeated-author flag, which takes a query
    # (``Enrichment.with_repeated_author``).
    enrichments: Mapping[str, Enrichment]


def feed_read(
    result: FetchResult,
    *,
    source_url: str,
    kind: str,
    signals: tuple[Signal, ...] | None,
    terms: WatchTerms | None = None,
    is_query: bool = False,
) -> ReadFeed | MonitoringError | None:
    """The feed ``result`` holds for the source at ``source_url`` of ``kind``, with the entries its
    organisation's watch ``terms`` keep (``decide.terms_matched``) enriched with ``signals`` (None: none
    enriched); ``None`` for a 304, or why it holds none we can read.

    Entries the source delivered before are enriched too: which those are takes a query, and a feed
    that changed mostly brings new ones.
    """
    if result.is_not_modified:
        return None
    try:
        parsed = feed_parse_or_error(result.content, url=result.url, kind=kind)
    except MonitoringError as exc:
        return exc
    if not parsed.is_feed:
        return ParseError(source_url, Text("not_a_feed"))
    if signals is None:
        return ReadFeed(feed=parsed, enrichments={})
    try:
        return ReadFeed(feed=parsed, enrichments=feed_enrich(parsed, signals, terms=terms, is_query=is_query))
    except Exception as exc:  # the edge of the language model: recorded on the feed, never a crashed batch
        logger.exception("Enriching the feed at %s failed unexpectedly.", result.url)
        return ParseError(source_url, Text("unreadable", {"error": error_detail(exc)}))


def feed_enrich(
    feed: ParsedFeed, signals: tuple[Signal, ...], *, terms: WatchTerms | None = None, is_query: bool = False
) -> dict[str, Enrichment]:
    """The enrichment of each entry of ``feed`` the watch ``terms`` keep, by its key: the first entry of
    a key only, as ``decide.poll_plan`` takes it."""
    enrichments: dict[str, Enrichment] = {}
    seen: set[str] = set()
    for entry in feed.entries:
        if entry.key in seen:
            continue
        seen.add(entry.key)
        if terms_matched(entry, terms=terms, is_query=is_query) is not None:
            enrichments[entry.key] = enrich(title=entry.title, text=entry.snippet, signals=signals)
    return enrichments


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
