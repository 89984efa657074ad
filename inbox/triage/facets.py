"""The inbox's counts per filter value, kept between reads so that a busy inbox does not count all day.

Counting is the costly read of the inbox: ``selectors.mention_facets`` counts every matching mention eight
ways. Kept counts are current while no mention arrived or changed (``selectors.inbox_generation``). Once
something moved, counts that took a moment to make are made again at once; counts that took long (a large
inbox) are shown as they were, saying from when, while a worker counts again in the background (on one core,
one selection at a time), at most once per ``REFRESH_FACTOR`` times what counting took, and never older than a
minute or so (``STALE_LIMIT_SECONDS``): then one reader counts. So counting costs a large inbox at most about a
thirtieth of one database connection per selection, however fast mentions arrive and are triaged: with fifty
people on a million mentions, a tenth made the refreshes PostgreSQL's largest load and slowed every page
(measured in ``benchmarks/load.py``: see benchmarks/README.md).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import QueryDict
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnreachable

from accounts.models import User
from inbox.triage import selectors
from inbox.triage.forms import list_request
from inbox.triage.selectors import Facets, MentionFilters
from webcare.queries import transaction_settings

logger = logging.getLogger(__name__)

KEEP_SECONDS = 60 * 60
REFRESH_FACTOR = 30
# Counts out of date for longer than this (or than their refresh window, if longer) are made again by the
# reader: a worker that is down or busy never leaves the pane showing old counts for long.
STALE_LIMIT_SECONDS = 60
# Background counts run one at a time, whatever the worker's concurrency: two at once took both cores of a small
# server from the people waiting for pages. The lease outlasts any count (the task's hard time limit is less), so a
# worker killed mid-count frees the turn by itself.
REFRESHING_KEY = "inbox:facets:refreshing"
REFRESHING_SECONDS = 120


@dataclass(frozen=True)
class KeptFacets:
    facets: Facets
    generation: tuple[int, int]
    counted_at: datetime
    seconds: float  # what counting took


@dataclass(frozen=True)
class FacetsRead:
    facets: Facets
    # When the counts were made, if something has moved since (a worker is counting again); else None.
    stale_since: datetime | None
    # Names these counts: the same version, the same counts (what is drawn from them may be kept by it).
    version: str


def facets_read(*, user: User, filters: MentionFilters, query: str) -> FacetsRead:
    """The counts for ``filters`` (sent as ``query``), current or, for a large inbox, recent.

    Runs one query while the kept counts are current, the eight counting queries when they are missing or
    quick to make again.
    """
    key = _key(user, filters)
    generation = selectors.inbox_generation()
    kept: KeptFacets | None = cache.get(key)
    if kept is not None and kept.generation == generation:
        return _read(key, kept, is_current=True)
    if kept is None or kept.seconds < settings.INBOX_FACETS_INLINE_SECONDS:
        return _read(key, _count(key, user, filters, generation), is_current=True)
    window = max(1, math.ceil(kept.seconds * REFRESH_FACTOR))
    is_too_old = (timezone.now() - kept.counted_at).total_seconds() > max(STALE_LIMIT_SECONDS, window)
    # Too old: one reader counts (the others meanwhile get what there is), not everyone at once.
    if is_too_old and cache.add(f"{key}:counting", 1, timeout=max(1, math.ceil(kept.seconds * 2))):
        return _read(key, _count(key, user, filters, generation), is_current=True)
    # One refresh per selection in each window: the marker outlives the refresh on purpose.
    if cache.add(f"{key}:refresh", 1, timeout=window):
        from inbox.triage.tasks import facets_refresh

        try:
            facets_refresh.delay(user.id, query)
        except BrokerUnreachable:
            logger.warning("Counts not refreshed: the task queue cannot be reached")
            cache.delete(f"{key}:refresh")
    return _read(key, kept, is_current=False)


def _read(key: str, kept: KeptFacets, *, is_current: bool) -> FacetsRead:
    version = f"{key}:{kept.counted_at.isoformat()}:{is_current}"
    return FacetsRead(kept.facets, None if is_current else kept.counted_at, version)


def facets_refresh(*, user_id: int, query: str) -> bool:
    """Count again for ``user_id`` and the filters in ``query`` and keep the result (the background job).
    False, having counted nothing, while another refresh is counting: the job is then to be tried again."""
    if not cache.add(REFRESHING_KEY, 1, timeout=REFRESHING_SECONDS):
        return False
    try:
        user = User.objects.filter(id=user_id, is_active=True).first()
        if user is None:
            return True
        filters = list_request(QueryDict(query)).filters
        # On one core: PostgreSQL's parallel workers would count faster but take every core from the people
        # waiting for a page meanwhile.
        with transaction_settings(max_parallel_workers_per_gather="0"):
            _count(_key(user, filters), user, filters, selectors.inbox_generation())
    finally:
        cache.delete(REFRESHING_KEY)
    return True


def reader_of(user: User, filters: MentionFilters) -> str:
    """Who counts share: colleagues of one organisation see the same mentions, unless "mine" is among the
    filters."""
    return f"{user.organisation_id}:{user.id if 'me' in filters.assignees else 'all'}"


def _key(user: User, filters: MentionFilters) -> str:
    return "inbox:facets:" + hashlib.sha256(f"{reader_of(user, filters)}:{filters!r}".encode()).hexdigest()


def _count(key: str, user: User, filters: MentionFilters, generation: tuple[int, int]) -> KeptFacets:
    started = time.monotonic()
    facets = selectors.mention_facets(user=user, filters=filters)
    kept = KeptFacets(facets, generation, timezone.now(), time.monotonic() - started)
    cache.set(key, kept, KEEP_SECONDS)
    return kept
