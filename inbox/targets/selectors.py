"""Reading an organisation's opening hours and targets: as a ``Plan`` for the arithmetic, and for the settings
page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import User
from accounts.selectors import organisation_id_of
from inbox.targets import clock, rules
from inbox.targets.models import ClosedDay, OpeningBlock, TargetOverride, TargetSettings

# Without settings of its own an organisation is open Monday to Friday, 09:00 to 17:00.
DEFAULT_BLOCKS = tuple(clock.Block(day, time(9), time(17)) for day in range(5))

PLAN_SECONDS = 24 * 60 * 60


def plan_key(organisation_id: int) -> str:
    # The version changes with the shape of ``Plan``: a worker of a new release never reads an old pickle.
    return f"targets:plan:v1:{organisation_id}"


def plan_of(organisation_id: int) -> rules.Plan:
    """The organisation's opening hours and targets, kept in the cache until they change (``services``). Runs
    four queries when not kept."""
    key = plan_key(organisation_id)
    plan = cache.get(key)
    if not isinstance(plan, rules.Plan):
        plan = plan_read(organisation_id)
        cache.set(key, plan, PLAN_SECONDS)
    return plan


def plan_read(organisation_id: int) -> rules.Plan:
    """The organisation's opening hours and targets from the database; the defaults for one that never changed
    them. Runs four queries (one without settings)."""
    row = TargetSettings.objects.filter(organisation_id=organisation_id).first()
    if row is None:
        return rules.Plan(schedule=clock.Schedule(zone=settings.TIME_ZONE, blocks=DEFAULT_BLOCKS), is_default=True)
    blocks = OpeningBlock.objects.filter(organisation_id=organisation_id).values_list("weekday", "starts_at", "ends_at")
    closed = ClosedDay.objects.filter(organisation_id=organisation_id).values_list("day", flat=True)
    overrides = TargetOverride.objects.filter(organisation_id=organisation_id)
    schedule = clock.Schedule(
        zone=row.time_zone,
        blocks=tuple(sorted(clock.Block(*values) for values in blocks)),
        closed_days=frozenset(closed),
        open_on_holidays=frozenset(row.open_on_holidays or ()),
        clock_hours=row.counts_clock_hours,
    )
    targets = rules.Targets(
        first_response_open=timedelta(minutes=row.first_response_open_minutes),
        first_response_closed=timedelta(minutes=row.first_response_closed_minutes),
        resolution_days=row.resolution_days,
        overrides=tuple(
            rules.Override(
                kind=override.kind,
                value=override.value,
                first_response=timedelta(minutes=override.first_response_minutes)
                if override.first_response_minutes is not None
                else None,
                resolution_days=override.resolution_days,
            )
            for override in overrides
        ),
    )
    return rules.Plan(schedule=schedule, targets=targets)


@dataclass(frozen=True)
class Holiday:
    key: str  # its English name, as the settings keep it
    name: str  # in the reader's language
    days: tuple[date, ...]  # this year's and next year's
    is_closed: bool


def holidays_listed(open_on: frozenset[str], *, today: date) -> list[Holiday]:
    """This year's and next year's public holidays, each once, by their first date, named in the reader's
    language."""
    language = "nl" if (get_language() or "nl").startswith("nl") else "en_US"
    found: dict[str, tuple[str, list[date]]] = {}
    for year in (today.year, today.year + 1):
        keys, names = clock.holidays_of(year), clock.holidays_of(year, language)
        for day, day_keys in keys.items():
            shown = names.get(day, day_keys)
            for index, key in enumerate(day_keys):
                name = shown[index] if index < len(shown) else key
                found.setdefault(key, (name, []))[1].append(day)
    return [
        Holiday(key=key, name=name, days=tuple(days), is_closed=key not in open_on)
        for key, (name, days) in sorted(found.items(), key=lambda item: item[1][1][0])
    ]


@dataclass(frozen=True)
class WeekdayHours:
    weekday: int
    label: str
    blocks: list[OpeningBlock]


@dataclass(frozen=True)
class TargetsPage:
    settings: TargetSettings  # not saved yet for an organisation on the defaults
    plan: rules.Plan
    week: list[WeekdayHours]
    holidays: list[Holiday]
    closed_days: list[ClosedDay]
    overrides: list[TargetOverride]


def targets_page(*, user: User, today: date | None = None) -> TargetsPage | None:
    """What the settings page shows of ``user``'s organisation; None for one who may not read the inbox."""
    if not user.has_perm("monitoring.view_mention") or user.organisation_id is None:
        return None
    organisation_id = organisation_id_of(user)
    today = today or timezone.localdate()
    plan = plan_read(organisation_id)
    row = TargetSettings.objects.filter(organisation_id=organisation_id).first() or TargetSettings(
        organisation_id=organisation_id
    )
    if plan.is_default:
        blocks = [OpeningBlock(weekday=b.weekday, starts_at=b.starts, ends_at=b.ends) for b in DEFAULT_BLOCKS]
    else:
        blocks = list(OpeningBlock.objects.filter(organisation_id=organisation_id))
    week = [
        WeekdayHours(weekday=value, label=str(label), blocks=[b for b in blocks if b.weekday == value])
        for value, label in OpeningBlock.Weekday.choices
    ]
    return TargetsPage(
        settings=row,
        plan=plan,
        week=week,
        holidays=holidays_listed(plan.schedule.open_on_holidays, today=today),
        closed_days=list(
            ClosedDay.objects.filter(organisation_id=organisation_id, day__gte=today - timedelta(days=31))
        ),
        overrides=list(TargetOverride.objects.filter(organisation_id=organisation_id)),
    )


@dataclass(frozen=True)
class Example:
    """A worked example for the settings page: a complaint published at ``published_at`` and its due times."""

    published_at: datetime
    due: rules.Due


def examples(plan: rules.Plan, now: datetime) -> list[Example]:
    """Two worked examples: published five minutes before the next closing time (the first response carries
    over to the next opening), and an hour after it (outside the opening hours); one without opening hours."""
    schedule = plan.schedule
    if not schedule.has_hours:
        return [Example(published_at=now, due=rules.due(plan, now))]
    closing = next(end for start, end in clock.open_intervals(schedule, now))
    moments = [closing - timedelta(minutes=5)]
    if not clock.is_open(schedule, closing + timedelta(hours=1)):
        moments.append(closing + timedelta(hours=1))
    zone = schedule.tzinfo
    return [Example(published_at=moment.astimezone(zone), due=rules.due(plan, moment)) for moment in moments]
