"""Deciding what a poll changes: pure functions over parsed entries and what is already stored."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
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
        matched: tuple[str, ...] = ()
        if terms is not None:
            match = watch_terms_match(terms, title=entry.title, text=entry.snippet)
            if not match.is_relevant and not is_query:
                filtered += 1
                continue
            matched = match.matched
        link = canonical_url(entry.url)
        if link in links:
            # Two different entries of one feed on one link are two things said, not one seen twice:
            # the second keeps its own mention, outside the link dedupe.
            link = ""
        links.add(link)
        new.append(NewEntry(entry=entry, canonical_url=link, matched_terms=matched))
    return PollPlan(new_entries=tuple(new), duplicates=duplicates, filtered=filtered)
