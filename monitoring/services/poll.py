"""Polling: fetch, parse, enrich and store the new entries of a batch of sources; a failing source is a
value recorded on it, never a crashed batch."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack, closing
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone

from monitoring import selectors
from monitoring.exceptions import FetchError, MonitoringError, StoreError
from monitoring.feeds.decide import PollHealth, PollPlan, health_after_answer, health_after_failure, poll_plan
from monitoring.feeds.enrich import Signal
from monitoring.feeds.fetch import FetchRequest, FetchResult, feeds_fetch
from monitoring.feeds.read import ReadFeed, error_detail, feed_read
from monitoring.feeds.terms import WatchTerms as ParsedWatchTerms
from monitoring.models import FetchLog, Source
from monitoring.services import claims
from monitoring.services.claims import HostSlot, host_slot, sources_claim
from monitoring.services.history import source_event_record
from monitoring.services.store import (
    columns_insert,
    commit_without_flush,
    entries_store,
    known_keys,
    mention_rows,
    mentions_announce,
    source_save_logged,
)
from monitoring.texts import Text

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
    is_paused: bool = False  # this poll's failure paused the source (the board is told: the "monitoring.paused" event)


@dataclass(frozen=True)
class PollBatch:
    outcomes: tuple[PollOutcome, ...]  # one per source that was polled
    busy: tuple[int, ...] = ()  # sources left unpolled (and due again) because their host had no free slot


def source_poll(*, source_id: int, force: bool = False) -> PollOutcome | None:
    """Poll one source (see ``sources_poll``); ``None`` when it was not claimed or its host was busy."""
    batch = sources_poll(source_ids=[source_id], force=force)
    return batch.outcomes[0] if batch.outcomes else None


def sources_poll(*, source_ids: Sequence[int], force: bool = False) -> PollBatch:
    """Fetch, parse, enrich and store the new entries of those of ``source_ids`` this call claims.

    The feeds are fetched concurrently, a thread per host, each host holding one of its
    ``host_slot``s while its feeds are fetched one after another (and each answer read, ``feed_read``);
    sources whose host has no free slot are given back (due at once) and listed in ``busy``. The
    claims are leases (``claims.CLAIM_LEASE``), renewed while the batch runs; each poll's end sets what
    ``feeds.decide`` decided for its source (next poll, move, pause). The network is used outside any
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
    not_modified: list[tuple[Source, FetchResult, PollHealth, int]] = []  # with how long its fetch took (ms)
    busy: list[Source] = []
    context = _PollContext.read(organisation_ids={source.organisation_id for source in sources})
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
        # Each answer is parsed and enriched in the thread that fetched it, while this one stores the one before.
        read = functools.partial(_feed_read_for, by_id, context)
        renewed_at = claims_renewed_at = time.monotonic()
        with closing(feeds_fetch(groups, prepare=read)) as fetches:
            for fetched in fetches:
                source, result = by_id[fetched.key], fetched.result
                host = host_of[source.id]
                waiting[host] -= 1
                if not waiting[host]:  # the host's last answer is in: free its slot for other workers
                    held.pop(host).close()
                    leases.pop(host)
                if time.monotonic() - renewed_at >= claims.SLOT_RENEW_SECONDS:
                    for lease in leases.values():
                        lease.renew()
                    renewed_at = time.monotonic()
                if time.monotonic() - claims_renewed_at >= claims.CLAIM_RENEW_SECONDS:
                    claims.claims_renew(sorted(unfinished))
                    claims_renewed_at = time.monotonic()
                if isinstance(result, FetchError):
                    outcomes.append(_poll_failed(source, result, now, fetched.started))
                    unfinished.discard(source.id)
                    continue
                health = _answer_health(source, result, now)
                if health.is_plain_not_modified:
                    not_modified.append((source, result, health, _ms_since(fetched.started)))
                    continue  # recorded with the others at the end, still leased until then
                outcomes.append(
                    _poll_stored_or_failed(source, result, health, fetched.prepared, now, fetched.started, context)
                )
                unfinished.discard(source.id)
    finally:
        for slot in held.values():
            slot.close()
    outcomes += _polls_not_modified(not_modified, now)
    return PollBatch(outcomes=tuple(outcomes), busy=tuple(source.id for source in busy))


@dataclass(frozen=True)
class _PollContext:
    """What every source of one batch shares, read before its fetches begin (the fetch threads use it
    too): the signal list and each organisation's watch terms."""

    signals: tuple[Signal, ...] | None  # None when the list could not be built: see ``signals_error``
    signals_error: ValueError | None
    terms: Mapping[int, ParsedWatchTerms]  # by organisation id; none for an organisation without terms

    @classmethod
    def read(cls, *, organisation_ids: Iterable[int]) -> _PollContext:
        """Runs two queries."""
        terms = selectors.watch_terms_parsed(organisation_ids=organisation_ids)
        try:
            return cls(signals=selectors.signals_active(), signals_error=None, terms=terms)
        except ValueError as exc:
            # A phrase the signal list refuses (see enrich.Signal): the sources with new entries fail
            # on storing them, the others are polled as ever.
            return cls(signals=None, signals_error=exc, terms=terms)

    def watch_terms(self, source: Source) -> ParsedWatchTerms | None:
        return self.terms.get(source.organisation_id)


def _feed_read_for(
    sources: dict[int, Source], context: _PollContext, request: FetchRequest, result: FetchResult
) -> ReadFeed | MonitoringError | None:
    source = sources[request.key]
    return feed_read(
        result,
        source_url=source.url,
        kind=source.kind,
        signals=context.signals,
        terms=context.watch_terms(source),
        is_query=source.is_query,
    )


def _answer_health(source: Source, result: FetchResult, now: datetime) -> PollHealth:
    return health_after_answer(
        url=source.url,
        interval=timedelta(minutes=source.poll_interval_minutes),
        now=now,
        is_not_modified=result.is_not_modified,
        permanent_url=result.permanent_url,
        max_age=result.max_age,
    )


def _poll_stored(
    source: Source,
    result: FetchResult,
    health: PollHealth,
    read: ReadFeed | MonitoringError | None,
    now: datetime,
    started: float,
    context: _PollContext,
) -> PollOutcome:
    """Store what was fetched and read (``feed_read``) for ``source``, and carry out the ``health``
    decided for the answer; a parse failure is recorded.

    What is new and the values of its mentions are worked out first (two queries that read); the
    transaction that follows holds only the writes.
    """
    if isinstance(read, MonitoringError):
        return _poll_failed(source, read, now, started)
    outcome = PollOutcome(source_id=source.id, is_not_modified=True)
    plan: PollPlan | None = None
    rows: list[dict[str, Any]] = []
    if read is not None:
        entries = read.feed.entries
        known = known_keys(source.id, [entry.key for entry in entries])
        plan = poll_plan(entries, known_keys=known, terms=context.watch_terms(source), is_query=source.is_query)
        if plan.new_entries:
            if context.signals_error is not None:
                raise context.signals_error.with_traceback(None)
            rows = mention_rows(source, plan.new_entries, read.enrichments, now)
        outcome = PollOutcome(
            source.id,
            found=len(entries),
            duplicates=plan.duplicates,
            filtered=plan.filtered,
            problem=read.feed.problem,
        )

    with transaction.atomic():
        commit_without_flush()
        if plan is not None and plan.new_entries:
            new_ids = entries_store(source, plan.new_entries, rows, now)
            mentions_announce(organisation_id=source.organisation_id, source_id=source.id, mention_ids=new_ids)
            outcome = replace(outcome, new=len(new_ids), seen_elsewhere=len(plan.new_entries) - len(new_ids))
        if read is not None:
            if read.feed.query and read.feed.query != source.query:
                source.query = read.feed.query
            source.last_problem = read.feed.problem
        source.mark_polled(at=now, status=result.status, found=None if read is None else outcome.found)
        source.etag, source.last_modified = result.etag, result.last_modified
        fields = [*_HEALTH_FIELDS, *_CLAIM_FIELDS, "etag", "last_modified", "last_entries_found", "query"]
        fields.append("last_problem")
        source.next_poll_at, source.claimed_until = health.next_poll_at, None
        if health.moved_to:
            source_event_record(source, None, "moved", source.url, health.moved_to)
            source.url = health.moved_to
            fields.append("url")
        source_save_logged(source, fields, _fetch_log_row(source, now, _ms_since(started), result.status, outcome))
    return outcome


def _poll_stored_or_failed(
    source: Source,
    result: FetchResult,
    health: PollHealth,
    read: ReadFeed | MonitoringError | None,
    now: datetime,
    started: float,
    context: _PollContext,
) -> PollOutcome:
    """``_poll_stored``, or when storing fails in any way, that failure recorded on ``source`` alone.

    Raises only when the failure cannot be recorded either (the database is gone): then nothing of
    the batch can be, and its claims lapse so that it is polled again within ``CLAIM_LEASE``.
    """
    try:
        return _poll_stored(source, result, health, read, now, started, context)
    except SoftTimeLimitExceeded:
        raise  # the task's time is up: that ends the batch, it is no fault of this source
    except Exception as exc:  # one source's failure, whatever it is, is recorded on it and stops no other
        logger.exception("Storing the poll of source %s (%s) failed.", source.id, source.url)
        source.refresh_from_db()  # storing may have changed it in memory; none of that was saved
        error = StoreError(source.id, Text("store_failed", {"error": error_detail(exc)}))
        return _poll_failed(source, error, now, started)


def _polls_not_modified(polls: list[tuple[Source, FetchResult, PollHealth, int]], now: datetime) -> list[PollOutcome]:
    """Record plain 304 answers (``PollHealth.is_plain_not_modified``) in one transaction.

    Runs three queries, one more per distinct next poll past the first, and one more per distinct
    changed validator pair (a site that sends a new ETag with its 304). ``bulk_update`` would build a
    CASE per row and field: slower than the fetches.
    """
    if not polls:
        return []
    outcomes: list[PollOutcome] = []
    logs: list[FetchLog] = []
    changed: dict[tuple[str, str], list[int]] = {}
    for source, result, _health, duration_ms in polls:
        source.mark_polled(at=now, status=result.status, found=None)
        if (result.etag, result.last_modified) != (source.etag, source.last_modified):
            source.etag, source.last_modified = result.etag, result.last_modified
            changed.setdefault((result.etag, result.last_modified), []).append(source.id)
        outcome = PollOutcome(source_id=source.id, is_not_modified=True)
        outcomes.append(outcome)
        logs.append(_fetch_log_row(source, now, duration_ms, result.status, outcome))
    by_next_poll: dict[datetime, list[int]] = {}
    for source, _result, health, _duration in polls:
        by_next_poll.setdefault(health.next_poll_at, []).append(source.id)
    with transaction.atomic():
        commit_without_flush()
        # The same values as mark_polled gives each of them; the claim ends with the next poll set.
        for next_poll_at, ids in by_next_poll.items():
            Source.objects.filter(id__in=ids).update(
                last_polled_at=now,
                last_status=304,
                last_success_at=now,
                last_error_code="",
                last_error_params={},
                consecutive_failures=0,
                next_poll_at=next_poll_at,
                claimed_until=None,
            )
        for (etag, last_modified), ids in changed.items():
            Source.objects.filter(id__in=ids).update(etag=etag, last_modified=last_modified)
        # Column by column: bulk_create binds and escapes each of the batch's values on the client.
        fields = [field.attname for field in FetchLog._meta.concrete_fields if not field.primary_key]
        columns_insert(FetchLog, {name: [getattr(log, name) for log in logs] for name in fields})
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


def _poll_failed(source: Source, exc: MonitoringError, now: datetime, started: float) -> PollOutcome:
    status = exc.status if isinstance(exc, FetchError) else None
    logger.warning("Polling source %s (%s) failed: %s", source.id, source.url, exc)
    source.mark_failed(at=now, status=status, error=exc.text)
    retry_after = exc.retry_after if isinstance(exc, FetchError) else None
    health = health_after_failure(failures=source.consecutive_failures, now=now, retry_after=retry_after)
    source.next_poll_at, source.claimed_until = health.next_poll_at, None
    outcome = PollOutcome(source_id=source.id, error=str(exc), error_text=exc.text, is_paused=health.is_paused)
    with transaction.atomic():
        fields = [*_HEALTH_FIELDS, *_CLAIM_FIELDS]
        if health.is_paused:
            source.pause_because(
                Text("paused_after_failures", {"count": source.consecutive_failures, "error": exc.text.as_json()})
            )
            fields += ["is_active", "paused_reason_code", "paused_reason_params"]
            # The board is told (inbox.notifications.subscribers), once for this pause: it is known by its time.
            source_event_record(
                source,
                None,
                "paused",
                "active",
                "paused",
                data={"failures": source.consecutive_failures, "at": now.isoformat()},
            )
        source.save(update_fields=fields)
        _fetch_log(source, now, started, status, outcome)
    return outcome


def fetch_logs_prune(*, now: datetime | None = None, days: int = 30) -> int:
    """Delete fetch-log rows older than ``days``. Returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _counts = FetchLog.objects.filter(started_at__lt=cutoff).delete()
    return deleted
