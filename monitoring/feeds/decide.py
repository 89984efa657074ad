"""Deciding what a poll changes: pure functions over parsed entries, the answer and what is already stored.

Two kinds of decision, each a frozen dataclass that the poll service carries out without deciding
anything itself (after lemon24/reader's ``_update`` decider):

- ``poll_plan``: which entries are new, once each, and which the watch terms leave out;
- ``health_after_answer`` and ``health_after_failure``: what the poll does to its source besides its
  entries: when it is polled next (its interval, a cache's max-age, a backoff after a failure, the wait
  a site asked for), whether it follows the feed to a new address, and whether it is paused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from monitoring.feeds.parse import ParsedEntry
from monitoring.feeds.terms import WatchTerms, watch_terms_match

# Fragments that point at one comment or post on a page: forum replies and blog comments that share a
# page are different mentions, so these fragments stay part of the canonical link.
_ITEM_FRAGMENT = re.compile(r"(?:comment|comments|reply|post|p|c|r|answer|msg|message|entry|li)?[-_]?\d+", re.I)
_TRACKING_PARAMETERS = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "si"}


@dataclass(frozen=True)
class NewEntry:
    entry: ParsedEntry
    canonical_url: str
    matched_terms: tuple[str, ...]


@dataclass(frozen=True)
class PollPlan:
    new_entries: tuple[NewEntry, ...]
    duplicates: int  # entries this source had delivered before
    filtered: int  # entries left out by the organisation's watch terms


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no default port, no fragment, no tracking.

    ``utm_*``, ``fbclid``, ``gclid`` and similar parameters are dropped; the order of the rest is kept
    because some sites depend on it. A fragment that names one comment or post (``#comment-12``,
    ``#p9``) is kept. Returns "" for anything that is not an http(s) URL.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port and not (scheme == "http" and port == 80) and not (scheme == "https" and port == 443):
        host = f"{host}:{port}"
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not name.lower().startswith("utm_") and name.lower() not in _TRACKING_PARAMETERS
    ]
    fragment = parts.fragment if _ITEM_FRAGMENT.fullmatch(parts.fragment) else ""
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query, doseq=True), fragment))


def terms_matched(entry: ParsedEntry, *, terms: WatchTerms | None, is_query: bool = False) -> tuple[str, ...] | None:
    """The organisation's watch ``terms`` that ``entry`` matches, kept for highlighting; None when they
    leave it out. A feed that is a search already (``is_query``) keeps every entry, and so does an
    organisation without terms."""
    if terms is None:
        return ()
    match = watch_terms_match(terms, title=entry.title, text=entry.snippet)
    if not match.is_relevant and not is_query:
        return None
    return match.matched


def poll_plan(
    entries: Iterable[ParsedEntry],
    *,
    known_keys: set[str],
    terms: WatchTerms | None = None,
    is_query: bool = False,
) -> PollPlan:
    """What a poll adds: entries this source has not delivered before, once each, in feed order.

    Feeds that are a search already (``is_query``) are taken whole; other feeds keep only entries
    that the organisation's watch ``terms`` find relevant. Matched terms are kept for highlighting.
    """
    seen = set(known_keys)
    links: set[str] = set()
    new: list[NewEntry] = []
    duplicates = filtered = 0
    for entry in entries:
        if entry.key in seen:
            duplicates += 1
            continue
        seen.add(entry.key)
        matched = terms_matched(entry, terms=terms, is_query=is_query)
        if matched is None:
            filtered += 1
            continue
        link = canonical_url(entry.url)
        if link in links:
            # Two different entries of one feed on one link are two things said, not one seen twice:
            # the second keeps its own mention, outside the link dedupe.
            link = ""
        links.add(link)
        new.append(NewEntry(entry=entry, canonical_url=link, matched_terms=matched))
    return PollPlan(new_entries=tuple(new), duplicates=duplicates, filtered=filtered)


MAX_BACKOFF = timedelta(hours=24)  # the longest wait after failures, and the longest Retry-After we honour
MAX_CACHE_WAIT = timedelta(hours=6)  # the longest a Cache-Control max-age puts off the next poll
PAUSE_AFTER_FAILURES = 10  # failed polls in a row that pause a source until the board resumes it


@dataclass(frozen=True)
class PollHealth:
    """What a finished poll does to its source, besides storing entries."""

    next_poll_at: datetime
    is_paused: bool = False  # failed PAUSE_AFTER_FAILURES times in a row: polling stops until it is resumed
    moved_to: str = ""  # the feed moved for good to this address, which becomes the source's ("": it stays)
    # A 304 without a move or a max-age: nothing changes but the poll's times and validators, so it is
    # recorded together with the batch's other ones.
    is_plain_not_modified: bool = False


def retry_delay(*, failures: int) -> timedelta:
    """How long to wait after ``failures`` failed polls in a row: 1, 2, 4, 8 … minutes, at most 24 hours.

    A site that was down for a moment (or a demo server still starting) is tried again soon; one that
    stays down is asked less and less often.
    """
    return min(MAX_BACKOFF, timedelta(minutes=2 ** min(max(failures, 1) - 1, 16)))


def health_after_failure(*, failures: int, now: datetime, retry_after: timedelta | None = None) -> PollHealth:
    """After a failed poll (``failures`` in a row, this one included): the next poll after ``retry_delay``,
    or after the wait the site asked for (``retry_after``, up to ``MAX_BACKOFF``) when that is longer;
    paused once ``PAUSE_AFTER_FAILURES`` is reached."""
    delay = retry_delay(failures=failures)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_BACKOFF))
    return PollHealth(next_poll_at=now + delay, is_paused=failures >= PAUSE_AFTER_FAILURES)


def health_after_answer(
    *,
    url: str,
    interval: timedelta,
    now: datetime,
    is_not_modified: bool = False,
    permanent_url: str = "",
    max_age: timedelta | None = None,
) -> PollHealth:
    """After an answer (entries or a 304) from the source at ``url``, polled every ``interval``.

    The next poll is an interval on, or later when the site says its feed stays fresh longer
    (``max_age``, up to ``MAX_CACHE_WAIT``). A feed that moved for good (``permanent_url``, the end of
    its 301/308 redirects) is followed: the source takes the new address.
    """
    next_poll_at = now + interval
    if max_age is not None:
        next_poll_at = max(next_poll_at, now + min(max_age, MAX_CACHE_WAIT))
    return PollHealth(
        next_poll_at=next_poll_at,
        moved_to=permanent_url if permanent_url and permanent_url != url else "",
        is_plain_not_modified=is_not_modified and not permanent_url and max_age is None,
    )
