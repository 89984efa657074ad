"""A case's due times from its organisation's targets (``inbox.targets``): worked out from when the complaint was
said in public, its category, priority and flags, and moved on by the time it waited on the complainant."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from inbox.cases.models import Case, CaseMention
from inbox.targets import rules
from inbox.targets.selectors import plan_of

DUE_FIELDS = ["first_response_due_at", "resolution_due_at", "first_response_risk_at", "resolution_risk_at"]


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
