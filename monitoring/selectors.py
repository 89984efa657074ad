"""Reads for monitoring."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, Q, QuerySet

from accounts.models import Organisation, User
from accounts.selectors import organisation_id_of
from monitoring.feeds.enrich import Signal
from monitoring.feeds.terms import WatchTerms as ParsedWatchTerms
from monitoring.feeds.terms import watch_terms_parse
from monitoring.models import FetchLog, Mention, SignalPhrase, Source, SourceEvent, WatchTerms, source_name_shown
from monitoring.volume import FRESH, USUAL_DAYS, WINDOW, Volume, earlier_limit, worth_counting


def source_ids_due(*, now: datetime) -> list[int]:
    """Active sources whose next poll is due (or that were never polled); never a retired one. Runs one query."""
    return list(
        Source.objects.filter(is_active=True, retired_at__isnull=True)
        .exclude(kind=Source.Kind.MANUAL)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .order_by("next_poll_at")
        .values_list("id", flat=True)
    )


def mentions_visible_to(user: User) -> QuerySet[Mention]:
    """Mentions ``user`` may read, newest first; none for a user without the right.

    ``visibility_key`` must change with whatever this depends on: queries built from it are kept by it.
    """
    if not user.has_perm("monitoring.view_mention") or user.organisation_id is None:
        return Mention.objects.none()
    return (
        Mention.objects.filter(organisation_id=organisation_id_of(user))
        .select_related("source")
        .order_by("-published_at", "-id")
    )


def visibility_key(user: User) -> object:
    """What decides which mentions ``user`` may read (``mentions_visible_to``): two users with the same key
    see the same mentions, so a query built for one can serve the other."""
    return user.has_perm("monitoring.view_mention"), user.organisation_id


_HEALTH_COLUMNS = (
    "id", "name", "kind", "url", "query", "is_active", "paused_reason_code", "paused_reason_params",
    "poll_interval_minutes", "next_poll_at", "last_polled_at", "last_success_at", "last_status",
    "last_error_code", "last_error_params", "last_error_at", "consecutive_failures", "last_entries_found",
    "last_problem", "retired_at",
)  # fmt: skip


def sources_for_health(user: User) -> QuerySet[Source]:
    """Polled sources that are not retired, with their health, failing and paused ones first; none
    without the right to manage sources."""
    if not user.has_perm("monitoring.change_source"):
        return Source.objects.none()
    return (
        Source.objects.filter(organisation_id=organisation_id_of(user))
        .exclude(kind=Source.Kind.MANUAL)
        .filter(retired_at__isnull=True)
        .order_by("-consecutive_failures", "is_active", "name")
        .only(*_HEALTH_COLUMNS)
    )


def sources_retired(user: User) -> QuerySet[Source]:
    """Retired sources, most recently retired first; none without the right to manage sources."""
    if not user.has_perm("monitoring.change_source"):
        return Source.objects.none()
    return (
        Source.objects.filter(organisation_id=organisation_id_of(user), retired_at__isnull=False)
        .order_by("-retired_at", "name")
        .only(*_HEALTH_COLUMNS)
    )


def sources_readable(user: User) -> QuerySet[Source]:
    """Polled sources, retired ones too, that ``user`` may look at; none without the right to view them."""
    if not user.has_perm("monitoring.view_source"):
        return Source.objects.none()
    return Source.objects.filter(organisation_id=organisation_id_of(user)).exclude(kind=Source.Kind.MANUAL)


def source_events(user: User, source_id: int, *, limit: int = 20) -> list[SourceEvent]:
    """The latest changes to one source, newest first, with who made them. Runs one query."""
    if not user.has_perm("monitoring.view_source"):
        return []
    events = SourceEvent.objects.filter(source_id=source_id, source__organisation_id=organisation_id_of(user))
    return list(events.select_related("actor")[:limit])


def source_fetch_log(user: User, source_id: int, *, limit: int = 20) -> list[FetchLog]:
    """The latest polls of one source, newest first. Runs one query."""
    if not user.has_perm("monitoring.view_source"):
        return []
    return list(FetchLog.objects.filter(source_id=source_id, source__organisation_id=organisation_id_of(user))[:limit])


def watch_terms_for(organisation: Organisation) -> WatchTerms | None:
    """The organisation's watch terms, or None before any were set. Runs one query."""
    return WatchTerms.objects.filter(organisation=organisation).first()


def watch_terms_parsed(*, organisation_ids: Iterable[int]) -> dict[int, ParsedWatchTerms]:
    """The watch terms of each of the organisations, as polls apply them, by organisation id; one that
    never set any is left out. Runs one query."""
    rows = WatchTerms.objects.filter(organisation_id__in=list(organisation_ids))
    return {
        organisation_id: watch_terms_parse(include, exclude)
        for organisation_id, include, exclude in rows.values_list("organisation_id", "include", "exclude")
    }


def signals_active() -> tuple[Signal, ...]:
    """The active signal phrases, as ``enrich`` takes them. Runs one query."""
    rows = SignalPhrase.objects.filter(is_active=True).values_list("phrase", "category", "weight", "flag")
    return _signals_from_rows(tuple(rows))


@functools.lru_cache(maxsize=8)
def _signals_from_rows(rows: tuple[tuple[str, str, int, str], ...]) -> tuple[Signal, ...]:
    """The signals for the phrase rows, built (and checked) once per distinct list: the same rows
    give the same tuple, so ``enrich`` finds its compiled patterns for it at once."""
    return tuple(
        Signal(phrase=phrase, category=category, weight=weight, flag=flag) for phrase, category, weight, flag in rows
    )


def mention_volumes(*, now: datetime) -> list[Volume]:
    """The sources and watch terms, of every organisation, with enough mentions found in the last two hours
    to be unusual (``volume.worth_counting``), each with the mentions said in the 28 days before, counted up
    to ``volume.earlier_limit``. Deciding is ``volume.is_unusual``'s.

    Runs two queries over the window (``mention_found_idx``: the rows found in the last two hours, however
    large the table), and for each source or term worth counting one bounded count over the 28 days before
    (``mention_source_newest_idx`` for a source; ``mention_newest_idx`` for a term), which stops at the limit.
    """
    since = now - WINDOW
    found = Mention.objects.filter(fetched_at__gte=since, published_at__gte=now - FRESH).order_by()
    by_source = found.values("organisation_id", "source_id").annotate(recent=Count("id"))
    sources = [row for row in by_source if worth_counting(row["recent"])]
    terms: Counter[tuple[int, str]] = Counter()
    for organisation_id, matched in found.exclude(matched_terms=[]).values_list("organisation_id", "matched_terms"):
        terms.update((organisation_id, term) for term in set(matched or ()))
    earlier = Mention.objects.filter(published_at__gte=since - timedelta(days=USUAL_DAYS), published_at__lt=since)
    names = dict(Source.objects.filter(id__in=[row["source_id"] for row in sources]).values_list("id", "name"))
    volumes = [
        Volume(
            organisation_id=row["organisation_id"],
            source_id=row["source_id"],
            term="",
            label=source_name_shown(names.get(row["source_id"], "")),
            recent=row["recent"],
            earlier=earlier.filter(source_id=row["source_id"]).order_by()[: earlier_limit(row["recent"])].count(),
        )
        for row in sources
    ]
    for (organisation_id, term), recent in sorted(terms.items()):
        if worth_counting(recent):
            volumes.append(
                Volume(
                    organisation_id=organisation_id,
                    source_id=None,
                    term=term,
                    label=term,
                    recent=recent,
                    earlier=_term_count(earlier.filter(organisation_id=organisation_id), term, earlier_limit(recent)),
                )
            )
    return volumes


def _term_count(mentions: QuerySet[Mention], term: str, limit: int) -> int:
    """How many of ``mentions`` matched the watch term ``term``, counted up to ``limit``. Runs one query."""
    if connection.features.supports_json_field_contains:
        return mentions.filter(matched_terms__contains=[term]).order_by()[:limit].count()
    # SQLite (a trial install) cannot look into a JSON list: the few rows are read instead.
    rows = mentions.exclude(matched_terms=[]).values_list("matched_terms", flat=True)
    return min(sum(1 for matched in rows if term in (matched or ())), limit)
