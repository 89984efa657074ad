"""The cases' sections of the daily digest (``inbox.notifications.digest``): your open cases, what of yours is
due today, nearly late or past its target, and the complaints that came in since yesterday. Registered when the app is
ready (``inbox.cases.apps``); each reads for all the digest's readers at once."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse, reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from inbox.cases.models import Case
from inbox.notifications.digest import Line, Reader, Window, section_add

_FIELDS = (
    "id",
    "title",
    "organisation_id",
    "assignee_id",
    "created_by_id",
    "created_at",
    "first_response_at",
    "first_response_due_at",
    "resolved_at",
    "resolution_due_at",
    "first_response_risk_at",
    "resolution_risk_at",
)
_PLACEHOLDER = "987654321987"
_ALL = reverse_lazy("inbox:case-list")
_MINE = format_lazy("{}?mine=1", _ALL)


def _open_of(readers: Sequence[Reader]) -> QuerySet[Case]:
    return Case.objects.filter(assignee_id__in=[reader.id for reader in readers]).exclude(status=Case.Status.CLOSED)


def _due_times(row: dict[str, Any]) -> list[datetime]:
    """When what is still to do on a case is due: the first response until it is given, the resolution
    until the case is resolved."""
    due = []
    if row["first_response_at"] is None and row["first_response_due_at"] is not None:
        due.append(row["first_response_due_at"])
    if row["resolved_at"] is None and row["resolution_due_at"] is not None:
        due.append(row["resolution_due_at"])
    return due


def _by_assignee(readers: Sequence[Reader], rows: Any, at: Any) -> dict[int, list[Line]]:
    """Each reader's lines of ``rows``: their own cases of their own organisation, timed by ``at(row)``."""
    organisation = {reader.id: reader.organisation_id for reader in readers}
    found: dict[int, list[Line]] = {}
    for row in rows:
        if organisation.get(row["assignee_id"]) != row["organisation_id"]:
            continue
        found.setdefault(row["assignee_id"], []).append(_line(row, at(row)))
    for lines in found.values():
        lines.sort(key=lambda line: (line.at is None, line.at.timestamp() if line.at else 0))
    return found


def _line(row: dict[str, Any], at: datetime | None) -> Line:
    return Line(f"#{row['id']} {row['title']}", _case_page(row["id"]), at)


def _case_page(case_id: int) -> str:
    # Reversed once, filled in for each case: a digest of 100 people lists thousands of cases, and one
    # ``reverse`` costs as much as the rest of a line.
    return _case_page_pattern().replace(_PLACEHOLDER, str(case_id))


@functools.cache
def _case_page_pattern() -> str:
    return reverse("inbox:case-detail", args=[int(_PLACEHOLDER)])


@section_add("breached", title=_("Past their target"), order=10, at_label=_("was due"), more_url=_MINE)
def cases_breached(readers: Sequence[Reader], window: Window) -> dict[int, list[Line]]:
    """Your open cases whose first response or resolution is overdue. Runs one query."""
    late = Q(first_response_at__isnull=True, first_response_due_at__lt=window.now) | Q(
        resolved_at__isnull=True, resolution_due_at__lt=window.now
    )
    rows = _open_of(readers).filter(late).values(*_FIELDS)
    return _by_assignee(readers, rows, lambda row: min(at for at in _due_times(row) if at < window.now))


@section_add("at_risk", title=_("Nearly late"), order=15, at_label=_("due"), more_url=reverse_lazy("inbox:due"))
def cases_at_risk(readers: Sequence[Reader], window: Window) -> dict[int, list[Line]]:
    """Your open cases that have used three quarters of their time but are not late yet, unless they wait on
    the complainant (their clock stands still). Runs one query."""
    risky = Q(
        first_response_at__isnull=True, first_response_risk_at__lte=window.now, first_response_due_at__gte=window.now
    ) | Q(resolved_at__isnull=True, resolution_risk_at__lte=window.now, resolution_due_at__gte=window.now)
    rows = _open_of(readers).filter(risky, waiting_since__isnull=True).values(*_FIELDS)

    def due(row: dict[str, Any]) -> datetime:
        return min(at for at in _due_times(row) if at >= window.now)

    return _by_assignee(readers, rows, due)


@section_add("due_today", title=_("Due today"), order=20, at_label=_("due"), more_url=_MINE)
def cases_due_today(readers: Sequence[Reader], window: Window) -> dict[int, list[Line]]:
    """Your open cases with a first response or resolution due later today. Runs one query."""
    soon = Q(
        first_response_at__isnull=True,
        first_response_due_at__gte=window.now,
        first_response_due_at__lt=window.day_ends_at,
    ) | Q(resolved_at__isnull=True, resolution_due_at__gte=window.now, resolution_due_at__lt=window.day_ends_at)
    rows = _open_of(readers).filter(soon).values(*_FIELDS)

    def due(row: dict[str, Any]) -> datetime:
        return min(at for at in _due_times(row) if window.now <= at < window.day_ends_at)

    return _by_assignee(readers, rows, due)


@section_add("new_complaints", title=_("New complaints"), order=30, at_label=_("opened"), more_url=_ALL)
def cases_new(readers: Sequence[Reader], window: Window) -> dict[int, list[Line]]:
    """The cases opened in your organisation since this time yesterday, but for the ones you opened. Runs one
    query."""
    organisations = {reader.organisation_id for reader in readers}
    rows = list(
        Case.objects.filter(
            organisation_id__in=organisations, created_at__gte=window.since, created_at__lte=window.now
        ).values(*_FIELDS)
    )
    by_organisation: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_organisation.setdefault(row["organisation_id"], []).append(row)
    found: dict[int, list[Line]] = {}
    for reader in readers:
        for row in by_organisation.get(reader.organisation_id, []):
            if row["created_by_id"] != reader.id:
                found.setdefault(reader.id, []).append(_line(row, row["created_at"]))
    return found


@section_add("open", title=_("Your open cases"), order=40, at_label=_("next due"), more_url=_MINE)
def cases_open(readers: Sequence[Reader], window: Window) -> dict[int, list[Line]]:
    """Every case of yours that is not closed, the one due soonest first. Runs one query."""
    rows = _open_of(readers).values(*_FIELDS)
    return _by_assignee(readers, rows, lambda row: min(_due_times(row), default=None))
