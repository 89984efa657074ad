"""Time in opening hours (inbox/targets/clock.py): worked examples across weekends, holidays, the clock changes
and blocks past midnight, and properties Hypothesis holds the arithmetic to."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inbox.targets.clock import (
    Block,
    Schedule,
    State,
    add,
    after_working_days,
    at_risk_from,
    between,
    holidays_of,
    is_closed,
    is_open,
    progress,
)

AMS = ZoneInfo("Europe/Amsterdam")
MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
TICK = timedelta(microseconds=1)
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def at(text: str) -> datetime:
    """A wall time in Amsterdam: "2025-03-07 21:55"."""
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


def blocks(*spans: tuple[int, str, str]) -> tuple[Block, ...]:
    return tuple(Block(day, time.fromisoformat(a), time.fromisoformat(b)) for day, a, b in spans)


OFFICE = Schedule(blocks=blocks(*[(day, "09:00", "17:00") for day in range(MON, SAT)]))
CLUB = Schedule(blocks=blocks(*[(day, "18:00", "22:00") for day in range(MON, SAT)], (SAT, "08:00", "14:00")))
LATE = Schedule(blocks=blocks((FRI, "20:00", "01:00")))


# Examples ----------------------------------------------------------------------------------------------


def test_friday_evening_runs_on_into_saturday_morning():
    # The settings page's example: five minutes on Friday, fifty-five on Saturday.
    assert add(CLUB, at("2025-03-07 21:55"), HOUR) == at("2025-03-08 08:55")


def test_an_office_afternoon_runs_on_after_the_weekend():
    assert add(OFFICE, at("2025-03-07 16:30"), HOUR) == at("2025-03-10 09:30")
    assert between(OFFICE, at("2025-03-07 16:30"), at("2025-03-10 09:30")) == HOUR


def test_nothing_counts_before_opening_time():
    assert add(OFFICE, at("2025-03-10 06:00"), HOUR) == at("2025-03-10 10:00")
    assert between(OFFICE, at("2025-03-08 12:00"), at("2025-03-10 09:00")) == timedelta(0)


def test_easter_is_closed_unless_the_organisation_opens_on_good_friday():
    # Good Friday 18 April and Easter Monday 21 April 2025 are public holidays.
    assert add(OFFICE, at("2025-04-17 16:30"), HOUR) == at("2025-04-22 09:30")
    open_on_good_friday = Schedule(blocks=OFFICE.blocks, open_on_holidays=frozenset({"Good Friday"}))
    assert add(open_on_good_friday, at("2025-04-17 16:30"), HOUR) == at("2025-04-18 09:30")
    without_holidays = Schedule(blocks=OFFICE.blocks, holidays=False)
    assert add(without_holidays, at("2025-04-17 16:30"), HOUR) == at("2025-04-18 09:30")


def test_an_own_closed_day_is_skipped():
    closed = Schedule(blocks=OFFICE.blocks, closed_days=frozenset({date(2025, 3, 10)}))
    assert add(closed, at("2025-03-07 16:30"), HOUR) == at("2025-03-11 09:30")
    assert is_closed(closed, date(2025, 3, 10))
    assert not is_closed(closed, date(2025, 3, 11))


def test_a_block_past_midnight_ends_on_the_next_day():
    assert add(LATE, at("2025-03-07 23:30"), HOUR) == at("2025-03-08 00:30")
    # Half an hour left on Saturday night, the rest the next Friday.
    assert add(LATE, at("2025-03-08 00:30"), HOUR) == at("2025-03-14 20:30")
    assert is_open(LATE, at("2025-03-08 00:59"))
    assert not is_open(LATE, at("2025-03-08 01:00"))
    assert between(LATE, at("2025-03-07 00:00"), at("2025-03-09 00:00")) == 5 * HOUR


def test_a_closed_day_cancels_the_blocks_that_start_on_it_not_the_night_before():
    # Saturday 26 April 2025 is King's Day; Friday night's block still runs into it.
    assert between(LATE, at("2025-04-25 00:00"), at("2025-04-27 00:00")) == 5 * HOUR
    friday_closed = Schedule(blocks=LATE.blocks, closed_days=frozenset({date(2025, 4, 25)}))
    assert between(friday_closed, at("2025-04-25 00:00"), at("2025-04-27 00:00")) == timedelta(0)


def test_touching_blocks_count_once():
    touching = Schedule(blocks=blocks((FRI, "20:00", "00:00"), (SAT, "00:00", "02:00"), (FRI, "21:00", "22:00")))
    assert between(touching, at("2025-03-07 00:00"), at("2025-03-09 00:00")) == 6 * HOUR
    assert add(touching, at("2025-03-07 23:30"), HOUR) == at("2025-03-08 00:30")


def test_the_spring_change_counts_the_hour_that_never_happens_as_nothing():
    # Sunday 30 March 2025: the clocks go from 02:00 to 03:00.
    night = Schedule(blocks=blocks((SUN, "01:00", "04:00")))
    assert between(night, at("2025-03-30 00:00"), at("2025-03-30 05:00")) == 2 * HOUR
    assert add(night, at("2025-03-30 01:30"), HOUR) == at("2025-03-30 03:30")
    # An office hour across that weekend is an hour.
    assert add(OFFICE, at("2025-03-28 16:30"), HOUR) == at("2025-03-31 09:30")
    assert between(OFFICE, at("2025-03-28 16:30"), at("2025-03-31 09:30")) == HOUR


def test_the_autumn_change_counts_the_hour_that_happens_twice_twice():
    # Sunday 26 October 2025: the clocks go from 03:00 back to 02:00.
    night = Schedule(blocks=blocks((SUN, "01:00", "04:00")))
    assert between(night, at("2025-10-26 00:00"), at("2025-10-26 05:00")) == 4 * HOUR
    assert add(night, at("2025-10-26 01:00"), 3 * HOUR).astimezone(UTC) == datetime(2025, 10, 26, 2, 0, tzinfo=UTC)
    # 24 hours of a 24-hour weekend day: the clock says 23.
    always = Schedule(blocks=blocks(*[(day, "00:00", "00:00") for day in range(7)]))
    assert add(always, at("2025-10-26 00:00"), 24 * HOUR) == at("2025-10-26 23:00")


def test_without_opening_hours_every_moment_counts():
    nothing = Schedule()
    assert add(nothing, at("2025-03-08 03:00"), HOUR) == at("2025-03-08 04:00")
    assert between(nothing, at("2025-03-08 03:00"), at("2025-03-09 03:00")) == 24 * HOUR
    assert is_open(nothing, at("2025-03-08 03:00"))


def test_clock_hours_count_every_moment_but_opening_hours_still_say_what_is_inside():
    clock = Schedule(blocks=OFFICE.blocks, clock_hours=True)
    assert add(clock, at("2025-03-07 16:30"), HOUR) == at("2025-03-07 17:30")
    assert not is_open(clock, at("2025-03-07 17:30"))


def test_working_days_end_at_closing_time():
    # Published Friday evening: the second working day after Friday is Monday, which closes at 22:00.
    assert after_working_days(CLUB, at("2025-03-07 21:55"), 2) == at("2025-03-10 22:00")
    # Thursday before Easter: Tuesday and Wednesday.
    assert after_working_days(OFFICE, at("2025-04-17 10:00"), 2) == at("2025-04-23 17:00")
    # A block past midnight closes the next day.
    assert after_working_days(LATE, at("2025-03-07 12:00"), 1) == at("2025-03-15 01:00")
    # Without opening hours a working day is any day that is not closed, ending at midnight: Easter Saturday,
    # then (after Easter Sunday and Monday) Tuesday.
    assert after_working_days(Schedule(), at("2025-04-17 10:00"), 2) == at("2025-04-23 00:00")


def test_a_target_is_on_track_then_at_risk_at_three_quarters_then_breached():
    start = at("2025-03-07 21:55")
    due = add(CLUB, start, HOUR)
    assert progress(CLUB, start, due, at("2025-03-08 08:00")).state == State.ON_TRACK
    # Five minutes Friday and forty on Saturday: 45 of 60 minutes.
    assert at_risk_from(CLUB, start, due) == at("2025-03-08 08:40")
    assert progress(CLUB, start, due, at("2025-03-08 08:39")).state == State.ON_TRACK
    assert progress(CLUB, start, due, at("2025-03-08 08:40")).state == State.AT_RISK
    assert progress(CLUB, start, due, at("2025-03-08 08:40")).used == 0.75
    assert progress(CLUB, start, due, at("2025-03-08 08:55")).state == State.BREACHED
    # During the night nothing is used.
    assert progress(CLUB, start, due, at("2025-03-08 03:00")).used == pytest.approx(5 / 60)


def test_a_pause_moves_the_due_time_by_the_open_time_it_took():
    start = at("2025-03-10 09:00")
    due = add(OFFICE, start, HOUR)
    paused = between(OFFICE, at("2025-03-10 09:30"), at("2025-03-10 18:00"))  # waiting until after closing
    assert paused == 7 * HOUR + 30 * MIN
    moved = add(OFFICE, due, paused)
    assert moved == at("2025-03-11 09:30")
    assert progress(OFFICE, start, moved, at("2025-03-11 09:00"), paused).used == pytest.approx(0.5)


def test_the_holiday_names_come_in_dutch_too():
    assert "Koningsdag" in holidays_of(2025, "nl")[date(2025, 4, 26)]
    assert holidays_of(2025)[date(2025, 4, 26)] == ("King's Day",)


# Properties --------------------------------------------------------------------------------------------

ZONES = st.sampled_from(["Europe/Amsterdam", "Europe/London", "America/New_York", "UTC"])
QUARTERS = st.integers(0, 95).map(lambda n: time(n // 4, n % 4 * 15))
BLOCKS = st.lists(st.builds(Block, st.integers(0, 6), QUARTERS, QUARTERS), min_size=1, max_size=6)
DAYS = st.dates(date(2024, 1, 1), date(2027, 12, 31))
SCHEDULES = st.builds(
    Schedule,
    zone=ZONES,
    blocks=BLOCKS.map(tuple),
    closed_days=st.frozensets(DAYS, max_size=20),
    holidays=st.booleans(),
    open_on_holidays=st.frozensets(st.sampled_from(["Good Friday", "Liberation Day", "King's Day"])),
)
# Around the clock changes of 2025 and 2026 as often as elsewhere.
MOMENTS = st.one_of(
    st.datetimes(datetime(2024, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC)),
    st.sampled_from([datetime(2025, 3, 30), datetime(2025, 10, 26), datetime(2026, 3, 29), datetime(2026, 10, 25)])
    .flatmap(lambda day: st.integers(-36 * 60, 36 * 60).map(lambda m: day + timedelta(minutes=m)))
    .map(lambda moment: moment.replace(tzinfo=UTC)),
)
DURATIONS = st.integers(1, 40 * 60 * 60 * 1_000_000).map(lambda us: timedelta(microseconds=us))
SETTINGS = settings(max_examples=150, deadline=None)


@SETTINGS
@given(SCHEDULES, MOMENTS, DURATIONS)
def test_adding_and_measuring_back_gives_the_duration(schedule, start, duration):
    assert between(schedule, start, add(schedule, start, duration)) == duration


@SETTINGS
@given(SCHEDULES, MOMENTS, DURATIONS)
def test_nothing_is_due_in_a_closed_period(schedule, start, duration):
    due = add(schedule, start, duration)
    assert due > start
    # The moment just before the due time is open: it lies inside the opening hours or at a block's end.
    assert is_open(schedule, due - TICK)


@SETTINGS
@given(SCHEDULES, MOMENTS, MOMENTS, DURATIONS)
def test_a_later_start_is_never_due_earlier(schedule, one, other, duration):
    early, late = sorted((one, other))
    assert add(schedule, early, duration) <= add(schedule, late, duration)


@SETTINGS
@given(SCHEDULES, MOMENTS, DURATIONS, DURATIONS)
def test_open_time_adds_up(schedule, start, first, second):
    middle, end = start + first, start + first + second
    assert between(schedule, start, end) == between(schedule, start, middle) + between(schedule, middle, end)
    assert add(schedule, add(schedule, start, first), second) == add(schedule, start, first + second)


@SETTINGS
@given(SCHEDULES, MOMENTS, DURATIONS)
def test_clock_hours_are_plain_addition(schedule, start, duration):
    clock = Schedule(zone=schedule.zone, blocks=schedule.blocks, closed_days=schedule.closed_days, clock_hours=True)
    assert add(clock, start, duration) == start + duration
    assert between(clock, start, start + duration) == duration


@SETTINGS
@given(SCHEDULES, MOMENTS, DURATIONS, DURATIONS, st.integers(0, 3).map(lambda n: n * HOUR))
def test_at_risk_from_the_moment_three_quarters_is_used_until_due(schedule, start, duration, later, paused):
    due = add(schedule, start, duration + paused)
    risk = at_risk_from(schedule, start, due, paused)
    now = start + later
    state = progress(schedule, start, due, now, paused).state
    expected = State.BREACHED if now >= due else State.AT_RISK if now >= risk else State.ON_TRACK
    assert state == expected


@SETTINGS
@given(SCHEDULES, MOMENTS, st.integers(1, 5))
def test_working_days_end_at_a_block_end_after_the_day_of_publication(schedule, start, days):
    end = after_working_days(schedule, start, days)
    assert end.astimezone(schedule.tzinfo).date() > start.astimezone(schedule.tzinfo).date()
    assert is_open(schedule, end - TICK) or not schedule.has_hours
