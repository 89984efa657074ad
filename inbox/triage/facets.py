"""The inbox's counts per filter value, kept between reads so that a busy inbox does not count all day.

Counting is the costly read of the inbox: ``selectors.mention_facets`` counts every matching mention eight
ways. Kept counts are current while no mention arrived or changed (``selectors.inbox_generation``). Once
something moved, counts that took a moment to make are made again at once; counts that took long (a large
inbox) are shown as they were, saying from when, while a worker counts again in the background (on one core,
one selection at a time), at most once per ``REFRESH_FACTOR`` times what counting took. So counting costs a large
inbox at most about a thirtieth of one database connection per selection, however fast mentions arrive and are
triaged: with fifty people on a million mentions, a tenth made the refreshes PostgreSQL's largest load and slowed
every page (measured in ``benchmarks/load.py``: see benchmarks/README.md).

A web process never counts a large inbox while somebody waits for it, as long as a worker does: a selection
nobody counted yet (a new search) shows "Counting…" and asks again a moment later, while the worker counts it.
Only when a count asked of the worker has not come for ``NEGLECTED_SECONDS`` (the worker is down, or busy for
that long) does one reader count: counting a million mentions took a web process 1.5 to 5 seconds under load,
and every request waiting for that process waited as long.
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
# A count asked of the worker that has not come for this long is made by the reader: a worker that is down or
# busy for long never leaves the pane counting, or showing old counts, for long. Under load a polling round keeps
# the worker's processes busy for up to half a minute, and the refreshes then run one at a time.
NEGLECTED_SECONDS = 90
# How long a pane that shows "Counting…" waits before it asks again, and how often a selection never counted is
# asked of the worker again meanwhile (a refresh finds it counted already, and counts nothing, when it was).
COUNTING_RETRY_MS = 1500
NEW_ASK_SECONDS = 15
UNKNOWN_COUNT_SECONDS = 10
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
    facets: Facets | None  # None: being counted (a worker counts them; ask again in a moment)
    # When the counts were made, if something has moved since (a worker is counting again); else None.
    stale_since: datetime | None
    # Names these counts: the same version, the same counts (what is drawn from them may be kept by it).
    version: str


def facets_read(*, user: User, filters: MentionFilters, query: str) -> FacetsRead:
    """The counts for ``filters`` (sent as ``query``): current, or for a large inbox recent, or being counted.

    Runs one query while the kept counts are current, the eight counting queries when they are quick to make
    again (or when the worker has not made them for long).
    """
    key = _key(user, filters)
    generation = selectors.inbox_generation()
    kept: KeptFacets | None = cache.get(key)
    if kept is not None and kept.generation == generation:
        return _read(key, kept, is_current=True)
    is_slow = kept.seconds >= settings.INBOX_FACETS_INLINE_SECONDS if kept else bool(cache.get(_slow_key(user)))
    if not is_slow:
        return _read(key, _count(key, user, filters, generation), is_current=True)
    asked_at: float | None = cache.get(f"{key}:asked")
    # Asked of the worker and not made for long: one reader counts (the others meanwhile get what there is).
    if asked_at is not None and time.time() - asked_at > NEGLECTED_SECONDS:
        # The one reader's turn lasts twice what counting took the last time (never counted: a guess).
        seconds = kept.seconds if kept else UNKNOWN_COUNT_SECONDS
        if cache.add(f"{key}:counting", 1, timeout=max(1, math.ceil(seconds * 2))):
            return _read(key, _count(key, user, filters, generation), is_current=True)
    if kept is None:
        # Never counted: ask once in a while until counted (a worker that runs its tasks at once has then counted).
        if cache.add(f"{key}:refresh", 1, timeout=NEW_ASK_SECONDS):
            if not _ask(key, user, query):  # no worker can be asked: nobody else counts
                return _read(key, _count(key, user, filters, generation), is_current=True)
            if (counted := cache.get(key)) is not None:
                return _read(key, counted, is_current=counted.generation == generation)
        return FacetsRead(None, None, f"{key}:counting")
    # One refresh per selection in each window: the marker outlives the refresh on purpose.
    if cache.add(f"{key}:refresh", 1, timeout=max(1, math.ceil(kept.seconds * REFRESH_FACTOR))):
        _ask(key, user, query)
    return _read(key, kept, is_current=False)


def _ask(key: str, user: User, query: str) -> bool:
    """Ask the worker to count ``key`` again, noting when it was first asked (until it has counted); False when
    the task queue cannot be reached."""
    from inbox.triage.tasks import facets_refresh

    cache.add(f"{key}:asked", time.time(), timeout=KEEP_SECONDS)
    try:
        facets_refresh.delay(user.id, query)
    except BrokerUnreachable:
        logger.warning("Counts not refreshed: the task queue cannot be reached")
        cache.delete(f"{key}:refresh")
        return False
    return True


def _read(key: str, kept: KeptFacets, *, is_current: bool) -> FacetsRead:
    version = f"{key}:{kept.counted_at.isoformat()}:{is_current}"
    return FacetsRead(kept.facets, None if is_current else kept.counted_at, version)


def _slow_key(user: User) -> str:
    # Whether the organisation's inbox took long to count the last time any selection of it was counted.
    return f"inbox:facets:slow:{user.organisation_id}"


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
        key, generation = _key(user, filters), selectors.inbox_generation()
        kept: KeptFacets | None = cache.get(key)
        if kept is not None and kept.generation == generation:
            return True  # counted since it was asked for (asked twice, or by a reader)
        # On one core: PostgreSQL's parallel workers would count faster but take every core from the people
        # waiting for a page meanwhile.
        with transaction_settings(max_parallel_workers_per_gather="0"):
            _count(key, user, filters, generation)
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
    cache.delete(f"{key}:asked")
    cache.set(_slow_key(user), kept.seconds >= settings.INBOX_FACETS_INLINE_SECONDS, KEEP_SECONDS)
    return kept
