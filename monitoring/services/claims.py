"""Who polls what: a claim on each source polled and a fetch slot per host, both leases that lapse
when the worker holding them dies."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from monitoring.feeds.fetch import TOTAL_TIMEOUT
from monitoring.models import Source

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


def claims_renew(source_ids: Sequence[int]) -> None:
    """Extend the lease on those of ``source_ids`` this batch still holds by ``CLAIM_LEASE`` from now.

    Runs one query.
    """
    until = timezone.now() + CLAIM_LEASE
    Source.objects.filter(id__in=source_ids, claimed_until__isnull=False).update(
        next_poll_at=until, claimed_until=until
    )
