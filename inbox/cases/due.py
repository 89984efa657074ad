"""A case's due times from its organisation's targets (``inbox.targets``): worked out from when the complaint was
said in public, its category, priority and flags, and moved on by the time it waited on the complainant."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from inbox.cases.models import Case, CaseMention
from inbox.targets import rules
from inbox.targets.selectors import plan_of

DUE_FIELDS = ["first_response_due_at", "resolution_due_at", "first_response_risk_at", "resolution_risk_at"]
DURATION_FIELDS = ["first_response_took", "resolution_took"]
# A change to any of these changes what the durations are.
DURATION_SOURCES = frozenset({"reported_at", "first_response_at", "resolved_at", "waited"})


def case_signals(case_ids: Iterable[int]) -> dict[int, tuple[str, tuple[str, ...]]]:
    """Each case's category (its first mention's, confirmed or suggested) and the flags of all its mentions.
    Runs one query."""
    links = (
        CaseMention.objects.filter(case_id__in=list(case_ids))
        .order_by("case_id", "added_at", "id")
        .values_list("case_id", "mention__category", "mention__suggested_category", "mention__flags")
    )
    found: dict[int, tuple[str, tuple[str, ...]]] = {}
    for case_id, category, suggested, flags in links:
        first, known = found.get(case_id, (category or suggested, ()))
        found[case_id] = (first, tuple(dict.fromkeys([*known, *(flags or ())])))
    return found


def case_due_set(
    case: Case, *, plan: rules.Plan | None = None, signals: tuple[str, tuple[str, ...]] | None = None
) -> list[str]:
    """Work out the case's due times from its organisation's targets, counted from ``reported_at`` and moved on
    by the time it waited. Returns the names of the fields that changed. Reads the plan (kept in the cache) and
    the case's mentions unless given."""
    plan = plan or plan_of(case.organisation_id)
    category, flags = signals if signals is not None else case_signals([case.id]).get(case.id, ("", ()))
    due = rules.due(plan, case.reported_at, category=category, priority=case.priority, flags=flags, paused=case.waited)
    values = {
        "first_response_due_at": due.first_response_at,
        "resolution_due_at": due.resolution_at,
        "first_response_risk_at": due.first_response_risk_at,
        "resolution_risk_at": due.resolution_risk_at,
    }
    changed = [name for name, value in values.items() if getattr(case, name) != value]
    for name in changed:
        setattr(case, name, values[name])
    return changed


def wait_fold(case: Case, now: datetime) -> list[str]:
    """End the case's wait at ``now``: what it waited (counted as its targets count) is added to ``waited`` and the
    due times move on by it. Returns the fields that changed; the caller saves them."""
    if case.waiting_since is None:
        return []
    plan = plan_of(case.organisation_id)
    paused = rules.paused_time(plan, case.waiting_since, now)
    case.waiting_since, case.waited = None, case.waited + paused
    return ["waiting_since", "waited", *case_due_set(case, plan=plan)]


def case_durations_set(case: Case, *, plan: rules.Plan | None = None) -> list[str]:
    """How long the case's first response and resolution took, counted as its organisation's targets count
    (opening hours or clock hours) from ``reported_at``; the resolution without what the case waited on the
    complainant. None for a milestone not reached. Returns the names of the fields that changed. Reads the plan
    (kept in the cache) unless given."""
    plan = plan or plan_of(case.organisation_id)
    values = {
        "first_response_took": _took(plan, case.reported_at, case.first_response_at),
        "resolution_took": _took(plan, case.reported_at, case.resolved_at, minus=case.waited),
    }
    changed = [name for name, value in values.items() if getattr(case, name) != value]
    for name in changed:
        setattr(case, name, values[name])
    return changed


def _took(
    plan: rules.Plan, start: datetime, end: datetime | None, *, minus: timedelta = timedelta(0)
) -> timedelta | None:
    if end is None:
        return None
    if end <= start:  # answered before it was said in public (a date put right later): at once
        return timedelta(0)
    return max(rules.paused_time(plan, start, end) - minus, timedelta(0))
