"""The "due soon" list: open cases and open complaints in the inbox, late ones first, then those at risk, then
the rest, each by the time their answer (or solution) is due.

Cases carry their due times (``inbox.cases.due``), so the database orders them. A complaint in the inbox has no
stored due time: it follows from its publication and the organisation's targets, and is worked out here for the
oldest open complaints only (``MENTIONS_READ``), which are the ones due first: a later publication is never due
earlier under the same targets (only a stricter target for a flag can overtake).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models
from django.db.models import F, Q, When
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.selectors import organisation_id_of
from inbox.cases.selectors import cases_visible_to
from inbox.cases.services import RUNNING
from inbox.targets import rules
from inbox.targets.clock import State
from inbox.targets.selectors import plan_of
from monitoring.models import Mention
from monitoring.selectors import mentions_visible_to

PAGE_SIZE = 100
MENTIONS_READ = 200

_ORDER = {State.BREACHED: 0, State.AT_RISK: 1, State.ON_TRACK: 2}


@dataclass(frozen=True)
class DueItem:
    """A row of the list: an open case's running target, or an open complaint's first response."""

    is_case: bool
    id: int
    title: str
    url: str
    target: str  # "first_response" or "resolution"
    due_at: datetime
    state: State
    handler: str  # "" for nobody
    published_at: datetime
    polling_delay: timedelta | None  # how long after publication our sources found it
    is_waiting: bool = False

    @property
    def sort_key(self) -> tuple[int, datetime, int, int]:
        return _ORDER[self.state], self.due_at, 0 if self.is_case else 1, self.id


def due_list(*, user: User, now: datetime | None = None) -> list[DueItem]:
    """What ``user``'s organisation must answer or solve, most urgent first (``PAGE_SIZE`` at most); none for a
    user who may not read the inbox. Runs two queries (and four for the organisation's targets when they are not
    in the cache)."""
    now = now or timezone.now()
    items = _cases(user, now) + _mentions(user, now)
    return sorted(items, key=lambda item: item.sort_key)[:PAGE_SIZE]


def _cases(user: User, now: datetime) -> list[DueItem]:
    next_due = models.Case(
        When(first_response_at__isnull=True, then=F("first_response_due_at")), default=F("resolution_due_at")
    )
    cases = (
        cases_visible_to(user)
        .filter(status__in=RUNNING)
        .annotate(next_due=next_due)
        .filter(next_due__isnull=False)
        .order_by("next_due", "id")[:PAGE_SIZE]
    )
    items = []
    for case in cases:
        target = case.next_target(now)
        if target is None or target.state is None:
            continue
        items.append(
            DueItem(
                is_case=True,
                id=case.id,
                title=str(case),
                url=case.get_absolute_url(),
                target=target.name,
                due_at=target.due_at,
                state=target.state,
                handler=str(case.assignee) if case.assignee else "",
                published_at=case.reported_at,
                polling_delay=case.polling_delay,
                is_waiting=case.is_waiting,
            )
        )
    return items


def _mentions(user: User, now: datetime) -> list[DueItem]:
    complaints = Q(category=Mention.Category.COMPLAINT) | Q(category="", suggested_category=Mention.Category.COMPLAINT)
    mentions = (
        mentions_visible_to(user)
        .filter(complaints, status__in=(Mention.Status.NEW, Mention.Status.TRIAGED))
        .select_related(None)
        .select_related("assignee")
        .only(
            *("id", "title", "snippet", "url", "published_at", "fetched_at", "category", "suggested_category"),
            *("flags", "assignee__username", "assignee__first_name", "assignee__last_name"),
        )
        .order_by("published_at", "id")[:MENTIONS_READ]
    )
    plan: rules.Plan | None = None
    items = []
    for mention in mentions:
        plan = plan or plan_of(organisation_id_of(user))
        due, risk = rules.first_response_due(
            plan, mention.published_at, category=mention.effective_category, flags=mention.flags or ()
        )
        state = State.BREACHED if now >= due else State.AT_RISK if now >= risk else State.ON_TRACK
        items.append(
            DueItem(
                is_case=False,
                id=mention.id,
                title=str(mention),
                url=reverse("inbox:mention-detail", args=[mention.id]),
                target="first_response",
                due_at=due,
                state=state,
                handler=str(mention.assignee) if mention.assignee else "",
                published_at=mention.published_at,
                polling_delay=max(mention.fetched_at - mention.published_at, timedelta(0)),
            )
        )
    return items
