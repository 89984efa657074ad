"""Writes for sources: adding one, and the board's changes to it (name, interval, address, pause and resume,
retire and restore), each audited by a ``SourceEvent`` in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.selectors import organisation_id_of
from monitoring.exceptions import FetchError, ParseError, SourceRetired
from monitoring.feeds.fetch import feed_fetch
from monitoring.feeds.guard import url_check
from monitoring.feeds.read import feed_parse_or_error
from monitoring.models import Source
from monitoring.services.history import source_event_record
from monitoring.texts import Text


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
    parsed = feed_parse_or_error(result.content, url=result.url)
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
        source_event_record(source, actor, "created", "", url)
    return source


# A fetch slot is a lease: it lasts one fetch's longest time and half a minute more, and a batch that


def _source_locked(source_id: int, actor: User | None) -> Source:
    """The source, locked until the end of the transaction: one of ``actor``'s organisation's (any, for the
    product's own changes). Raises ``Source.DoesNotExist``, for another organisation's too."""
    sources = Source.objects.select_for_update()
    if actor is not None:
        sources = sources.filter(organisation_id=organisation_id_of(actor))
    return sources.get(id=source_id)


def _field_check(source: Source, name: str) -> None:
    """Validate one field of ``source`` as the model does; raises ``ValidationError`` keyed by it."""
    source.clean_fields(exclude=[field.name for field in Source._meta.fields if field.name != name])


def _event(source: Source, actor: User | None, action: str, before: str | int, after: str | int) -> None:
    source_event_record(source, actor, action, before, after)


def source_rename(*, source_id: int, name: str, actor: User | None) -> Source:
    """Give a source a new name (stripped). Raises ``ValidationError`` (at ``name``) for an empty or
    over-long one; the same name changes nothing."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the source a name.")}, code="required")
    with transaction.atomic():
        source = _source_locked(source_id, actor)
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
        source = _source_locked(source_id, actor)
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
        source = _source_locked(source_id, actor)
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
        source = _source_locked(source_id, actor)
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
        source = _source_locked(source_id, actor)
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
        source = _source_locked(source_id, actor)
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
        source = _source_locked(source_id, actor)
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
