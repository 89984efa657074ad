"""The exports' test world: March 2026 with three cases and their mentions, one case of February and one of an
outsider organisation that no report of ours may count, and the complainant's details that no export may hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from accounts.models import User
from inbox.cases.models import Case, CaseEvent, CaseMention, ImprovementAction, RemovalRequest
from monitoring.models import Mention
from tests.factories import CaseFactory, MentionFactory, OrganisationFactory, SourceFactory, UserFactory

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MARCH = {"period": "custom", "from": "2026-03-01", "to": "2026-03-31"}
COMPLAINANT = ("Karin de Vries", "karin.devries@example.net", "06 98765432")


@dataclass
class Month:
    cases: list[Case]  # those March counts, oldest first
    mentions: list[Mention]  # those March counts, oldest first


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=AMSTERDAM)


def a_case(person: User, source, *, said: datetime, category: str = "complaint", **fields) -> Case:
    name, email, phone = COMPLAINANT
    case = CaseFactory(
        organisation=person.organisation,
        created_by=person,
        assignee=person,
        complainant_name=name,
        contact_email=email,
        contact_phone=phone,
        reported_at=said,
        first_seen_at=said + timedelta(minutes=12),
        created_at=said + timedelta(minutes=20),
        **fields,
    )
    mention = MentionFactory(
        source=source,
        organisation=person.organisation,
        author=name,
        snippet=f"Mail me at {email} or call {phone}",
        category=category,
        status=Mention.Status.IN_CASE,
        published_at=said,
        fetched_at=said + timedelta(minutes=12),
    )
    CaseMention.objects.create(case=case, mention=mention, added_by=person)
    return case


@pytest.fixture
def march(manager, staff_member) -> Month:
    """Three cases in March: answered in 40 minutes within the target (resolved, closed, reopened once, a
    removal request and an improvement); answered in 150 minutes, late, with a title a spreadsheet would run;
    not answered yet. And a praise mention of its own."""
    source = SourceFactory(organisation=manager.organisation, name="Ouderforum")
    first = a_case(
        staff_member,
        source,
        said=at(3, 19),
        title="Geen badmeester bij vrij zwemmen",
        status=Case.Status.CLOSED,
        first_response_at=at(3, 19, 40),
        first_response_due_at=at(3, 20),
        first_response_took=timedelta(minutes=40),
        resolution_due_at=at(6, 19),
        resolved_at=at(4, 19),
        resolution_took=timedelta(hours=4, minutes=30),
        closed_at=at(5, 10),
        resolution_kind=Case.ResolutionKind.APOLOGY,
        satisfaction_asked=True,
        satisfaction=Case.Satisfaction.SATISFIED,
        public_followup_url="https://forum.example.org/t/1#reply",
        tags="badmeester, rooster",
    )
    CaseEvent.objects.create(case=first, actor=staff_member, action="reopened", from_value="closed")
    RemovalRequest.objects.create(case=first, reason="abuse", platform="Forum", requested_by=manager)
    ImprovementAction.objects.create(case=first, description="Rooster online", owner=manager)
    second = a_case(
        staff_member,
        source,
        said=at(10, 18, 30),
        title='=HYPERLINK("https://evil.example","klik")',
        status=Case.Status.PRIVATE,
        first_response_at=at(10, 21),
        first_response_due_at=at(10, 19, 30),
        first_response_took=timedelta(minutes=150),
        resolution_due_at=at(13, 18, 30),
    )
    third = a_case(manager, source, said=at(20, 20), title="+31 belt niemand terug", first_response_due_at=at(20, 21))
    praise = MentionFactory(
        source=source, category="praise", published_at=at(25, 12), fetched_at=at(25, 12) + timedelta(minutes=3)
    )
    a_case(staff_member, source, said=at(27, 19, month=2), title="In februari")
    outsider = UserFactory(username="oscar-outsider", role="manager", organisation=OrganisationFactory(name="OUTSIDER"))
    a_case(outsider, SourceFactory(organisation=outsider.organisation), said=at(12, 19), title="OUTSIDER klacht")
    mentions = [*(case.links.get().mention for case in (first, second, third)), praise]
    return Month(cases=[first, second, third], mentions=mentions)
