"""What an organisation's response-time targets make of a complaint: pure functions, no database.

- **First response**: counted from publication. Published inside the opening hours: ``first_response_open``
  (default 1 hour); outside them: ``first_response_closed`` (default 4 hours), counted from the next opening.
- **Resolution**: within ``resolution_days`` working days (default 2): at the end of the last opening block of
  the second working day after the day of publication. A working day is a day with opening hours on which the
  organisation is not closed.
- **Overrides** per category, case priority or flag replace these; when several apply, the strictest counts.
- A case waiting on the complainant stops the clock: the counted time it waited (``paused``) moves both due
  times on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from inbox.targets.clock import Schedule, add, after_working_days, at_risk_from, between, is_open

DEFAULT_FIRST_RESPONSE_OPEN = timedelta(hours=1)
DEFAULT_FIRST_RESPONSE_CLOSED = timedelta(hours=4)
DEFAULT_RESOLUTION_DAYS = 2

CATEGORY, PRIORITY, FLAG = "category", "priority", "flag"


@dataclass(frozen=True)
class Override:
    """A stricter (or looser) target for complaints of one category, cases of one priority, or mentions with
    one flag. ``None``: the general target holds for that part."""

    kind: str  # CATEGORY, PRIORITY or FLAG
    value: str
    first_response: timedelta | None = None
    resolution_days: int | None = None

    def applies(self, *, category: str, priority: str, flags: Iterable[str]) -> bool:
        if self.kind == CATEGORY:
            return self.value == category
        if self.kind == PRIORITY:
            return self.value == priority
        return self.value in flags


@dataclass(frozen=True)
class Targets:
    first_response_open: timedelta = DEFAULT_FIRST_RESPONSE_OPEN
    first_response_closed: timedelta = DEFAULT_FIRST_RESPONSE_CLOSED
    resolution_days: int = DEFAULT_RESOLUTION_DAYS
    overrides: tuple[Override, ...] = ()


@dataclass(frozen=True)
class Plan:
    """An organisation's opening hours and targets, as its settings say (or the defaults)."""

    schedule: Schedule = field(default_factory=Schedule)
    targets: Targets = field(default_factory=Targets)
    is_default: bool = False  # nobody changed the settings yet


@dataclass(frozen=True)
class Due:
    """When a complaint's targets are due, and when each becomes at risk."""

    first_response_at: datetime
    first_response_risk_at: datetime
    resolution_at: datetime
    resolution_risk_at: datetime
    published_open: bool  # published inside the opening hours


def first_response_target(
    plan: Plan, published_at: datetime, *, category: str = "", priority: str = "", flags: Iterable[str] = ()
) -> timedelta:
    """How much counted time the first response may take."""
    flags = tuple(flags)
    chosen = [
        o.first_response
        for o in plan.targets.overrides
        if o.first_response is not None and o.applies(category=category, priority=priority, flags=flags)
    ]
    if chosen:
        return min(chosen)
    if is_open(plan.schedule, published_at):
        return plan.targets.first_response_open
    return plan.targets.first_response_closed


def resolution_target(plan: Plan, *, category: str = "", priority: str = "", flags: Iterable[str] = ()) -> int:
    """How many working days the resolution may take."""
    flags = tuple(flags)
    chosen = [
        o.resolution_days
        for o in plan.targets.overrides
        if o.resolution_days is not None and o.applies(category=category, priority=priority, flags=flags)
    ]
    return min(chosen) if chosen else plan.targets.resolution_days


def due(
    plan: Plan,
    published_at: datetime,
    *,
    category: str = "",
    priority: str = "",
    flags: Iterable[str] = (),
    paused: timedelta = timedelta(0),
) -> Due:
    """The due times of a complaint published at ``published_at``; ``paused``: the counted time its clock stood
    still, by which both move on."""
    flags = tuple(flags)
    schedule = plan.schedule
    first = add(
        schedule,
        published_at,
        first_response_target(plan, published_at, category=category, priority=priority, flags=flags) + paused,
    )
    days = resolution_target(plan, category=category, priority=priority, flags=flags)
    resolution = add(schedule, after_working_days(schedule, published_at, days), paused)
    return Due(
        first_response_at=first,
        first_response_risk_at=at_risk_from(schedule, published_at, first, paused),
        resolution_at=resolution,
        resolution_risk_at=at_risk_from(schedule, published_at, resolution, paused),
        published_open=is_open(schedule, published_at),
    )


def first_response_due(
    plan: Plan, published_at: datetime, *, category: str = "", priority: str = "", flags: Iterable[str] = ()
) -> tuple[datetime, datetime]:
    """When the first response to a complaint published at ``published_at`` is due, and when it becomes at risk:
    what an open complaint in the inbox shows, without the resolution."""
    target = first_response_target(plan, published_at, category=category, priority=priority, flags=flags)
    first = add(plan.schedule, published_at, target)
    return first, at_risk_from(plan.schedule, published_at, first)


def paused_time(plan: Plan, since: datetime, until: datetime) -> timedelta:
    """The counted time between ``since`` and ``until``: what a wait on the complainant adds to the due times."""
    return between(plan.schedule, since, until)
