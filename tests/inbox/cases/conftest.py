"""The cases' test world: a complaint said at a known time, its case, and the people around it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from inbox.cases import learning as learning
from inbox.cases import replies as replies
from inbox.cases import services as case_services
from inbox.cases.models import Case, CaseEvent, Reply
from inbox.triage import services as triage_services
from monitoring.models import Mention
from tests.factories import MentionFactory, UserFactory

SAID_AT = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
FOUND_AT = SAID_AT + timedelta(minutes=12)


@pytest.fixture
def in_english() -> Iterator[None]:
    """Messages are matched in English; the Dutch ones are the translations' business."""
    with translation.override("en"):
        yield


@pytest.fixture
def mention(source) -> Mention:
    return MentionFactory(
        source=source,
        author="Karin de Vries",
        title="Weer geen badmeester bij het vrij zwemmen #fail",
        category=Mention.Category.COMPLAINT,
        published_at=SAID_AT,
        fetched_at=FOUND_AT,
    )


@pytest.fixture
def case(staff_member, mention) -> Case:
    return triage_services.case_open(actor=staff_member, mention_id=mention.id)


@pytest.fixture
def colleague(db) -> User:
    return UserFactory(username="kim-collega", role="staff")


@pytest.fixture
def deputy(organisation) -> User:
    person = UserFactory(username="dirk-deputy", role="staff")
    organisation.webcare_deputy = person
    organisation.save()
    return person


@pytest.fixture
def owner(organisation) -> User:
    person = UserFactory(username="olga-owner", role="staff")
    organisation.webcare_owner = person
    organisation.save()
    return person


def fresh(case: Case) -> Case:
    return Case.objects.get(id=case.id)


def status_events(case: Case) -> list[tuple[str, str, str]]:
    events = CaseEvent.objects.filter(case=case, action="status").order_by("created_at", "id")
    return [(event.actor.username, event.from_value, event.to_value) for event in events]


def public_reply(actor: User, case: Case, text: str = "Dank voor je bericht, we zoeken het uit.") -> Reply:
    return replies.reply_save(
        actor=actor, case_id=case.id, channel=Reply.Channel.PUBLIC, text=text, submission_key=uuid.uuid4()
    ).reply


def resolve(actor: User, case: Case, *, satisfaction: str = Case.Satisfaction.SATISFIED) -> Case:
    case = fresh(case)
    return case_services.case_resolve(
        actor=actor,
        case_id=case.id,
        version=case.version,
        kind=Case.ResolutionKind.APOLOGY,
        agreed="Excuses, en een gratis proefles.",
        satisfaction_asked=bool(satisfaction),
        satisfaction=satisfaction,
    )


def page(client: Client, case: Case) -> str:
    response = client.get(reverse("inbox:case-detail", args=[case.id]))
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def resolved(staff_member, case: Case) -> Case:
    return case_services.case_resolve(
        actor=staff_member, case_id=case.id, version=case.version, kind="apology", agreed="", satisfaction_asked=False,
        satisfaction="",
    )  # fmt: skip
