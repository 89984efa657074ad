"""The nightly retention run: what passed its period loses the person, everything the figures need stays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from inbox.cases.models import Case, CaseEvent, Reply
from inbox.cases.services import case_note_add
from inbox.privacy import anonymise, tasks
from inbox.privacy.anonymise import retention_apply
from inbox.privacy.models import PrivacyEvent, PrivacyPolicy
from inbox.triage.models import MentionEvent
from inbox.triage.services import case_open, mention_note_add
from monitoring.models import Mention, Sighting
from tests.factories import MentionFactory, ReplyFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def said(moment):
    return {"published_at": moment, "fetched_at": moment}


def mention(source, moment, **values):
    return MentionFactory(source=source, author="@jan", **said(moment), **values)


def figures(case: Case) -> tuple:
    """What the reports read of a case."""
    return (
        case.status,
        case.created_at,
        case.reported_at,
        case.first_response_at,
        case.first_response_took,
        case.resolution_took,
        case.resolved_at,
        case.closed_at,
        case.resolution_kind,
        case.satisfaction,
        case.satisfaction_asked,
        case.public_followup_url,
        case.complainer_type,
        case.priority,
        case.assignee_id,
    )


def test_a_mention_past_its_period_loses_its_author_text_and_links(source):
    old = mention(source, NOW - relativedelta(months=12) - timedelta(minutes=1), content_html="<p>Jan here</p>")
    Sighting.objects.create(mention=old, source=source, external_id="tag:jan-1", url=old.url, seen_at=NOW)

    more = retention_apply(now=NOW)

    old.refresh_from_db()
    assert not more
    assert old.anonymised_at == NOW
    assert old.author.startswith("Klager ")
    assert "jan" not in old.author.lower()
    assert (old.title, old.snippet, old.content_html, old.url) == ("", "", "", "")
    assert old.canonical_url.startswith("forgotten:")
    sighting = old.sightings.get()
    assert sighting.url == ""
    assert sighting.external_id.startswith("forgotten:")
    # What the figures need stays.
    assert (old.source_id, old.published_at, old.status) == (
        source.id,
        NOW - relativedelta(months=12) - timedelta(minutes=1),
        "new",
    )


def test_a_mention_inside_its_period_is_kept_as_it_is(source):
    young = mention(source, NOW - relativedelta(months=12) + timedelta(minutes=1))

    retention_apply(now=NOW)

    young.refresh_from_db()
    assert young.anonymised_at is None
    assert young.author == "@jan"
    assert young.title.startswith("Mention number")


def test_the_organisations_own_period_counts(source, organisation):
    PrivacyPolicy.objects.create(organisation=organisation, mention_months=3)
    four_months = mention(source, NOW - relativedelta(months=4))
    two_months = mention(source, NOW - relativedelta(months=2))

    retention_apply(now=NOW)

    assert Mention.objects.get(id=four_months.id).anonymised_at == NOW
    assert Mention.objects.get(id=two_months.id).anonymised_at is None


def test_the_same_author_gets_the_same_pseudonym_and_another_author_another(source):
    first = mention(source, NOW - relativedelta(months=13))
    second = mention(source, NOW - relativedelta(months=14))
    other = MentionFactory(source=source, author="@piet", **said(NOW - relativedelta(months=13)))

    retention_apply(now=NOW)

    first, second, other = (Mention.objects.get(id=m.id) for m in (first, second, other))
    assert first.author == second.author != other.author


def test_a_mention_that_became_a_case_waits_for_the_case(source, staff_member):
    old = mention(source, NOW - relativedelta(months=30))
    case = case_open(actor=staff_member, mention_id=old.id)

    retention_apply(now=NOW)

    assert Mention.objects.get(id=old.id).anonymised_at is None
    assert Case.objects.get(id=case.id).anonymised_at is None  # still open


def test_a_case_closed_longer_ago_than_its_period_loses_the_person_and_keeps_every_figure(source, staff_member):
    old = mention(source, NOW - relativedelta(months=30), title="Jan writes about the pool")
    mention_note_add(actor=staff_member, mention_id=old.id, text="Jan called about the pool")
    case = case_open(actor=staff_member, mention_id=old.id, title="Jan de Vries about the pool")
    case_note_add(actor=staff_member, case_id=case.id, text="Jan lives at Dorpsstraat 1")
    ReplyFactory(case=case, text="Dear Jan, we are sorry", author=staff_member)
    Case.objects.filter(id=case.id).update(
        complainant_name="Jan de Vries",
        contact_email="jan@example.nl",
        contact_phone="06-12345678",
        status=Case.Status.CLOSED,
        resolution_kind="solved",
        resolution_agreed="A free lesson for Jan",
        satisfaction_asked=True,
        satisfaction="satisfied",
        first_response_at=NOW - relativedelta(months=30),
        first_response_took=timedelta(minutes=35),
        resolution_took=timedelta(hours=5),
        resolved_at=NOW - relativedelta(months=29),
        closed_at=NOW - relativedelta(months=24) - timedelta(days=1),
        public_followup_url="https://forum.example.org/t/1#reply",
    )
    before = figures(Case.objects.get(id=case.id))

    retention_apply(now=NOW)

    case = Case.objects.get(id=case.id)
    assert figures(case) == before
    assert case.anonymised_at == NOW
    assert case.complainant_name.startswith("Klager ")
    assert case.title == case.complainant_name
    assert (case.contact_email, case.contact_phone, case.resolution_agreed) == ("", "", "")
    assert not CaseEvent.objects.filter(case=case).exclude(note="").exists()
    for row in CaseEvent.objects.filter(case=case).values_list("from_value", "to_value", "note"):
        assert "Jan" not in "".join(row)
    assert list(Reply.objects.filter(case=case).values_list("text", flat=True)) == [""]
    assert Mention.objects.get(id=old.id).anonymised_at == NOW
    for row in MentionEvent.objects.filter(mention=old).values_list("from_value", "to_value", "note"):
        assert "Jan" not in "".join(row)


def test_a_case_closed_inside_its_period_is_kept(source, staff_member):
    case = case_open(actor=staff_member, mention_id=mention(source, NOW - relativedelta(months=30)).id)
    Case.objects.filter(id=case.id).update(
        status=Case.Status.CLOSED, closed_at=NOW - relativedelta(months=24) + timedelta(days=1), contact_email="a@b.nl"
    )

    retention_apply(now=NOW)

    assert Case.objects.get(id=case.id).contact_email == "a@b.nl"


def test_running_it_again_changes_nothing_and_says_so(source):
    old = mention(source, NOW - relativedelta(months=13))
    retention_apply(now=NOW)
    after_first = Mention.objects.values().get(id=old.id)

    retention_apply(now=NOW + timedelta(days=1))

    assert Mention.objects.values().get(id=old.id) == after_first
    runs = list(PrivacyEvent.objects.filter(action=PrivacyEvent.Action.RETENTION).order_by("id"))
    assert [run.counts.get("mentions", 0) for run in runs] == [1, 0]
    assert all(run.actor is None for run in runs)


def test_a_run_out_of_time_stops_between_batches_and_the_next_run_finishes(source, monkeypatch):
    monkeypatch.setattr(anonymise, "MENTION_BATCH", 2)
    for day in range(5):
        mention(source, NOW - relativedelta(months=13) - timedelta(days=day), url=f"https://x.example/{day}")

    assert retention_apply(now=NOW, seconds=0) is True  # no time at all: stops before a batch
    assert Mention.objects.filter(anonymised_at__isnull=False).count() == 0
    assert retention_apply(now=NOW) is False
    assert Mention.objects.filter(anonymised_at__isnull=True).count() == 0


def test_the_task_queues_another_run_when_one_ran_out_of_time(source, monkeypatch, eager_tasks):
    calls = []
    monkeypatch.setattr(anonymise, "retention_apply", lambda: calls.append(1) or len(calls) < 3)

    tasks.retention_apply.delay()

    assert len(calls) == 3
