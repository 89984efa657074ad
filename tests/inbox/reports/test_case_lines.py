"""The report counts cases from their lines, which the database keeps: whatever writes a case or its links, the
lines are what the case and its links say at that moment, and a case's marks are what its conditions say."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from inbox.cases.models import MARK_BITS, MARKS, Case, CaseMention, ImprovementAction, RemovalRequest
from inbox.reports.models import LINE_MARK_BITS, CaseLine
from monitoring.models import Mention
from tests.factories import CaseFactory, MentionFactory, UserFactory
from tests.inbox.reports.conftest import ReportWorld

LINE = (
    "case_id",
    "link_id",
    "organisation_id",
    "reported_at",
    "assignee_id",
    "complainer_type",
    "status",
    "marks",
    "first_response_at",
    "first_response_took",
    "resolved_at",
    "waiting_since",
    "platform",
    "source_id",
    "category",
    "first_of_case",
    "first_platform",
    "first_source",
    "first_category",
    "places",
)


def _line_marks(case: Case) -> int:
    """The bits a case's lines add to its marks, from its removal requests and improvements."""
    requests = set(RemovalRequest.objects.filter(case=case).values_list("outcome", flat=True))
    bits = LINE_MARK_BITS["removal_requested"] if requests else 0
    bits += sum(LINE_MARK_BITS[f"removal_{outcome}"] for outcome in requests)
    done = ImprovementAction.objects.filter(case=case, state=ImprovementAction.State.DONE).exists()
    return bits + (LINE_MARK_BITS["improvement_done"] if done else 0)


def _expected() -> set[tuple[Any, ...]]:
    """The lines as the cases and their links say they are now (worked out in Python, not by the database's
    triggers)."""
    found = set()
    for case in Case.objects.all():
        common = {
            "case_id": case.id,
            "organisation_id": case.organisation_id,
            "reported_at": case.reported_at,
            "assignee_id": case.assignee_id,
            "complainer_type": case.complainer_type,
            "status": case.status,
            "marks": case.marks + _line_marks(case),
            "first_response_at": case.first_response_at,
            "first_response_took": case.first_response_took,
            "resolved_at": case.resolved_at,
            "waiting_since": case.waiting_since,
        }
        links = list(CaseMention.objects.filter(case=case).order_by("id"))
        places = {f"p:{link.platform}" for link in links} | {f"c:{link.category}" for link in links}
        places |= {f"s:{link.source_id}" for link in links if link.source_id is not None}
        common["places"] = tuple(sorted(places))
        if not links:
            line = common | {"link_id": None, "platform": "", "source_id": None, "category": ""}
            line |= {"first_of_case": True, "first_platform": False, "first_source": False, "first_category": False}
            found.add(tuple(line[name] for name in LINE))
        for link in links:
            line = common | {"link_id": link.id, "platform": link.platform, "source_id": link.source_id}
            line |= {"category": link.category, "first_of_case": link.first_of_case}
            line |= {"first_platform": link.first_platform, "first_source": link.first_source}
            line |= {"first_category": link.first_category}
            found.add(tuple(line[name] for name in LINE))
    return found


def _kept() -> set[tuple[Any, ...]]:
    return {(*line[:-1], tuple(line[-1])) for line in CaseLine.objects.values_list(*LINE)}


@pytest.mark.django_db
def test_the_lines_follow_every_write_of_a_case_and_its_links(report_world: ReportWorld) -> None:
    assert _kept() == _expected()
    case = CaseFactory(organisation=report_world.feed.organisation, created_by=report_world.staff)
    assert CaseLine.objects.filter(case_id=case.id).count() == 1  # without mentions: one line
    assert _kept() == _expected()

    mentions = [
        MentionFactory(source=report_world.feed, platform="forum", category="complaint"),
        MentionFactory(source=report_world.forum, platform="forum", category="question"),
        MentionFactory(source=report_world.forum, platform="x", category="complaint"),
    ]
    links = [CaseMention.objects.create(case=case, mention=m, added_by=report_world.staff) for m in mentions]
    assert CaseLine.objects.filter(case_id=case.id).count() == 3
    assert _kept() == _expected()

    # Answered late, assigned, closed with a public follow-up; waiting; every field the report reads.
    Case.objects.filter(id=case.id).update(
        assignee=report_world.ann,
        status=Case.Status.CLOSED,
        first_response_due_at=case.reported_at + timedelta(hours=1),
        first_response_at=case.reported_at + timedelta(hours=3),
        first_response_took=timedelta(hours=3),
        public_followup_url="https://forum.example.org/t/1#opgelost",
        complainer_type=Case.ComplainerType.ANGRY,
    )
    case.refresh_from_db()
    late = MARK_BITS["first_response_late"] | MARK_BITS["closed"] | MARK_BITS["followed_up"]
    assert set(CaseLine.objects.filter(case_id=case.id).values_list("marks", flat=True)) == {case.marks}
    assert case.marks & late == late
    assert _kept() == _expected()

    # Triage changes a mention's category; a link moves to another case; a link goes.
    mentions[0].category = Mention.Category.PRAISE
    mentions[0].save()
    CaseMention.recategorise(mentions[0])
    other = CaseFactory(organisation=report_world.feed.organisation, created_by=report_world.staff)
    CaseMention.objects.filter(id=links[2].id).update(case=other)
    assert _kept() == _expected()
    CaseMention.objects.filter(id=links[1].id).delete()
    assert CaseLine.objects.filter(case_id=case.id).count() == 1
    assert _kept() == _expected()

    # A removal request and its outcome, an improvement done: the lines' own marks.
    request = RemovalRequest.objects.create(
        case=case, reason="abuse", platform="X", requested_by=report_world.staff, outcome="pending"
    )
    assert _kept() == _expected()
    RemovalRequest.objects.filter(id=request.id).update(outcome="removed")
    improvement = ImprovementAction.objects.create(case=case, description="Rooster online", owner=report_world.staff)
    ImprovementAction.objects.filter(id=improvement.id).update(state=ImprovementAction.State.DONE)
    removed = LINE_MARK_BITS["removal_requested"] | LINE_MARK_BITS["removal_removed"]
    assert CaseLine.objects.get(case_id=case.id).marks & removed == removed
    assert CaseLine.objects.get(case_id=case.id).marks & LINE_MARK_BITS["improvement_done"]
    assert _kept() == _expected()
    RemovalRequest.objects.filter(id=request.id).delete()
    assert _kept() == _expected()


@pytest.mark.django_db
def test_a_cases_marks_are_what_its_conditions_say(report_world: ReportWorld) -> None:
    cases = Case.objects.all()
    assert cases.count() >= 8
    for name, condition in MARKS.items():
        meeting = set(cases.filter(condition).values_list("id", flat=True))
        marked = {case.id for case in cases if case.marks & MARK_BITS[name]}
        assert marked == meeting, name
    # The world has cases with and without most marks: the comparison above says something.
    assert sum(1 for name in MARKS if cases.filter(MARKS[name]).exists()) >= 8
    assert cases.filter(~Q(marks=0)).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once: PostgreSQL (SQLite has one)")
def test_a_link_written_while_its_case_changes_counts_the_case_as_changed() -> None:
    """Two people at once: one closes a case, another adds a mention to it. The mention's line waits for the
    closing and is counted as closed, not as the case was before."""
    person = UserFactory()
    case = CaseFactory(organisation=person.organisation, created_by=person)
    mention = MentionFactory(organisation=person.organisation)
    closing, added = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def close() -> None:
        try:
            with transaction.atomic():
                Case.objects.filter(id=case.id).update(status=Case.Status.CLOSED, closed_at=timezone.now())
                closing.set()
                added.wait(timeout=0.5)  # the other waits for this transaction: it cannot add before the end
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)
        finally:
            closing.set()
            connections.close_all()

    closer = threading.Thread(target=close)
    closer.start()
    assert closing.wait(timeout=10)
    CaseMention.objects.create(case=case, mention=mention, added_by=person)
    added.set()
    closer.join(timeout=10)
    assert not failures
    assert list(CaseLine.objects.filter(case_id=case.id).values_list("status", "link_id")) == [
        (Case.Status.CLOSED, CaseMention.objects.get(mention=mention).id)
    ]
