"""Changes to an organisation's opening hours and targets. The board and managers make them; each is atomic,
written in the playbook's history (``playbook.<action>``) and makes the open cases' due times be worked out
again (``inbox.cases`` subscribes to ``CHANGES``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from inbox.exceptions import TargetsRefused
from inbox.playbook.services import playbook_event_record
from inbox.targets.models import ClosedDay, OpeningBlock, TargetOverride, TargetSettings
from inbox.targets.selectors import DEFAULT_BLOCKS, plan_key

# The history's actions, and the events the cases hear of.
SETTINGS, BLOCK_ADDED, BLOCK_REMOVED = "targets_changed", "opening_hours_added", "opening_hours_removed"
HOLIDAYS, CLOSED_ADDED, CLOSED_REMOVED = "holidays_changed", "closed_day_added", "closed_day_removed"
OVERRIDE_ADDED, OVERRIDE_REMOVED = "target_override_added", "target_override_removed"
CHANGES = tuple(
    f"playbook.{action}"
    for action in (
        *(SETTINGS, BLOCK_ADDED, BLOCK_REMOVED, HOLIDAYS, CLOSED_ADDED, CLOSED_REMOVED),
        *(OVERRIDE_ADDED, OVERRIDE_REMOVED),
    )
)

WEEK_MINUTES = 7 * 24 * 60
# Sent (with ``organisation_id``) inside the transaction that changes an organisation's time zone: what counts
# per day in it counts again (``inbox.reports``).
zone_changed = Signal()


def targets_set(
    *,
    actor: User,
    organisation: Organisation,
    time_zone: str,
    counts_clock_hours: bool,
    first_response_open_minutes: int,
    first_response_closed_minutes: int,
    resolution_days: int,
) -> TargetSettings:
    """The time zone, what the targets count (opening hours or clock hours) and the general targets."""
    with transaction.atomic():
        row = _settings_locked(actor, organisation)
        before, zone_before = _summary(row), row.time_zone
        row.time_zone, row.counts_clock_hours = time_zone, counts_clock_hours
        row.first_response_open_minutes = first_response_open_minutes
        row.first_response_closed_minutes = first_response_closed_minutes
        row.resolution_days = resolution_days
        row.full_clean(exclude=["organisation", "open_on_holidays"])
        row.save()
        if row.time_zone != zone_before:
            zone_changed.send(sender=TargetSettings, organisation_id=organisation.id)
        _recorded(organisation, actor, SETTINGS, before, _summary(row))
    return row


def opening_block_add(
    *, actor: User, organisation: Organisation, weekday: int, starts_at: time, ends_at: time
) -> OpeningBlock:
    """Open on ``weekday`` from ``starts_at`` to ``ends_at`` (the next day when it is not later). Raises
    ``TargetsRefused`` for a block that ends when it starts, or that overlaps one the organisation has."""
    if starts_at == ends_at:
        raise TargetsRefused(_("A block ends at another time than it starts."), field="ends_at")
    with transaction.atomic():
        _settings_locked(actor, organisation)
        block = OpeningBlock(organisation=organisation, weekday=weekday, starts_at=starts_at, ends_at=ends_at)
        for other in OpeningBlock.objects.filter(organisation=organisation):
            if _overlap(block, other):
                raise TargetsRefused(
                    _("This overlaps %(other)s. Change or remove that block first.") % {"other": other},
                    field="starts_at",
                )
        block.full_clean(exclude=["organisation"])
        block.save()
        _recorded(organisation, actor, BLOCK_ADDED, "", str(block))
    return block


def opening_block_remove(*, actor: User, organisation: Organisation, block_id: int) -> None:
    """Take a block out of the opening hours; nothing happens for one that is gone already."""
    with transaction.atomic():
        _settings_locked(actor, organisation)
        block = OpeningBlock.objects.filter(organisation=organisation, id=block_id).first()
        if block is None:
            return
        shown = str(block)
        block.delete()
        _recorded(organisation, actor, BLOCK_REMOVED, shown, "")


def holidays_set(*, actor: User, organisation: Organisation, closed_on: Iterable[str], shown: Iterable[str]) -> None:
    """Which of the public holidays ``shown`` close the organisation (``closed_on``); the others it is open on.
    Holidays not shown keep what they were."""
    closed, listed = set(closed_on), set(shown)
    with transaction.atomic():
        row = _settings_locked(actor, organisation)
        before = set(row.open_on_holidays or ())
        after = (before - listed) | (listed - closed)
        if after != before:
            row.open_on_holidays = sorted(after)
            row.save(update_fields=["open_on_holidays", "updated_at"])
            _recorded(organisation, actor, HOLIDAYS, ", ".join(sorted(before)), ", ".join(sorted(after)))


def closed_day_add(*, actor: User, organisation: Organisation, day: date, label: str = "") -> ClosedDay:
    """A day the organisation is closed. Raises ``TargetsRefused`` for a day that is closed already."""
    with transaction.atomic():
        _settings_locked(actor, organisation)
        try:
            with transaction.atomic():
                closed = ClosedDay.objects.create(organisation=organisation, day=day, label=label.strip())
        except IntegrityError as exc:
            raise TargetsRefused(_("That day is closed already."), field="day") from exc
        _recorded(organisation, actor, CLOSED_ADDED, "", day.isoformat())
    return closed


def closed_day_remove(*, actor: User, organisation: Organisation, closed_day_id: int) -> None:
    with transaction.atomic():
        _settings_locked(actor, organisation)
        closed = ClosedDay.objects.filter(organisation=organisation, id=closed_day_id).first()
        if closed is None:
            return
        closed.delete()
        _recorded(organisation, actor, CLOSED_REMOVED, closed.day.isoformat(), "")


def target_override_add(
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    value: str,
    first_response_minutes: int | None,
    resolution_days: int | None,
) -> TargetOverride:
    """Other targets for complaints of one category, cases of one priority or mentions with one flag; replaces
    the one for the same. Raises ``TargetsRefused`` when it sets neither target."""
    if first_response_minutes is None and resolution_days is None:
        raise TargetsRefused(_("Set a first response, a resolution or both."))
    with transaction.atomic():
        _settings_locked(actor, organisation)
        override, _created = TargetOverride.objects.update_or_create(
            organisation=organisation,
            kind=kind,
            value=value,
            defaults={"first_response_minutes": first_response_minutes, "resolution_days": resolution_days},
        )
        shown = f"{kind}:{value} {first_response_minutes or '-'}m {resolution_days or '-'}d"
        _recorded(organisation, actor, OVERRIDE_ADDED, "", shown)
    return override


def target_override_remove(*, actor: User, organisation: Organisation, override_id: int) -> None:
    with transaction.atomic():
        _settings_locked(actor, organisation)
        override = TargetOverride.objects.filter(organisation=organisation, id=override_id).first()
        if override is None:
            return
        override.delete()
        _recorded(organisation, actor, OVERRIDE_REMOVED, f"{override.kind}:{override.value}", "")


def targets_defaults_set(*, organisation: Organisation, blocks: Iterable[tuple[int, time, time]]) -> None:
    """Give an organisation without settings these opening hours and otherwise the defaults (the demo's club)."""
    with transaction.atomic():
        TargetSettings.objects.get_or_create(organisation=organisation)
        OpeningBlock.objects.filter(organisation=organisation).delete()
        OpeningBlock.objects.bulk_create(
            OpeningBlock(organisation=organisation, weekday=weekday, starts_at=starts, ends_at=ends)
            for weekday, starts, ends in blocks
        )
        targets_forget(organisation.id)


def targets_forget(organisation_id: int) -> None:
    """The kept plan is read anew, now and once the change is committed."""
    key = plan_key(organisation_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def _settings_locked(actor: User, organisation: Organisation) -> TargetSettings:
    """The organisation's settings row, locked; made with the default opening hours the first time. Raises
    ``TargetsRefused`` for somebody who may not change them."""
    if not actor.has_perm("targets.change_targets") or actor.organisation_id != organisation.id:
        raise TargetsRefused(_("The board and managers change the opening hours and targets."))
    row, created = TargetSettings.objects.select_for_update().get_or_create(organisation=organisation)
    if created:
        OpeningBlock.objects.bulk_create(
            OpeningBlock(organisation=organisation, weekday=b.weekday, starts_at=b.starts, ends_at=b.ends)
            for b in DEFAULT_BLOCKS
        )
    return row


def _recorded(organisation: Organisation, actor: User, action: str, before: str, after: str) -> None:
    playbook_event_record(organisation, actor, action, before, after)
    targets_forget(organisation.id)


def _summary(row: TargetSettings) -> str:
    counts = "clock" if row.counts_clock_hours else "open"
    return (
        f"{row.time_zone} {counts} {row.first_response_open_minutes}m/{row.first_response_closed_minutes}m "
        f"{row.resolution_days}d"
    )


def _week_span(block: OpeningBlock) -> tuple[int, int]:
    """Where a block lies in the week, in minutes from Monday 00:00: its start and its end (past the week's end
    for a Sunday block that runs into Monday)."""
    start = block.weekday * 24 * 60 + block.starts_at.hour * 60 + block.starts_at.minute
    length = (block.ends_at.hour * 60 + block.ends_at.minute) - (block.starts_at.hour * 60 + block.starts_at.minute)
    return start, start + (length if length > 0 else length + 24 * 60)


def _overlap(one: OpeningBlock, other: OpeningBlock) -> bool:
    """Whether two blocks share a moment of the week; blocks that only touch (17:00 and 17:00) do not."""
    (a, b), (c, d) = _week_span(one), _week_span(other)
    return any(max(a, c + shift) < min(b, d + shift) for shift in (-WEEK_MINUTES, 0, WEEK_MINUTES))
