"""Time in opening hours: pure functions over a ``Schedule``, no database.

An organisation is open in blocks of time on each weekday, in its own time zone. A block belongs to the day it
starts on and may run past midnight (Fri 20:00-01:00 ends on Saturday); a block whose end is at or before its
start ends the next day, so 00:00-00:00 is a whole day. A closed day (a public holiday that is on, or one of the
organisation's own closed days) cancels the blocks that start on it.

Targets count either open time (``add``, ``between``) or, in clock-hours mode, plain time. A schedule without
any opening hours counts plain time too: everything is open.

Moments are compared in UTC, so a day on which the clocks change is as long as it really is: an hour open from
02:00 to 03:00 on the last Sunday of October (the hour that happens twice) lasts two hours, and one on the last
Sunday of March (the hour that never happens) lasts none.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

# After this many days on end without a moment open (every opening day closed for years), every moment counts
# as open: a schedule that never opens must still give an answer.
HORIZON_DAYS = 3 * 366

# The end of all time, for the open interval after the horizon.
_FOREVER = datetime(9999, 1, 1, tzinfo=UTC)

# A target is at risk once this share of its time is used: three quarters.
AT_RISK_NUMERATOR, AT_RISK_DENOMINATOR = 3, 4

DAY = timedelta(days=1)


@dataclass(frozen=True, order=True)
class Block:
    """Open from ``starts`` to ``ends`` on ``weekday`` (0 is Monday); an ``ends`` at or before ``starts`` is on
    the next day."""

    weekday: int
    starts: time
    ends: time

    @property
    def crosses_midnight(self) -> bool:
        return self.ends <= self.starts


@dataclass(frozen=True)
class Schedule:
    """When an organisation is open. ``holidays``: the Dutch public holidays close it, except those named (by
    their English name in the ``holidays`` library) in ``open_on_holidays``. ``clock_hours``: targets count
    plain time instead of opening hours (the opening hours still say whether a moment is inside them)."""

    zone: str = "Europe/Amsterdam"
    blocks: tuple[Block, ...] = ()
    closed_days: frozenset[date] = frozenset()
    holidays: bool = True
    open_on_holidays: frozenset[str] = frozenset()
    clock_hours: bool = False

    @property
    def has_hours(self) -> bool:
        """Whether there are opening hours at all; without them every moment counts as open."""
        return bool(self.blocks)

    @property
    def counts_plain_time(self) -> bool:
        """Whether targets count plain time: in clock-hours mode, and without opening hours."""
        return self.clock_hours or not self.has_hours

    @functools.cached_property
    def _by_weekday(self) -> tuple[tuple[Block, ...], ...]:
        return tuple(tuple(sorted(b for b in self.blocks if b.weekday == day)) for day in range(7))

    @functools.cached_property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    @functools.cached_property
    def _days(self) -> dict[date, tuple[tuple[datetime, datetime], ...]]:
        """Each day's open intervals once worked out (``day_intervals``); started over when large."""
        return {}


class State(enum.StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"


@dataclass(frozen=True)
class Progress:
    """How far a target is: the share of its time used (1.0 and more once it is due) and its state."""

    used: float
    state: State


# Holidays ----------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def holidays_of(year: int, language: str = "en_US") -> dict[date, tuple[str, ...]]:
    """The Dutch public holidays of ``year``: each day with the names of its holidays in ``language``
    ("en_US" gives the names the settings keep; "nl" the Dutch ones)."""
    found = holidays.country_holidays("NL", years=year, language=language)
    return {day: tuple(name.split("; ")) for day, name in sorted(found.items())}


def holiday_names(day: date) -> tuple[str, ...]:
    """The English names of the public holidays on ``day`` (none: an ordinary day)."""
    return holidays_of(day.year).get(day, ())


def is_closed(schedule: Schedule, day: date) -> bool:
    """Whether the organisation is closed all of ``day``: one of its own closed days, or a public holiday that
    is on."""
    if day in schedule.closed_days:
        return True
    if not schedule.holidays:
        return False
    return any(name not in schedule.open_on_holidays for name in holiday_names(day))


# Open intervals --------------------------------------------------------------------------------------


def _moment(schedule: Schedule, day: date, at: time) -> datetime:
    """Wall time ``at`` on ``day`` in the schedule's zone, in UTC. A wall time the clocks skip reads as if they
    had not changed yet (02:30 on the last Sunday of March is 03:30 summer time); one that happens twice is its
    first time."""
    return datetime.combine(day, at, tzinfo=schedule.tzinfo).astimezone(UTC)


def day_intervals(schedule: Schedule, day: date) -> tuple[tuple[datetime, datetime], ...]:
    """The open intervals of the blocks that start on ``day`` (none on a closed day), in UTC, by start."""
    kept = schedule._days
    if day not in kept:
        if len(kept) > 20_000:
            kept.clear()
        kept[day] = _day_intervals(schedule, day)
    return kept[day]


def _day_intervals(schedule: Schedule, day: date) -> tuple[tuple[datetime, datetime], ...]:
    if is_closed(schedule, day):
        return ()
    found = []
    for block in schedule._by_weekday[day.weekday()]:
        start = _moment(schedule, day, block.starts)
        end = _moment(schedule, day + DAY if block.crosses_midnight else day, block.ends)
        if end > start:
            found.append((start, end))
    return tuple(found)


def open_intervals(schedule: Schedule, start: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The open intervals that end after ``start``, in order, overlapping and touching ones merged, in UTC.

    Endless; after ``HORIZON_DAYS`` days on end without an open moment, one interval that lasts for ever.
    """
    day = start.astimezone(schedule.tzinfo).date() - DAY  # a block of the day before may run past midnight
    pending: tuple[datetime, datetime] | None = None
    days_without = 0
    while True:
        intervals = day_intervals(schedule, day)
        for interval in intervals:
            if pending is not None and interval[0] <= pending[1]:
                pending = (pending[0], max(pending[1], interval[1]))
                continue
            if pending is not None and pending[1] > start:
                yield pending
            pending = interval
        days_without = 0 if intervals else days_without + 1
        if days_without > HORIZON_DAYS or day >= date.max - DAY:
            if pending is not None and pending[1] > start:
                yield pending
            yield (max(start, pending[1]) if pending else start), _FOREVER
            return
        day += DAY


def is_open(schedule: Schedule, at: datetime) -> bool:
    """Whether ``at`` lies inside the opening hours (from a block's start up to, not including, its end).
    Without opening hours every moment does."""
    if not schedule.has_hours:
        return True
    local = at.astimezone(schedule.tzinfo).date()
    return any(a <= at < b for day in (local - DAY, local) for a, b in day_intervals(schedule, day))


# Arithmetic ------------------------------------------------------------------------------------------


def add(schedule: Schedule, start: datetime, duration: timedelta) -> datetime:
    """The moment ``duration`` of counted time has passed after ``start``: open time, or plain time in
    clock-hours mode and without opening hours. Lands inside the opening hours or exactly at a block's end,
    never in a closed period. ``start`` itself for a duration of zero or less."""
    if duration <= timedelta(0):
        return start
    if schedule.counts_plain_time:
        return (start.astimezone(UTC) + duration).astimezone(start.tzinfo)
    # In UTC throughout: Python adds to and subtracts moments of one zone by their wall times.
    zone, start, remaining = start.tzinfo, start.astimezone(UTC), duration
    for a, b in open_intervals(schedule, start):
        begin = max(a, start)
        if remaining <= b - begin:
            return (begin + remaining).astimezone(zone)
        remaining -= b - begin
    raise AssertionError("open_intervals never ends")  # pragma: no cover


def between(schedule: Schedule, start: datetime, end: datetime) -> timedelta:
    """The counted time in [``start``, ``end``): open time, or plain time in clock-hours mode and without
    opening hours. Zero when ``end`` is not after ``start``."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return timedelta(0)
    if schedule.counts_plain_time:
        return end - start
    total = timedelta(0)
    for a, b in open_intervals(schedule, start):
        if a >= end:
            break
        total += min(b, end) - max(a, start)
    return total


def is_working_day(schedule: Schedule, day: date) -> bool:
    """A day with opening hours on which the organisation is not closed; without opening hours, any day it is
    not closed."""
    if not schedule.has_hours:
        return not is_closed(schedule, day)
    return bool(day_intervals(schedule, day))


def working_day_end(schedule: Schedule, day: date) -> datetime:
    """When working day ``day`` ends: the end of its last block (the next day for a block past midnight);
    without opening hours, midnight."""
    intervals = day_intervals(schedule, day) if schedule.has_hours else []
    if intervals:
        return max(end for _start, end in intervals)
    return _moment(schedule, day + DAY, time(0))


def after_working_days(schedule: Schedule, start: datetime, days: int) -> datetime:
    """The end of the ``days``-th working day after the day of ``start`` (in the schedule's zone): "within two
    working days" of a Friday evening is at closing time on the second working day after that Friday. In
    either counting mode; ``start`` itself for ``days`` of zero or less."""
    if days <= 0:
        return start
    day = start.astimezone(schedule.tzinfo).date()
    counted = idle = 0
    while counted < days:
        if day >= date.max - 2 * DAY:
            return start + days * DAY  # pragma: no cover - the end of the calendar
        day += DAY
        if is_working_day(schedule, day):
            counted, idle = counted + 1, 0
        else:
            idle += 1
            if idle > HORIZON_DAYS:  # never open: whole days instead
                return start + days * DAY
    return working_day_end(schedule, day).astimezone(start.tzinfo)


def progress(
    schedule: Schedule, start: datetime, due: datetime, now: datetime, paused: timedelta = timedelta(0)
) -> Progress:
    """How far a target counted from ``start`` and due at ``due`` is at ``now``. ``paused``: counted time the
    clock stood still (waiting on the complainant), already added to ``due``.

    Breached from ``due`` on; at risk once three quarters of the allowed time is used; on track before that.
    """
    allowed = between(schedule, start, due) - paused
    used = max(between(schedule, start, now) - paused, timedelta(0))
    share = used / allowed if allowed > timedelta(0) else 1.0
    if now.astimezone(UTC) >= due.astimezone(UTC):
        return Progress(used=max(share, 1.0), state=State.BREACHED)
    if used * AT_RISK_DENOMINATOR >= allowed * AT_RISK_NUMERATOR:
        return Progress(used=share, state=State.AT_RISK)
    return Progress(used=share, state=State.ON_TRACK)


def at_risk_from(schedule: Schedule, start: datetime, due: datetime, paused: timedelta = timedelta(0)) -> datetime:
    """The first moment ``progress`` says at risk (or breached): when three quarters of the allowed time is used."""
    allowed = between(schedule, start, due) - paused
    if allowed <= timedelta(0):
        return start
    microseconds = allowed // timedelta(microseconds=1)
    share = -(-microseconds * AT_RISK_NUMERATOR // AT_RISK_DENOMINATOR)  # rounded up, as progress compares
    return min(add(schedule, start, timedelta(microseconds=share) + paused), due)
