"""The report's mentions, counted per week and source: how many, how many complaints, and how long after their
publication they were found (in the steps of ``DELAY_BUCKETS``).

On PostgreSQL these come from the days PostgreSQL keeps itself (``MentionDay``): a quarter is a few thousand rows
instead of a million mentions. A filter that reaches the mentions through their cases (an assignee, a tag, a
complainer type) and SQLite (the development default) count the mentions themselves, the same way.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek

from inbox.reports.models import DELAY_BUCKETS, MentionDay
from inbox.reports.query import ReportQuery, mentions_of_organisation, place_filters
from monitoring.models import Mention

COMPLAINT = Mention.Category.COMPLAINT


@dataclass
class Tally:
    """One week's mentions of one source."""

    mentions: int = 0
    complaints: int = 0
    delays: Counter[int] = field(default_factory=Counter)  # minutes (a step of DELAY_BUCKETS) -> mentions

    @property
    def median_delay(self) -> timedelta | None:
        """The median polling delay, as ``percentile_cont(0.5)`` over the delays' steps; None: no mentions."""
        total = sum(self.delays.values())
        if not total:
            return None
        position = 0.5 * (total - 1)
        low, high = math.floor(position), math.ceil(position)
        steps, seen, found = sorted(self.delays.items()), 0, {}
        for minutes, count in steps:
            for rank in (low, high):
                if rank not in found and rank < seen + count:
                    found[rank] = minutes
            seen += count
        return timedelta(minutes=found[low] + (found[high] - found[low]) * (position - low))


def delay_step(published: datetime, fetched: datetime) -> int:
    """The step of ``DELAY_BUCKETS`` a polling delay falls in (as PostgreSQL's ``reports_delay_bucket``)."""
    minutes = (fetched - published) / timedelta(minutes=1)
    return max((step for step in DELAY_BUCKETS if step <= minutes), default=0)


def kept() -> bool:
    """Whether the database keeps the days (PostgreSQL)."""
    return connection.vendor == "postgresql"


def _through_cases(query: ReportQuery) -> bool:
    return query.assignee is not None or bool(query.tag) or bool(query.complainer)


def tallies(organisation_id: int, query: ReportQuery) -> dict[tuple[date, int], Tally]:
    """The period's mentions through ``query``'s filters per (the Monday of their week, source). Runs one query."""
    found: dict[tuple[date, int], Tally] = {}
    for week, source_id, complaint, delay, count in _rows(organisation_id, query):
        tally = found.setdefault((week, source_id), Tally())
        tally.mentions += count
        tally.complaints += count if complaint else 0
        tally.delays[delay] += count
    return found


def _rows(organisation_id: int, query: ReportQuery) -> list[tuple[date, int, bool, int, int]]:
    if kept() and not _through_cases(query):
        complaint = ExpressionWrapper(Q(category=COMPLAINT), BooleanField())
        rows = (
            _days(organisation_id, query)
            .annotate(week=TruncWeek("day"), complaint=complaint)
            .values_list("week", "source_id", "complaint", "delay")
            .annotate(Sum("count"))
        )
        return list(rows)
    zone = ZoneInfo(query.zone)
    counted: Counter[tuple[date, int, bool, int]] = Counter()
    mentions = mentions_of_organisation(organisation_id, query).order_by()
    found = mentions.values_list("published_at", "fetched_at", "source_id", "category", "suggested_category")
    for published, fetched, source_id, category, suggested in found.iterator(chunk_size=5000):
        day = published.astimezone(zone).date()
        week = day - timedelta(days=day.weekday())
        counted[(week, source_id, (category or suggested) == COMPLAINT, delay_step(published, fetched))] += 1
    return [(*key, count) for key, count in counted.items()]


def totals(organisation_id: int, query: ReportQuery) -> tuple[int, int]:
    """How many mentions the period has through ``query``'s filters, and how many of them complaints. Runs one
    query."""
    if kept() and not _through_cases(query):
        counted = _days(organisation_id, query).aggregate(
            mentions=Sum("count", default=0), complaints=Sum("count", filter=Q(category=COMPLAINT), default=0)
        )
        return counted["mentions"], counted["complaints"]
    mentions = mentions_of_organisation(organisation_id, query).order_by()
    complaint = Q(category=COMPLAINT) | Q(category="", suggested_category=COMPLAINT)
    counted = mentions.aggregate(mentions=Count("id"), complaints=Count("id", filter=complaint))
    return counted["mentions"], counted["complaints"]


def _days(organisation_id: int, query: ReportQuery) -> QuerySet[MentionDay]:
    days = MentionDay.objects.filter(organisation_id=organisation_id, day__gte=query.start, day__lte=query.end)
    return place_filters(days, query).order_by()


def days_rebuild(organisation_id: int) -> None:
    """Count the organisation's days again (after its time zone changed), while no mention of any organisation is
    written: the mentions are locked against writes until the caller's transaction ends. PostgreSQL only."""
    if not kept():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Mention._meta.db_table} IN SHARE MODE")
        cursor.execute("SELECT reports_mention_days_rebuild(%s)", [organisation_id])


def zone_changed_receive(sender: object, organisation_id: int, **kwargs: object) -> None:
    """An organisation's time zone changed: its days are other days now."""
    days_rebuild(organisation_id)
