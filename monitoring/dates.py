"""The range of dates the product accepts for when something was said online.

Everything that reads a date from outside (a feed, a form, a filter in the address) checks it against
this one range, so that no stored value can fall outside what the database and Python can handle (a
year-1 date becomes a BC timestamp once the Amsterdam offset is applied) and no page breaks on one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

# The web as a place to complain in public is younger than this; a feed that says earlier is wrong.
EARLIEST_PUBLICATION = datetime(1990, 1, 1, tzinfo=UTC)
# Clocks differ and time zones are misread: a day ahead is still believable, more is not.
LATEST_AHEAD = timedelta(days=1)


def publication_latest(*, now: datetime | None = None) -> datetime:
    """The latest publication moment accepted now."""
    return (now or timezone.now()) + LATEST_AHEAD


def publication_is_sane(value: datetime, *, now: datetime | None = None) -> bool:
    """Whether ``value`` (aware) lies between ``EARLIEST_PUBLICATION`` and a day from now."""
    return EARLIEST_PUBLICATION <= value <= publication_latest(now=now)


def publication_or_none(value: datetime | None, *, now: datetime | None = None) -> datetime | None:
    """``value`` when it is sane, else None (unknown): for dates read from feeds."""
    if value is None or not publication_is_sane(value, now=now):
        return None
    return value


def day_clamp(value: date, *, now: datetime | None = None) -> date:
    """``value`` moved into the accepted range of days: for filters, where any day is a fair question."""
    earliest = EARLIEST_PUBLICATION.date()
    latest = timezone.localdate(publication_latest(now=now))
    return min(max(value, earliest), latest)
