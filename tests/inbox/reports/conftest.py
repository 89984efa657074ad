"""A report's world: cases and mentions with fixed times in the week of 3 to 9 March 2025, an older open case,
and an outsider organisation whose cases and mentions fall in the same week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from accounts.models import User
from inbox.cases.models import Case, CaseMention, ImprovementAction, RemovalRequest
from inbox.cases.services import case_reopen
from inbox.reports.query import CUSTOM, ReportQuery
from monitoring.models import Mention, Source
from tests.factories import CaseFactory, MentionFactory, OrganisationFactory, SourceFactory, UserFactory

H = timedelta(hours=1)
D = timedelta(days=1)
NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
FAR = datetime(2099, 1, 1, tzinfo=UTC)
WEEK = ReportQuery(period=CUSTOM, start=date(2025, 3, 3), end=date(2025, 3, 9), zone="Europe/Amsterdam")
WEEK_PARAMS = {"period": "custom", "from": "2025-03-03", "to": "2025-03-09"}


def at(day: int, hour: int = 10, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, 0, tzinfo=UTC)


@dataclass
class ReportWorld:
    manager: User
    board: User
    staff: User
    ann: User
    bob: User
    feed: Source
    forum: Source
    cases: dict[str, Case]


def _case(world: dict[str, Any], name: str, source: Source, platform: str, category: str, **fields: Any) -> Case:
    mention_fields = {"category": category} if category != "suggested" else {"suggested_category": "complaint"}
    fields.setdefault("title", f"Case {name}")
    case = CaseFactory(organisation=source.organisation, created_by=world["staff"], **fields)
    mention = MentionFactory(
        source=source,
        platform=platform,
        published_at=case.reported_at,
        fetched_at=case.reported_at + timedelta(minutes=30),
        **mention_fields,
    )
    CaseMention.objects.create(case=case, mention=mention, added_by=world["staff"])
    return case


@pytest.fixture
def report_world(db: None) -> ReportWorld:
    organisation = OrganisationFactory(name="Zwemvereniging De Dolfijnen")
    people = {
        "manager": UserFactory(username="max-manager", role="manager", organisation=organisation),
        "board": UserFactory(username="bea-board", role="board", organisation=organisation),
        "staff": UserFactory(username="sam-staff", role="staff", organisation=organisation),
        "ann": UserFactory(username="ann", first_name="Ann", role="staff", organisation=organisation),
        "bob": UserFactory(username="bob", first_name="Bob", role="staff", organisation=organisation),
    }
    feed = SourceFactory(organisation=organisation, name="Feed")
    forum = SourceFactory(organisation=organisation, name="Forum")
    ann, bob = people["ann"], people["bob"]
    cases = {
        # Answered in 1 h (in time), resolved in 10 h (in time), the customer satisfied, closed with a follow-up.
        "a": _case(
            people,
            "a",
            feed,
            "x",
            "complaint",
            assignee=ann,
            complainer_type="angry",
            tags="rooster, zwemles",
            reported_at=at(3),
            first_response_at=at(3) + H,
            first_response_due_at=at(3) + 2 * H,
            first_response_took=H,
            resolved_at=at(4),
            resolution_due_at=at(5),
            resolution_took=10 * H,
            satisfaction_asked=True,
            satisfaction="satisfied",
            status="closed",
            closed_at=at(5),
            public_followup_url="https://x.example/followup",
        ),
        # Answered late in 2 h, resolved late in 20 h, not satisfied, closed without a follow-up; content removed.
        "b": _case(
            people,
            "b",
            feed,
            "x",
            "suggested",
            assignee=ann,
            complainer_type="disappointed",
            reported_at=at(4),
            first_response_at=at(4) + 5 * H,
            first_response_due_at=at(4) + 4 * H,
            first_response_took=2 * H,
            resolved_at=at(7),
            resolution_due_at=at(6),
            resolution_took=20 * H,
            satisfaction_asked=True,
            satisfaction="not_satisfied",
            status="closed",
            closed_at=at(7),
            public_followup_skipped_because="Privé afgehandeld",
        ),
        # Answered in 3 h (in time), not resolved and past its resolution due time; an improvement made.
        "c": _case(
            people,
            "c",
            forum,
            "forum",
            "question",
            assignee=bob,
            reported_at=at(5),
            first_response_at=at(5) + 3 * H,
            first_response_due_at=at(5) + 4 * H,
            first_response_took=3 * H,
            resolution_due_at=at(7),
            status="private",
        ),
        # Without due times: answered in 10 h, resolved in 30 h, never asked.
        "d": _case(
            people,
            "d",
            forum,
            "forum",
            "complaint",
            assignee=bob,
            reported_at=at(6),
            first_response_at=at(6) + 10 * H,
            first_response_took=10 * H,
            resolved_at=at(8),
            resolution_took=30 * H,
            status="resolved",
        ),
        # Answered in half an hour, resolved, then reopened (see the test): its first response stays.
        "e": _case(
            people,
            "e",
            feed,
            "facebook",
            "complaint",
            assignee=bob,
            reported_at=at(7),
            first_response_at=at(7) + H / 2,
            first_response_due_at=at(7) + H,
            first_response_took=H / 2,
            resolved_at=at(8),
            resolution_due_at=FAR,
            status="resolved",
        ),
        # Never answered, nobody's, past its first-response due time.
        "f": _case(
            people,
            "f",
            feed,
            "x",
            "praise",
            assignee=None,
            complainer_type="angry",
            reported_at=at(9, hour=20),
            first_response_due_at=at(9, hour=21),
        ),
        # Before the period: still open (the oldest), and one closed only after the period.
        "g": _case(people, "g", feed, "x", "complaint", assignee=ann, reported_at=at(1, month=2)),
        "h": _case(
            people,
            "h",
            feed,
            "x",
            "complaint",
            assignee=ann,
            reported_at=at(20, month=2),
            status="closed",
            closed_at=at(12),
        ),
    }
    RemovalRequest.objects.create(
        case=cases["b"], reason="threat", platform="X", requested_by=people["staff"], outcome="removed"
    )
    RemovalRequest.objects.create(
        case=cases["c"], reason="abuse", platform="Forum", requested_by=people["staff"], outcome="refused"
    )
    ImprovementAction.objects.create(case=cases["c"], description="Rooster online", owner=bob, state="done")
    ImprovementAction.objects.create(case=cases["d"], description="Nog te doen", owner=bob, state="open")
    # A complaint without a case, and a mention after the period.
    MentionFactory(source=feed, platform="web", category="complaint", published_at=at(8), fetched_at=at(8) + 2 * H)
    MentionFactory(source=feed, category="complaint", published_at=at(12), fetched_at=at(12))
    # The outsider: the same kind of cases and mentions, in the same week.
    outsider = OrganisationFactory(name="OUTSIDER Buren")
    other = UserFactory(username="outsider-olga", role="manager", organisation=outsider)
    other_source = SourceFactory(organisation=outsider, name="OUTSIDER feed")
    _case(
        {"staff": other}, "outsider", other_source, "x", "complaint",
        assignee=other, reported_at=at(4), first_response_at=at(4) + 9 * H, first_response_due_at=at(4) + H,
        first_response_took=9 * H, resolved_at=at(5), resolution_took=H, satisfaction_asked=True,
        satisfaction="satisfied", status="closed", closed_at=at(6),
    )  # fmt: skip
    assert Mention.objects.count() == 11
    # The complainant came back after the solution: the case is reopened and keeps its first response.
    case_reopen(actor=people["staff"], case_id=cases["e"].id, version=None)
    cases["e"].refresh_from_db()
    assert cases["e"].resolved_at is None
    assert cases["e"].first_response_at == at(7) + H / 2
    return ReportWorld(cases=cases, feed=feed, forum=forum, **people)


# The exports' and the monthly summary's world (March 2026), for their tests.
from tests.inbox.reports.world import march  # noqa: E402, F401
