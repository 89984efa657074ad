"""Writes for monitoring: sources and the poll that turns feed entries into mentions."""

from __future__ import annotations

import functools
import html
import json
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import psycopg
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, Q
from django.db.models.sql import InsertQuery, UpdateQuery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.roles import Role
from monitoring.dates import publication_is_sane, publication_or_none
from monitoring.exceptions import FetchError, MonitoringError, ParseError, SourceRetired, StoreError
from monitoring.feeds.clean import html_clean
from monitoring.feeds.decide import NewEntry, canonical_url, poll_plan
from monitoring.feeds.enrich import Signal, enrich
from monitoring.feeds.fetch import TOTAL_TIMEOUT, FetchRequest, FetchResult, feed_fetch, feeds_fetch
from monitoring.feeds.guard import url_check
from monitoring.feeds.parse import ParsedEntry, ParsedFeed, feed_parse, link_unwrap, title_from_text
from monitoring.feeds.platforms import platform_for_url
from monitoring.feeds.terms import WatchTerms as ParsedWatchTerms
from monitoring.feeds.terms import watch_terms_match, watch_terms_parse
from monitoring.models import (
    MANUAL_SOURCE_NAME,
    FetchLog,
    Mention,
    Sighting,
    SignalPhrase,
    Source,
    SourceEvent,
    WatchTerms,
)
from monitoring.signals import mentions_ingested
from monitoring.texts import Text
from webcare.links import http_url_check

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PollOutcome:
    source_id: int
    found: int = 0  # entries in the feed
    new: int = 0  # mentions created
    duplicates: int = 0  # entries this source had delivered before
    filtered: int = 0  # entries the watch terms left out
    seen_elsewhere: int = 0  # entries whose link another source had brought in already
    is_not_modified: bool = False
    error: str = ""  # why the poll failed, in plain words (in the language active when it was polled)
    error_text: Text | None = None  # the same as a code and parameters, as it is stored
    problem: str = ""  # a fault in the feed that was read past, in plain words


@dataclass(frozen=True)
class SourcePreview:
    url: str
    title: str
    entries: int
    problem: str


def source_preview(*, url: str) -> SourcePreview:
    """Fetch ``url`` once and say what it holds, without storing anything.

    Raises ``MonitoringError`` (with a plain-words message) when it cannot be fetched or is no feed.
    """
    result = feed_fetch(url)
    parsed = _feed_parse(result.content, url=result.url)
    if not parsed.is_feed:
        raise ParseError(url, Text("not_a_feed"))
    return SourcePreview(url=result.url, title=parsed.title, entries=len(parsed.entries), problem=parsed.problem)


def source_create(
    *,
    organisation: Organisation,
    name: str,
    kind: str,
    url: str,
    actor: User | None,
    poll_interval_minutes: int | None = None,
) -> Source:
    """Add a source, due for its first poll at once (``poll_interval_minutes`` None: the default
    interval). Raises ``ValidationError`` on bad fields."""
    source = Source(organisation=organisation, name=name, kind=kind, url=url)
    if poll_interval_minutes is not None:
        source.poll_interval_minutes = poll_interval_minutes
    source.full_clean()
    with transaction.atomic():
        source.save()
        SourceEvent.objects.create(source=source, actor=actor, action="created", to_value=url)
    return source


# A fetch slot is a lease: it lasts one fetch's longest time and half a minute more, and a batch that
# holds it renews it every few seconds while its answers come in. A worker that dies holding slots
# (killed mid-poll, say) frees them within a minute, whatever the size of its batch.
SLOT_LEASE_SECONDS = int(TOTAL_TIMEOUT) + 30
SLOT_RENEW_SECONDS = 10

# A claim on a source is a lease too: claiming sets next_poll_at (and claimed_until) this far ahead,
# and the end of its poll (entries, 304 or failure) sets the real next poll. A worker killed
# mid-batch leaves its sources due again within this time, not an interval (15 minutes) later.
# A batch renews the lease of the sources it has not finished every CLAIM_RENEW_SECONDS; it checks
# when an answer comes in, and one comes at least every TOTAL_TIMEOUT (30 s) per fetch thread, so a
# lease is renewed at most about a minute after the last: a batch that runs long (100 sources on one
# slow host take up to 100 times 30 s) keeps its sources as long as it lives. Its task's time limit
# (settings.CELERY_TASK_TIME_LIMIT, 110 s) ends it well before then; its unfinished sources are due again at
# most CLAIM_LEASE after the last renewal.
CLAIM_LEASE = timedelta(minutes=2)
CLAIM_RENEW_SECONDS = 30.0


class HostSlot:
    """One of a host's fetch slots, held in the shared cache until it is freed or its lease runs out."""

    def __init__(self, key: str) -> None:
        self.key = key

    def renew(self) -> None:
        """Extend the lease by ``SLOT_LEASE_SECONDS`` from now."""
        cache.touch(self.key, SLOT_LEASE_SECONDS)


@contextmanager
def host_slot(host: str) -> Iterator[HostSlot | None]:
    """Take one of the ``WEBCARE_FETCH_PER_HOST`` fetch slots for ``host``; yields it, or None when none was free.

    Slots live in the shared cache (Redis in production), so the limit holds across worker processes.
    The slot is freed on leaving; renew it (``HostSlot.renew``) at least every ``SLOT_LEASE_SECONDS``.
    """
    for number in range(settings.WEBCARE_FETCH_PER_HOST):
        key = f"monitoring:host-slot:{host}:{number}"
        if cache.add(key, 1, timeout=SLOT_LEASE_SECONDS):
            try:
                yield HostSlot(key)
            finally:
                cache.delete(key)
            return
    yield None


def source_claim(*, source_id: int, now: datetime, force: bool = False) -> Source | None:
    """Take ``source_id`` for one poll (see ``sources_claim``); ``None`` when it was not taken."""
    claimed = sources_claim(source_ids=[source_id], now=now, force=force)
    return claimed[0] if claimed else None


def sources_claim(*, source_ids: Sequence[int], now: datetime, force: bool = False) -> list[Source]:
    """Take the due, active ones of ``source_ids`` for one poll each; returns them in id order.

    A retired source is never taken.

    A claim is a lease of ``CLAIM_LEASE``: ``next_poll_at`` and ``claimed_until`` move that far on,
    and the end of the poll sets the real next poll. A source whose lease has not run out is never
    taken, ``force`` or not: ``force`` only takes sources that are not due yet, so three clicks on
    "Poll now" poll once. Atomic: the rows are locked with ``SKIP LOCKED``, so of two workers racing
    for a source exactly one gets it and the other skips it. Runs one query (on PostgreSQL an
    ``UPDATE … RETURNING`` that commits on its own outside a transaction; elsewhere two).
    """
    until = now + CLAIM_LEASE
    if connection.vendor == "postgresql":
        return _sources_claim_returning(source_ids=source_ids, now=now, until=until, force=force)
    with transaction.atomic():
        rows = Source.objects.select_for_update(skip_locked=True).filter(
            id__in=source_ids, is_active=True, retired_at__isnull=True
        )
        rows = rows.filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        if not force:
            rows = rows.filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        sources = list(rows.order_by("id"))
        for source in sources:
            source.next_poll_at = source.claimed_until = until
        Source.objects.filter(id__in=[source.id for source in sources]).update(next_poll_at=until, claimed_until=until)
    return sources


def _sources_claim_returning(*, source_ids: Sequence[int], now: datetime, until: datetime, force: bool) -> list[Source]:
    table = connection.ops.quote_name(Source._meta.db_table)
    due = "" if force else "AND (next_poll_at IS NULL OR next_poll_at <= %(now)s)"
    # Only the model's table name is put into the statement; every value is a parameter.
    sql = (
        f"UPDATE {table} SET next_poll_at = %(until)s, claimed_until = %(until)s "  # noqa: S608
        f"WHERE id IN (SELECT id FROM {table} WHERE id = ANY(%(ids)s) AND is_active AND retired_at IS NULL "
        f"AND (claimed_until IS NULL OR claimed_until <= %(now)s) {due} "
        "ORDER BY id FOR UPDATE SKIP LOCKED) RETURNING *"
    )
    sources = list(Source.objects.raw(sql, {"now": now, "until": until, "ids": list(source_ids)}))
    return sorted(sources, key=lambda source: source.id)


def _claims_renew(source_ids: Sequence[int]) -> None:
    """Extend the lease on those of ``source_ids`` this batch still holds by ``CLAIM_LEASE`` from now.

    Runs one query.
    """
    until = timezone.now() + CLAIM_LEASE
    Source.objects.filter(id__in=source_ids, claimed_until__isnull=False).update(
        next_poll_at=until, claimed_until=until
    )


@dataclass(frozen=True)
class PollBatch:
    outcomes: tuple[PollOutcome, ...]  # one per source that was polled
    busy: tuple[int, ...] = ()  # sources left unpolled (and due again) because their host had no free slot


def source_poll(*, source_id: int, force: bool = False) -> PollOutcome | None:
    """Poll one source (see ``sources_poll``); ``None`` when it was not claimed or its host was busy."""
    batch = sources_poll(source_ids=[source_id], force=force)
    return batch.outcomes[0] if batch.outcomes else None


def sources_poll(*, source_ids: Sequence[int], force: bool = False) -> PollBatch:
    """Fetch, parse and store the new entries of those of ``source_ids`` this call claims.

    The feeds are fetched concurrently, a thread per host, each host holding one of its
    ``host_slot``s while its feeds are fetched one after another; sources whose host has no free
    slot are given back (due at once) and listed in ``busy``. The claims are leases (``CLAIM_LEASE``),
    renewed while the batch runs; each poll's end sets the source's next poll. The network is used outside any
    transaction. Each source with entries is stored in a transaction of its own, so a failed fetch
    or parse changes no mention and one failing source never stops the others; failures are recorded
    on the source (and in its fetch log), not raised. The sources answered with 304 are recorded
    together in one transaction at the end.
    """
    now = timezone.now()
    sources = sources_claim(source_ids=source_ids, now=now, force=force)
    if not sources:
        return PollBatch(outcomes=())
    by_host: dict[str, list[Source]] = {}
    for source in sources:
        by_host.setdefault((urlsplit(source.url).hostname or "").lower(), []).append(source)
    by_id = {source.id: source for source in sources}
    host_of = {source.id: host for host, group in by_host.items() for source in group}
    outcomes: list[PollOutcome] = []
    not_modified: list[tuple[Source, FetchResult, int]] = []  # with how long its fetch took (ms)
    busy: list[Source] = []
    context = _PollContext()
    held: dict[str, ExitStack] = {}
    leases: dict[str, HostSlot] = {}
    try:
        for host, group in by_host.items():
            slot = ExitStack()
            lease = slot.enter_context(host_slot(host))
            if lease is not None:
                held[host], leases[host] = slot, lease
            else:
                slot.close()
                busy += group
        if busy:
            Source.objects.filter(id__in=[source.id for source in busy]).update(next_poll_at=now, claimed_until=None)
        unfinished = {source.id for host in held for source in by_host[host]}  # still leased by this batch
        groups = [
            [FetchRequest(key=s.id, url=s.url, etag=s.etag, last_modified=s.last_modified) for s in by_host[host]]
            for host in held
        ]
        waiting = {host: len(by_host[host]) for host in held}
        # closing(): should storing fail, the fetch threads stop at once, not when the generator is collected.
        # Each answer is parsed in the thread that fetched it, while this one stores the one before.
        read = functools.partial(_feed_read_for, by_id)
        renewed_at = claims_renewed_at = time.monotonic()
        with closing(feeds_fetch(groups, prepare=read)) as fetches:
            for fetched in fetches:
                source, result = by_id[fetched.key], fetched.result
                host = host_of[source.id]
                waiting[host] -= 1
                if not waiting[host]:  # the host's last answer is in: free its slot for other workers
                    held.pop(host).close()
                    leases.pop(host)
                if time.monotonic() - renewed_at >= SLOT_RENEW_SECONDS:
                    for lease in leases.values():
                        lease.renew()
                    renewed_at = time.monotonic()
                if time.monotonic() - claims_renewed_at >= CLAIM_RENEW_SECONDS:
                    _claims_renew(sorted(unfinished))
                    claims_renewed_at = time.monotonic()
                if isinstance(result, FetchError):
                    outcomes.append(_poll_failed(source, result, now, fetched.started))
                elif result.is_not_modified and not result.is_permanent_redirect and result.max_age is None:
                    not_modified.append((source, result, _ms_since(fetched.started)))
                    continue  # recorded with the others at the end, still leased until then
                else:
                    outcomes.append(
                        _poll_stored_or_failed(source, result, fetched.prepared, now, fetched.started, context)
                    )
                unfinished.discard(source.id)
    finally:
        for slot in held.values():
            slot.close()
    outcomes += _polls_not_modified(not_modified, now)
    return PollBatch(outcomes=tuple(outcomes), busy=tuple(source.id for source in busy))


class _PollContext:
    """What every source of one batch shares: the signal list and each organisation's watch terms."""

    def __init__(self) -> None:
        self._signals: tuple[Signal, ...] | None = None
        self._terms: dict[int, ParsedWatchTerms | None] = {}

    def signals(self) -> tuple[Signal, ...]:
        if self._signals is None:
            self._signals = _signals()
        return self._signals

    def watch_terms(self, source: Source) -> ParsedWatchTerms | None:
        if source.organisation_id not in self._terms:
            self._terms[source.organisation_id] = _watch_terms(source)
        return self._terms[source.organisation_id]


def _feed_read(source: Source, result: FetchResult) -> ParsedFeed | MonitoringError | None:
    """The feed ``result`` holds for ``source``, ``None`` for a 304, or why it holds none we can read.

    Runs no query, so it may run in the thread that fetched ``result``.
    """
    if result.is_not_modified:
        return None
    try:
        parsed = _feed_parse(result.content, url=result.url, kind=source.kind)
    except MonitoringError as exc:
        return exc
    if not parsed.is_feed:
        return ParseError(source.url, Text("not_a_feed"))
    return parsed


def _feed_parse(content: bytes, *, url: str, kind: str = "feed") -> ParsedFeed:
    """``feed_parse``, with any failure turned into a ``ParseError`` in plain words.

    ``feed_parse`` means never to raise on what a feed holds; should a feed still find a way (a fault
    in feedparser or in ours), that feed fails on its own, not the batch it is in or the page that
    checks it. Raises ``ParseError``.
    """
    try:
        return feed_parse(content, url=url, kind=kind)
    except Exception as exc:  # the edge of the parsing libraries: recorded on the feed, never a crashed batch
        logger.exception("Parsing the feed at %s failed unexpectedly.", url)
        raise ParseError(url, Text("unreadable", {"error": _error_detail(exc)})) from exc


def _error_detail(exc: BaseException) -> str:
    """An unexpected error in one short line: its own message, else its kind."""
    return " ".join(str(exc).split()) or type(exc).__name__


def _feed_read_for(
    sources: dict[int, Source], request: FetchRequest, result: FetchResult
) -> ParsedFeed | MonitoringError | None:
    return _feed_read(sources[request.key], result)


def _poll_stored(
    source: Source,
    result: FetchResult,
    parsed: ParsedFeed | MonitoringError | None,
    now: datetime,
    started: float,
    context: _PollContext,
) -> PollOutcome:
    """Store what was fetched and parsed (``_feed_read``) for ``source`` in one transaction; a parse
    failure is recorded."""
    if isinstance(parsed, MonitoringError):
        return _poll_failed(source, parsed, now, started)

    with transaction.atomic():
        _commit_without_flush()
        if parsed is None:
            outcome = PollOutcome(source_id=source.id, is_not_modified=True)
        else:
            outcome = replace(_store_entries(source, parsed, now, context), problem=parsed.problem)
            if parsed.query and parsed.query != source.query:
                source.query = parsed.query
            source.last_problem = parsed.problem
        source.mark_polled(at=now, status=result.status, found=None if parsed is None else outcome.found)
        source.etag, source.last_modified = result.etag, result.last_modified
        fields = [*_HEALTH_FIELDS, *_CLAIM_FIELDS, "etag", "last_modified", "last_entries_found", "query"]
        fields.append("last_problem")
        source.next_poll_at, source.claimed_until = now + timedelta(minutes=source.poll_interval_minutes), None
        if result.max_age is not None:
            # The site says its feed stays fresh longer than our interval: wait for it, up to a bound.
            source.next_poll_at = max(source.next_poll_at, now + min(result.max_age, MAX_CACHE_WAIT))
        if result.is_permanent_redirect and result.permanent_url != source.url:
            SourceEvent.objects.create(
                source=source, action="moved", from_value=source.url, to_value=result.permanent_url
            )
            source.url = result.permanent_url
            fields.append("url")
        _source_save_logged(source, fields, _fetch_log_row(source, now, _ms_since(started), result.status, outcome))
    return outcome


def _poll_stored_or_failed(
    source: Source,
    result: FetchResult,
    parsed: ParsedFeed | MonitoringError | None,
    now: datetime,
    started: float,
    context: _PollContext,
) -> PollOutcome:
    """``_poll_stored``, or when storing fails in any way, that failure recorded on ``source`` alone.

    Raises only when the failure cannot be recorded either (the database is gone): then nothing of
    the batch can be, and its claims lapse so that it is polled again within ``CLAIM_LEASE``.
    """
    try:
        return _poll_stored(source, result, parsed, now, started, context)
    except SoftTimeLimitExceeded:
        raise  # the task's time is up: that ends the batch, it is no fault of this source
    except Exception as exc:  # one source's failure, whatever it is, is recorded on it and stops no other
        logger.exception("Storing the poll of source %s (%s) failed.", source.id, source.url)
        source.refresh_from_db()  # storing may have changed it in memory; none of that was saved
        error = StoreError(source.id, Text("store_failed", {"error": _error_detail(exc)}))
        return _poll_failed(source, error, now, started)


def _commit_without_flush() -> None:
    """Let the commit of the current (poll) transaction return before PostgreSQL has flushed it to disk.

    Safe for a poll: its mentions, sightings, fetch log and the source's new validators (ETag,
    Last-Modified) are in this one transaction. Should PostgreSQL crash in the moment (at most three
    times ``wal_writer_delay``) before the flush, the whole transaction is lost together, never part
    of it: the source keeps its old validators and is polled again at its next turn, which fetches and
    stores the same entries once more. Nothing is lost for good and nothing is stored twice; only what
    was announced on commit may name mentions that are gone, so receivers look mention ids up.
    The waits this saves (a disk flush per source) are most of a poll's time on a busy disk.
    Runs one query (on PostgreSQL; elsewhere none).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _source_save_logged(source: Source, fields: list[str], log: FetchLog) -> None:
    """Save ``fields`` of ``source`` and insert its fetch-log row ``log`` (whose id stays unset).

    On PostgreSQL both go in one statement (the update as a data-modifying ``WITH``), one round trip
    less per poll; elsewhere ``save`` and ``save``. Runs one query (two off PostgreSQL).
    """
    if connection.vendor != "postgresql":
        source.save(update_fields=fields)
        log.save()
        return
    update = UpdateQuery(Source)
    update.add_q(Q(pk=source.pk))
    update.add_update_values({name: getattr(source, name) for name in fields})
    update_sql, update_params = update.get_compiler(connection=connection).as_sql()
    insert = InsertQuery(FetchLog)
    insert.insert_values([field for field in FetchLog._meta.concrete_fields if not field.primary_key], [log])
    [(insert_sql, insert_params)] = insert.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"WITH updated AS ({update_sql}) {insert_sql}", (*update_params, *insert_params))


def _polls_not_modified(polls: list[tuple[Source, FetchResult, int]], now: datetime) -> list[PollOutcome]:
    """Record plain 304 answers (no move, no max-age) in one transaction.

    Runs three queries, one more per distinct poll interval past the first, and one more per distinct
    changed validator pair (a site that sends a new ETag with its 304). ``bulk_update`` would build a
    CASE per row and field: slower than the fetches.
    """
    if not polls:
        return []
    outcomes: list[PollOutcome] = []
    logs: list[FetchLog] = []
    changed: dict[tuple[str, str], list[int]] = {}
    for source, result, duration_ms in polls:
        source.mark_polled(at=now, status=result.status, found=None)
        if (result.etag, result.last_modified) != (source.etag, source.last_modified):
            source.etag, source.last_modified = result.etag, result.last_modified
            changed.setdefault((result.etag, result.last_modified), []).append(source.id)
        outcome = PollOutcome(source_id=source.id, is_not_modified=True)
        outcomes.append(outcome)
        logs.append(_fetch_log_row(source, now, duration_ms, result.status, outcome))
    by_interval: dict[int, list[int]] = {}
    for source, _result, _duration in polls:
        by_interval.setdefault(source.poll_interval_minutes, []).append(source.id)
    with transaction.atomic():
        _commit_without_flush()
        # The same values as mark_polled gives each of them; the claim ends with the next poll set.
        for minutes, ids in by_interval.items():
            Source.objects.filter(id__in=ids).update(
                last_polled_at=now,
                last_status=304,
                last_success_at=now,
                last_error_code="",
                last_error_params={},
                consecutive_failures=0,
                next_poll_at=now + timedelta(minutes=minutes),
                claimed_until=None,
            )
        for (etag, last_modified), ids in changed.items():
            Source.objects.filter(id__in=ids).update(etag=etag, last_modified=last_modified)
        # Column by column: bulk_create binds and escapes each of the batch's values on the client.
        fields = [field.attname for field in FetchLog._meta.concrete_fields if not field.primary_key]
        _columns_insert(FetchLog, {name: [getattr(log, name) for log in logs] for name in fields})
    return outcomes


_CLAIM_FIELDS = ["next_poll_at", "claimed_until"]  # what the end of a poll sets: the next one, and no claim
_HEALTH_FIELDS = [
    "last_polled_at",
    "last_status",
    "last_success_at",
    "last_error_code",
    "last_error_params",
    "last_error_at",
    "consecutive_failures",
]


def _store_entries(source: Source, parsed: ParsedFeed, now: datetime, context: _PollContext) -> PollOutcome:
    """Store what the plan says is new: a mention per new link, a sighting per entry. Runs ~5 queries."""
    known = _known_keys(source.id, [entry.key for entry in parsed.entries])
    plan = poll_plan(parsed.entries, known_keys=known, terms=context.watch_terms(source), is_query=source.is_query)
    if not plan.new_entries:
        return PollOutcome(source.id, found=len(parsed.entries), duplicates=plan.duplicates, filtered=plan.filtered)

    organisation_id = source.organisation_id
    signals = context.signals()
    repeated = _repeated_authors(organisation_id, {new.entry.author for new in plan.new_entries if new.entry.author})
    # No look-up of the links first: nearly every new entry is a new link, and the insert below skips
    # (and then looks up) those another source brought in already.
    fresh = [
        _mention_values(source, new, now, signals, repeated_author=new.entry.author in repeated)
        for new in plan.new_entries
    ]
    with_link = [values for values in fresh if values["canonical_url"]]
    without_link = [values for values in fresh if not values["canonical_url"]]
    # Two sources may store the same link at once: the unique constraint keeps one, and the other's
    # entry becomes a sighting of it below. An entry without a link is kept once by its key the same way.
    by_link, inserted = _mentions_insert(with_link, organisation_id=organisation_id)
    by_key, inserted_without_link = _mentions_insert(without_link, organisation_id=organisation_id, source_id=source.id)
    created_ids = inserted + inserted_without_link
    entries = plan.new_entries
    _columns_insert(
        Sighting,
        {
            "mention_id": [
                by_link[new.canonical_url] if new.canonical_url else by_key[new.entry.key] for new in entries
            ],
            "source_id": [source.id] * len(entries),
            "external_id": [new.entry.key for new in entries],
            "url": [new.entry.url for new in entries],
            "seen_at": [now] * len(entries),
        },
    )
    new_ids = sorted(set(created_ids))
    if new_ids:
        transaction.on_commit(lambda: mentions_ingested.send(sender=Mention, mention_ids=new_ids))
    return PollOutcome(
        source_id=source.id,
        found=len(parsed.entries),
        new=len(new_ids),
        duplicates=plan.duplicates,
        filtered=plan.filtered,
        seen_elsewhere=len(plan.new_entries) - len(new_ids),
    )


def _known_keys(source_id: int, keys: list[str]) -> set[str]:
    """Those of ``keys`` the source delivered before (it has a sighting with that key). Runs one query.

    On PostgreSQL the keys go as one array parameter, where the ORM's ``__in`` binds (and the server
    plans) a parameter per key.
    """
    if connection.vendor != "postgresql":
        rows = Sighting.objects.filter(source_id=source_id, external_id__in=keys).values_list("external_id", flat=True)
        return set(rows)
    table = connection.ops.quote_name(Sighting._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT external_id FROM {table} WHERE source_id = %s AND external_id = ANY(%s)",  # noqa: S608
            [source_id, keys],
        )
        return {row[0] for row in cursor.fetchall()}


def _mentions_insert(
    mentions: list[dict[str, Any]], *, organisation_id: int, source_id: int | None = None
) -> tuple[dict[str, int], list[int]]:
    """Store ``mentions`` (field values, each with a link) but those whose link is stored already, and
    return ``{link: mention id}`` for all of them and the ids of those inserted. Runs one query, or two
    when some links were stored already (by an earlier poll, another source or another poll just now).

    With ``source_id``, ``mentions`` have no link and are known by their ``entry_key`` within that
    source instead (``mention_unique_entry_without_link_per_source``): the dict is ``{key: mention id}``.
    """
    key = "canonical_url" if source_id is None else "entry_key"
    keys = {mention[key] for mention in mentions}
    if not keys:
        return {}, []
    columns = {name: [mention[name] for mention in mentions] for name in mentions[0]}
    returned = _columns_insert(Mention, columns, returning=key)
    ids = dict(returned or [])
    inserted = list(ids.values())
    missing = keys - ids.keys()
    if missing:
        # Where the insert could not say which rows it added (bulk_create off PostgreSQL), a mention
        # of this source with this poll's time is one it added: no other poll of the source runs now.
        ours = set() if returned is not None else {(m[key], m["source_id"], m["fetched_at"]) for m in mentions}
        stored = Q(organisation_id=organisation_id) if source_id is None else Q(source_id=source_id, canonical_url="")
        rows = (
            Mention.objects.filter(stored, **{f"{key}__in": missing})
            .order_by()
            .values_list(key, "id", "source_id", "fetched_at")
        )
        for link, mention_id, source_id, fetched_at in rows:
            ids[link] = mention_id
            if (link, source_id, fetched_at) in ours:
                inserted.append(mention_id)
    return ids, inserted


def _columns_insert(
    model: type[models.Model], values: dict[str, list[Any]], *, returning: str = ""
) -> list[tuple[Any, int]] | None:
    """Insert rows given column by column (``{field attname: [value per row]}``; fields left out get
    their defaults), skipping rows that conflict; with ``returning``, the value of that
    field and the id of each row inserted (on PostgreSQL; elsewhere ``None``, through ``bulk_create``).

    Django binds bulk_create's values on the client, escaping every one of them in Python: for a poll's
    50 mentions that took longer than reading the feed. Here the columns go to the server as binary
    arrays instead, unnested there into rows, as Django's own UNNEST insert does; and no model
    instance is made per row.
    """
    if connection.vendor != "postgresql":
        rows = [model(**dict(zip(values, row, strict=True))) for row in zip(*values.values(), strict=True)]
        model._default_manager.bulk_create(rows, ignore_conflicts=True)
        return None
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    count = len(next(iter(values.values()), []))
    missing = [field for field in model._meta.concrete_fields if not field.primary_key and field.attname not in values]
    if missing:
        # Fields the caller leaves out get what a new instance would hold (defaults, auto_now_add), so a
        # field added to the model later needs no change here.
        blank = model()
        values = {**values, **{field.attname: [field.pre_save(blank, True)] * count for field in missing}}
    fields = [by_attname[attname] for attname in values]
    sql = _columns_insert_sql(model, tuple(values), returning)
    columns = [_column_values(field, values[field.attname]) for field in fields]
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, columns)
        return cursor.fetchall() if returning else []


@functools.lru_cache(maxsize=32)
def _columns_insert_sql(model: type[models.Model], attnames: tuple[str, ...], returning: str) -> str:
    """The statement ``_columns_insert`` runs for these columns: built once, it is the same every poll."""
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    fields = [by_attname[attname] for attname in attnames]
    quote = connection.ops.quote_name
    # Casts without a length (varchar[], not varchar(500)[]): an over-long value fails, as in Django.
    arrays = ", ".join(f"%b::{_array_type(field)}" for field in fields)
    # Only names from the model's metadata are put into the statement; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(str(field.column)) for field in fields)}) "
        f"SELECT * FROM UNNEST({arrays}) ON CONFLICT DO NOTHING"
    )
    if returning:
        pk = model._meta.pk.column if model._meta.pk else "id"
        sql += f" RETURNING {quote(str(by_attname[returning].column))}, {quote(str(pk))}"
    return sql


_PLAIN_VALUES = (str, int, type(None))


def _array_type(field: models.Field[Any, Any]) -> str:
    """The array type a column's values are sent as (see ``_column_values``), cast to the column's."""
    if isinstance(field, models.JSONField):
        return "text[]::jsonb[]"
    return f"{str(field.db_type(connection)).split('(')[0]}[]"


def _column_values(field: models.Field[Any, Any], values: list[Any]) -> list[Any]:
    """``field.get_db_prep_save`` of each value, skipped where it gives back the value it got.

    JSON goes as its text, which the statement casts (``_array_type``): what Django's adapter would
    send, without an adapter object per value that psycopg then asks to serialise it.
    """
    if isinstance(field, models.JSONField):
        dumps = functools.partial(json.dumps, cls=field.encoder) if field.encoder else json.dumps
        return [dumps(value) for value in values]
    if isinstance(field, models.CharField | models.TextField | models.ForeignKey) and all(
        type(value) in _PLAIN_VALUES for value in values
    ):
        return values
    if isinstance(field, models.DateTimeField) and all(
        isinstance(value, datetime) and value.tzinfo is not None for value in values
    ):
        return values  # what get_db_prep_save gives for an aware datetime on PostgreSQL
    return [field.get_db_prep_save(value, connection) for value in values]


def _mention(
    source: Source, new: NewEntry, now: datetime, signals: tuple[Signal, ...], *, repeated_author: bool
) -> Mention:
    return Mention(**_mention_values(source, new, now, signals, repeated_author=repeated_author))


def _mention_values(
    source: Source, new: NewEntry, now: datetime, signals: tuple[Signal, ...], *, repeated_author: bool
) -> dict[str, Any]:
    """The new entry enriched, as a mention's field values (by attname)."""
    entry = new.entry
    enrichment = enrich(title=entry.title, text=entry.snippet, signals=signals, repeated_author=repeated_author)
    return {
        "organisation_id": source.organisation_id,
        "source_id": source.id,
        "canonical_url": new.canonical_url,
        "url": entry.url,
        "platform": entry.platform,
        "title": entry.title,
        "snippet": entry.snippet,
        "content_html": entry.content_html,
        "author": entry.author,
        "publisher": entry.publisher,
        "language": enrichment.language,
        "suggested_category": enrichment.category,
        "signal_reasons": list(enrichment.reasons),
        "flags": list(enrichment.flags),
        "matched_terms": list(new.matched_terms),
        "entry_key": "" if new.canonical_url else entry.key,
        # The parser leaves out dates beyond the range already; checked against this poll's time once
        # more, as the database holds every mention to it (mention_published_in_range).
        "published_at": publication_or_none(entry.published_at, now=now) or now,
        "fetched_at": now,
        "added_by_id": None,
    }


def _watch_terms(source: Source) -> ParsedWatchTerms | None:
    row = WatchTerms.objects.filter(organisation_id=source.organisation_id).values_list("include", "exclude").first()
    return watch_terms_parse(*row) if row else None


def _signals() -> tuple[Signal, ...]:
    rows = SignalPhrase.objects.filter(is_active=True).values_list("phrase", "category", "weight", "flag")
    return _signals_from_rows(tuple(rows))


@functools.lru_cache(maxsize=8)
def _signals_from_rows(rows: tuple[tuple[str, str, int, str], ...]) -> tuple[Signal, ...]:
    """The signals for the phrase rows, built (and checked) once per distinct list: the same rows
    give the same tuple, so ``enrich`` finds its compiled patterns for it at once."""
    return tuple(
        Signal(phrase=phrase, category=category, weight=weight, flag=flag) for phrase, category, weight, flag in rows
    )


REPEATED_AUTHOR_MENTIONS = 2
REPEATED_AUTHOR_DAYS = 90


def _repeated_authors(organisation_id: int, authors: set[str]) -> set[str]:
    """Authors with at least two earlier mentions in the last 90 days: persistent voices to notice.

    Runs one query. On PostgreSQL it stops at the second mention of each author (an index look-up
    per author), where counting them all read every recent mention of a prolific author at each poll.
    """
    if not authors:
        return set()
    since = timezone.now() - timedelta(days=REPEATED_AUTHOR_DAYS)
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Mention._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT a.author FROM unnest(%s::text[]) AS a(author) WHERE ("  # noqa: S608 (a model's table name)
                f"SELECT count(*) FROM (SELECT 1 FROM {table} AS m WHERE m.organisation_id = %s "
                "AND m.author = a.author AND m.published_at >= %s LIMIT %s) AS earlier) >= %s",
                [sorted(authors), organisation_id, since, REPEATED_AUTHOR_MENTIONS, REPEATED_AUTHOR_MENTIONS],
            )
            return {row[0] for row in cursor.fetchall()}
    rows = (
        Mention.objects.filter(organisation_id=organisation_id, author__in=authors, published_at__gte=since)
        .values("author")
        .annotate(count=Count("id"))
        .filter(count__gte=REPEATED_AUTHOR_MENTIONS)
    )
    return {row["author"] for row in rows}


def _fetch_log(source: Source, now: datetime, started: float, status: int | None, outcome: PollOutcome) -> None:
    _fetch_log_row(source, now, _ms_since(started), status, outcome).save()


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _fetch_log_row(
    source: Source, now: datetime, duration_ms: int, status: int | None, outcome: PollOutcome
) -> FetchLog:
    return FetchLog(
        source=source,
        started_at=now,
        duration_ms=duration_ms,
        status=status,
        found=outcome.found,
        new=outcome.new,
        duplicates=outcome.duplicates,
        is_not_modified=outcome.is_not_modified,
        error_code=outcome.error_text.code if outcome.error_text else "",
        error_params=dict(outcome.error_text.params) if outcome.error_text else {},
        problem=outcome.problem,
    )


MAX_BACKOFF = timedelta(hours=24)
MAX_CACHE_WAIT = timedelta(hours=6)
PAUSE_AFTER_FAILURES = 10


def retry_delay(*, failures: int) -> timedelta:
    """How long to wait after ``failures`` failed polls in a row: 1, 2, 4, 8 … minutes, at most 24 hours.

    A site that was down for a moment (or a demo server still starting) is tried again soon; one that
    stays down is asked less and less often.
    """
    return min(MAX_BACKOFF, timedelta(minutes=2 ** min(max(failures, 1) - 1, 16)))


def _poll_failed(source: Source, exc: MonitoringError, now: datetime, started: float) -> PollOutcome:
    status = exc.status if isinstance(exc, FetchError) else None
    logger.warning("Polling source %s (%s) failed: %s", source.id, source.url, exc)
    source.mark_failed(at=now, status=status, error=exc.text)
    delay = retry_delay(failures=source.consecutive_failures)
    if isinstance(exc, FetchError) and exc.retry_after is not None:
        delay = max(delay, min(exc.retry_after, MAX_BACKOFF))
    source.next_poll_at, source.claimed_until = now + delay, None
    outcome = PollOutcome(source_id=source.id, error=str(exc), error_text=exc.text)
    with transaction.atomic():
        fields = [*_HEALTH_FIELDS, *_CLAIM_FIELDS]
        if source.consecutive_failures >= PAUSE_AFTER_FAILURES:
            source.pause_because(
                Text("paused_after_failures", {"count": source.consecutive_failures, "error": exc.text.as_json()})
            )
            fields += ["is_active", "paused_reason_code", "paused_reason_params"]
            SourceEvent.objects.create(source=source, action="paused", from_value="active", to_value="paused")
            source_id = source.id
            transaction.on_commit(lambda: _notify_paused(source_id))
        source.save(update_fields=fields)
        _fetch_log(source, now, started, status, outcome)
    return outcome


def _notify_paused(source_id: int) -> None:
    from monitoring.tasks import source_paused_notify

    source_paused_notify.delay(source_id)


def source_paused_notify(*, source_id: int) -> int:
    """E-mail the board that a source was paused. Returns how many people were told."""
    source = Source.objects.select_related("organisation").get(id=source_id)
    recipients = list(
        User.objects.filter(groups__name=Role.BOARD, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not recipients:
        logger.warning("Source %s was paused but no board member has an e-mail address.", source_id)
        return 0
    subject = _("Webcare Inbox paused the source “%(name)s”") % {"name": source.name}
    body = _(
        "The source “%(name)s” (%(url)s) failed %(count)d times in a row and is paused, so nothing new is "
        "found through it.\n\n%(reason)s\n\nCheck the address, then resume the source on the source-health page."
    ) % {"name": source.name, "url": source.url, "count": source.consecutive_failures, "reason": source.paused_reason}
    send_mail(subject, body, None, recipients)
    return len(recipients)


def _source_locked(source_id: int) -> Source:
    """The source, locked until the end of the transaction. Raises ``Source.DoesNotExist``."""
    return Source.objects.select_for_update().get(id=source_id)


def _field_check(source: Source, name: str) -> None:
    """Validate one field of ``source`` as the model does; raises ``ValidationError`` keyed by it."""
    source.clean_fields(exclude=[field.name for field in Source._meta.fields if field.name != name])


def _event(source: Source, actor: User | None, action: str, before: str | int, after: str | int) -> None:
    SourceEvent.objects.create(source=source, actor=actor, action=action, from_value=str(before), to_value=str(after))


def source_rename(*, source_id: int, name: str, actor: User | None) -> Source:
    """Give a source a new name (stripped). Raises ``ValidationError`` (at ``name``) for an empty or
    over-long one; the same name changes nothing."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the source a name.")}, code="required")
    with transaction.atomic():
        source = _source_locked(source_id)
        before = source.name
        if name == before:
            return source
        source.name = name
        _field_check(source, "name")
        source.save(update_fields=["name"])
        _event(source, actor, "renamed", before, name)
    return source


def source_interval_change(*, source_id: int, minutes: int, actor: User | None) -> Source:
    """Poll a source every ``minutes``; a shorter interval brings its next poll forward.

    Raises ``ValidationError`` (at ``poll_interval_minutes``) outside ``POLL_INTERVAL_MIN``-``MAX``.
    """
    with transaction.atomic():
        source = _source_locked(source_id)
        before = source.poll_interval_minutes
        if minutes == before:
            return source
        source.poll_interval_minutes = minutes
        _field_check(source, "poll_interval_minutes")
        fields = ["poll_interval_minutes"]
        now = timezone.now()
        is_claimed = source.claimed_until is not None and source.claimed_until > now
        if source.next_poll_at and source.last_polled_at and not is_claimed:
            source.next_poll_at = min(source.next_poll_at, source.last_polled_at + timedelta(minutes=minutes))
            fields.append("next_poll_at")
        source.save(update_fields=fields)
        _event(source, actor, "interval_changed", before, minutes)
    return source


def source_address_change(*, source_id: int, url: str, actor: User | None) -> Source:
    """Point a source at a new feed address, which is polled soon with a clean slate (no ETag,
    Last-Modified, error or failure count). Check the address with ``source_preview`` first, as
    adding a source does; this only checks its form (``guard.url_check``, the model's validation).

    Raises ``ValidationError`` (at ``url``) for an address that is not fetched. The same address changes nothing.
    """
    try:
        url_check(url)
    except FetchError as exc:
        raise ValidationError({"url": str(exc)}, code="refused") from exc
    with transaction.atomic():
        source = _source_locked(source_id)
        before = source.url
        if url == before:
            return source
        source.url = url
        _field_check(source, "url")
        source.etag = source.last_modified = source.last_problem = ""
        source.last_error_code, source.last_error_params, source.last_error_at = "", {}, None
        source.last_status = None
        source.consecutive_failures = 0
        source.next_poll_at = None
        source.save(
            update_fields=[
                *("url", "etag", "last_modified", "last_problem", "last_error_code", "last_error_params"),
                *("last_error_at", "last_status", "consecutive_failures", "next_poll_at"),
            ]
        )
        _event(source, actor, "address_changed", before, url)
    return source


def source_pause(*, source_id: int, actor: User | None) -> Source:
    """Stop polling a source until it is resumed. A paused one stays as it is; raises ``SourceRetired``."""
    with transaction.atomic():
        source = _source_locked(source_id)
        if source.is_retired:
            raise SourceRetired(source.id)
        if not source.is_active:
            return source
        source.pause_because(Text("paused_by_board"))
        source.save(update_fields=["is_active", "paused_reason_code", "paused_reason_params"])
        _event(source, actor, "paused", "active", "paused")
    return source


def source_resume(*, source_id: int, actor: User | None) -> Source:
    """Take a paused source (by the board or after failures) back into polling, due at once, with a
    clean failure count. An active one stays as it is; raises ``SourceRetired``."""
    with transaction.atomic():
        source = _source_locked(source_id)
        if source.is_retired:
            raise SourceRetired(source.id)
        if source.is_active:
            return source
        source.pause_because(None)
        source.consecutive_failures = 0
        source.next_poll_at = None
        source.save(
            update_fields=[
                *("is_active", "paused_reason_code", "paused_reason_params"),
                *("consecutive_failures", "next_poll_at"),
            ]
        )
        _event(source, actor, "resumed", "paused", "active")
    return source


def source_retire(*, source_id: int, actor: User | None) -> Source:
    """Stop polling a source for good; its mentions stay. A retired one stays as it is."""
    with transaction.atomic():
        source = _source_locked(source_id)
        if source.is_retired:
            return source
        before = "active" if source.is_active else "paused"
        source.retired_at = timezone.now()
        source.pause_because(None)
        source.is_active = False
        source.save(update_fields=["retired_at", "is_active", "paused_reason_code", "paused_reason_params"])
        _event(source, actor, "retired", before, "retired")
    return source


def source_restore(*, source_id: int, actor: User | None) -> Source:
    """Bring a retired source back into polling, due at once. One that is not retired stays as it is."""
    with transaction.atomic():
        source = _source_locked(source_id)
        if not source.is_retired:
            return source
        source.retired_at = None
        source.pause_because(None)
        source.consecutive_failures = 0
        source.next_poll_at = None
        source.save(
            update_fields=[
                *("retired_at", "is_active", "paused_reason_code", "paused_reason_params"),
                *("consecutive_failures", "next_poll_at"),
            ]
        )
        _event(source, actor, "restored", "retired", "active")
    return source


def fetch_logs_prune(*, now: datetime | None = None, days: int = 30) -> int:
    """Delete fetch-log rows older than ``days``. Returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _counts = FetchLog.objects.filter(started_at__lt=cutoff).delete()
    return deleted


@dataclass(frozen=True)
class QuickAdded:
    mention: Mention
    is_new: bool


def mention_quick_add(
    *,
    organisation: Organisation,
    url: str,
    text: str,
    author: str = "",
    published_at: datetime | None = None,
    actor: User,
) -> QuickAdded:
    """Store a mention staff saw where no feed reaches (Facebook, Instagram, reviews), deduped by link.

    The same link twice gives the existing mention (``is_new`` false). Raises ``ValidationError`` for a
    link that is not a web address, an empty text or a ``published_at`` outside ``monitoring.dates``'
    range (``None``: now).
    """
    try:
        link = link_unwrap(http_url_check(url))
    except ValidationError as exc:
        raise ValidationError({"url": exc.messages}) from exc
    canonical = canonical_url(link)
    if not canonical:
        raise ValidationError({"url": _("Enter the web address (http or https) of the post or review.")})
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": _("Paste or type what was said.")})
    now = timezone.now()
    if published_at is not None and not publication_is_sane(published_at, now=now):
        # A year-1 date became a BC timestamp that broke every inbox page: the form refuses it too.
        raise ValidationError(
            {"published_at": _("Enter a moment between 1 January 1990 and tomorrow.")}, code="out_of_range"
        )
    source, _created = Source.objects.get_or_create(
        organisation=organisation,
        kind=Source.Kind.MANUAL,
        defaults={"name": MANUAL_SOURCE_NAME, "url": "", "is_active": False},
    )
    with transaction.atomic():
        existing = Mention.objects.filter(organisation=organisation, canonical_url=canonical).first()
        if existing is not None:
            return QuickAdded(mention=existing, is_new=False)
        entry = ParsedEntry(
            key=canonical,
            url=link,
            title=title_from_text(text),
            snippet=text,
            content_html=html_clean("<p>" + html.escape(text) + "</p>"),
            author=author.strip()[:200],
            published_at=published_at or now,
            platform=platform_for_url(link),
            publisher="",
        )
        terms = _watch_terms(source)
        matched = watch_terms_match(terms, title=entry.title, text=text).matched if terms else ()
        repeated = bool(_repeated_authors(organisation.id, {entry.author} - {""}))
        mention = _mention(
            source,
            NewEntry(entry=entry, canonical_url=canonical, matched_terms=matched),
            now,
            _signals(),
            repeated_author=repeated,
        )
        mention.added_by = actor
        try:
            with transaction.atomic():
                mention.save()
        except IntegrityError:
            # A colleague added the same link a moment ago.
            return QuickAdded(
                mention=Mention.objects.get(organisation=organisation, canonical_url=canonical), is_new=False
            )
        Sighting.objects.create(mention=mention, source=source, external_id=canonical, url=link, seen_at=now)
        mention_id = mention.id
        transaction.on_commit(lambda: mentions_ingested.send(sender=Mention, mention_ids=[mention_id]))
    return QuickAdded(mention=mention, is_new=True)


def watch_terms_save(*, organisation: Organisation, include: str, exclude: str) -> WatchTerms:
    """Set the organisation's watch terms; they apply to entries found from now on."""
    terms, _created = WatchTerms.objects.update_or_create(
        organisation=organisation, defaults={"include": include.strip(), "exclude": exclude.strip()}
    )
    return terms
