"""Writes for monitoring: sources and the poll that turns feed entries into mentions."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from monitoring.exceptions import FetchError, MonitoringError, ParseError
from monitoring.feeds.decide import poll_plan
from monitoring.feeds.fetch import feed_fetch
from monitoring.feeds.parse import ParsedFeed, feed_parse
from monitoring.models import Mention, Source, SourceEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PollOutcome:
    source_id: int
    found: int = 0
    new: int = 0
    duplicates: int = 0
    is_not_modified: bool = False
    error: str = ""


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
    parsed = feed_parse(result.content, url=result.url)
    if not parsed.is_feed:
        raise ParseError(url, _("The address did not return a feed we can read."))
    return SourcePreview(url=result.url, title=parsed.title, entries=len(parsed.entries), problem=parsed.problem)


def source_create(*, organisation: Organisation, name: str, kind: str, url: str, actor: User | None) -> Source:
    """Add a source, due for its first poll at once. Raises ``ValidationError`` on bad fields."""
    source = Source(organisation=organisation, name=name, kind=kind, url=url)
    source.full_clean()
    with transaction.atomic():
        source.save()
        SourceEvent.objects.create(source=source, actor=actor, action="created", to_value=url)
    return source


def source_claim(*, source_id: int, now: datetime, force: bool = False) -> Source | None:
    """Take ``source_id`` for one poll, or return ``None`` when it is not due or another worker has it.

    The claim moves ``next_poll_at`` one interval on with a compare-and-set update, so of two
    workers racing for the same source exactly one wins. Runs two queries.
    """
    source = Source.objects.filter(id=source_id, is_active=True).first()
    if source is None or (not force and source.next_poll_at is not None and source.next_poll_at > now):
        return None
    next_poll_at = now + timedelta(minutes=source.poll_interval_minutes)
    claimed = Source.objects.filter(id=source_id, next_poll_at=source.next_poll_at).update(next_poll_at=next_poll_at)
    if claimed != 1:
        return None
    source.next_poll_at = next_poll_at
    return source


def source_poll(*, source_id: int, force: bool = False) -> PollOutcome | None:
    """Fetch, parse and store one source's new entries; ``None`` when it was not claimed.

    The network is used outside any transaction; all changes of one poll are stored in one
    transaction, so a failed fetch or parse changes no mention. Failures are recorded on the
    source, not raised.
    """
    now = timezone.now()
    source = source_claim(source_id=source_id, now=now, force=force)
    if source is None:
        return None
    try:
        result = feed_fetch(source.url, etag=source.etag, last_modified=source.last_modified)
        parsed = None if result.is_not_modified else feed_parse(result.content, url=result.url)
        if parsed is not None and not parsed.is_feed:
            raise ParseError(source.url, _("The address did not return a feed we can read."))
    except MonitoringError as exc:
        return _poll_failed(source, exc, now)

    with transaction.atomic():
        if parsed is None:
            outcome = PollOutcome(source_id=source.id, is_not_modified=True)
        else:
            outcome = _store_entries(source, parsed, now)
        source.mark_polled(at=now, status=result.status)
        source.etag, source.last_modified = result.etag, result.last_modified
        source.save(update_fields=[*_HEALTH_FIELDS, "etag", "last_modified"])
    return outcome


_HEALTH_FIELDS = [
    "last_polled_at",
    "last_status",
    "last_success_at",
    "last_error",
    "last_error_at",
    "consecutive_failures",
]


def _store_entries(source: Source, parsed: ParsedFeed, now: datetime) -> PollOutcome:
    keys = [entry.key for entry in parsed.entries]
    known = set(Mention.objects.filter(source=source, external_id__in=keys).values_list("external_id", flat=True))
    plan = poll_plan(parsed.entries, known_keys=known)
    Mention.objects.bulk_create(
        [
            Mention(
                source=source,
                external_id=entry.key,
                url=entry.url,
                title=entry.title,
                snippet=entry.snippet,
                content_html=entry.content_html,
                author=entry.author,
                published_at=entry.published_at or now,
                fetched_at=now,
            )
            for entry in plan.new_entries
        ],
        # Another poll of the same source cannot run (see source_claim); this only guards manual re-runs.
        ignore_conflicts=True,
    )
    return PollOutcome(
        source_id=source.id, found=len(parsed.entries), new=len(plan.new_entries), duplicates=plan.duplicates
    )


def retry_delay(*, failures: int, interval: int) -> timedelta:
    """How long to wait after ``failures`` failed polls in a row: 1, 2, 4 … minutes, at most the interval.

    A site that was down for a moment (or a demo server still starting) is tried again soon.
    """
    return timedelta(minutes=min(interval, 2 ** min(failures - 1, 16)))


def _poll_failed(source: Source, exc: MonitoringError, now: datetime) -> PollOutcome:
    status = exc.status if isinstance(exc, FetchError) else None
    logger.warning("Polling source %s (%s) failed: %s", source.id, source.url, exc)
    source.mark_failed(at=now, status=status, error=str(exc))
    source.next_poll_at = now + retry_delay(failures=source.consecutive_failures, interval=source.poll_interval_minutes)
    source.save(update_fields=[*_HEALTH_FIELDS, "next_poll_at"])
    return PollOutcome(source_id=source.id, error=str(exc))
