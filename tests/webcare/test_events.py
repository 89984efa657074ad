"""Domain events: every audited change is told to its subscribers, inside its transaction or once committed."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict

import pytest
from django.db import transaction

from inbox.cases import replies
from inbox.cases import services as case_services
from inbox.cases.models import CaseEvent
from inbox.triage import services as triage_services
from tests.factories import MentionFactory, SourceFactory
from webcare import events
from webcare.events import COMMITTED, NOW, DomainEvent, publish, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(organisation):
    return SourceFactory(organisation=organisation)


@pytest.fixture
def mention(source):
    return MentionFactory(source=source)


@pytest.fixture
def heard(monkeypatch):
    """Subscribers of this test only: the registry is put back afterwards."""
    kept = {
        when: defaultdict(list, {name: list(found) for name, found in by_name.items()})
        for when, by_name in events._handlers.items()
    }
    monkeypatch.setattr(events, "_handlers", kept)
    told: list[tuple[str, DomainEvent]] = []
    subscribe("*", when=NOW)(lambda event: told.append((NOW, event)))
    subscribe("*", when=COMMITTED)(lambda event: told.append((COMMITTED, event)))
    return told


def test_a_change_is_told_as_an_event_named_after_its_app_and_action(heard, staff_member, mention, source):
    with transaction.atomic():
        triage_services.mention_categorise(actor=staff_member, mention_id=mention.id, category="complaint")
        assert [(when, event.name) for when, event in heard] == [(NOW, "triage.categorise")]
    event = heard[0][1]
    assert (event.organisation_id, event.actor_id, event.subject) == (
        mention.organisation_id,
        staff_member.id,
        f"mention:{mention.id}",
    )
    assert event.data["url"] == f"/inbox/m/{mention.id}/"


def test_committed_subscribers_wait_for_the_commit_and_never_hear_of_a_rollback(
    heard, staff_member, source, django_capture_on_commit_callbacks
):
    mention = MentionFactory(source=source)
    with django_capture_on_commit_callbacks(execute=True):
        triage_services.mention_categorise(actor=staff_member, mention_id=mention.id, category="praise")
    assert [when for when, _event in heard] == [NOW, COMMITTED]

    heard.clear()
    other = MentionFactory(source=source)
    with django_capture_on_commit_callbacks(execute=True) as waiting:
        try:
            with transaction.atomic():
                triage_services.mention_categorise(actor=staff_member, mention_id=other.id, category="praise")
                raise RuntimeError("the change fails after its audit row")
        except RuntimeError:
            pass
    assert waiting == []  # nothing to run: the rolled-back change is never told as committed
    other.refresh_from_db()
    assert other.category == ""


def test_a_failing_committed_subscriber_is_logged_and_keeps_the_change(
    heard, caplog, django_capture_on_commit_callbacks
):
    def broken(event: DomainEvent) -> None:
        raise ValueError("broken subscriber")

    subscribe("tests.thing", when=COMMITTED)(broken)
    with caplog.at_level(logging.ERROR, logger="webcare.events"), django_capture_on_commit_callbacks(execute=True):
        publish(DomainEvent(name="tests.thing", organisation_id=None, actor_id=None, subject="thing:1"))
    assert "A subscriber to tests.thing failed" in caplog.text
    assert [event.name for _when, event in heard] == ["tests.thing", "tests.thing"]


def test_subscribing_twice_runs_once(heard):
    calls: list[str] = []

    def once(event: DomainEvent) -> None:
        calls.append(event.name)

    subscribe("tests.once", when=NOW)(once)
    subscribe("tests.once", when=NOW)(once)
    publish(DomainEvent(name="tests.once", organisation_id=None, actor_id=None, subject="thing:1"))
    assert calls == ["tests.once"]


def test_the_case_history_holds_no_contact_details_and_no_reply_text(staff_member, mention):
    case = triage_services.case_open(actor=staff_member, mention_id=mention.id)
    case_services.case_update(
        actor=staff_member,
        case_id=case.id,
        version=case.version,
        complainant_name="Jan Jansen",
        contact_email="jan@example.nl",
        contact_phone="0612345678",
    )
    replies.reply_save(
        actor=staff_member,
        case_id=case.id,
        channel="email",
        text="Beste Jan, bel 0612345678",
        submission_key=uuid.uuid4(),
    )
    rows = list(CaseEvent.objects.filter(case=case).values_list("action", "from_value", "to_value", "note"))
    changed = {"set_complainant_name", "set_contact_email", "set_contact_phone", "reply_posted"}
    assert {action for action, *_ in rows} >= changed
    for row in rows:
        assert not any(secret in " ".join(row) for secret in ("Jan", "jan@example.nl", "0612345678")), row
