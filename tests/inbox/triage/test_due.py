"""The "due soon" list and the inbox's open complaints: when their answer is due and where they stand, late ones
first, scoped to the reader's organisation; the time our sources took to find a complaint shown beside it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from inbox.triage import services as triage_services
from monitoring.models import Mention
from tests.factories import MentionFactory, OrganisationFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
DUE = reverse("inbox:due")
INBOX = reverse("inbox:mention-list")
NOW = "2026-03-09 11:20"  # a Monday


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


@pytest.fixture
def reader(staff_member):
    staff_member.language = "en"
    staff_member.save()
    return staff_member


def complaint(source, published: str, *, found_after: int = 0, **fields) -> Mention:
    moment = at(published)
    fields.setdefault("category", Mention.Category.COMPLAINT)
    return MentionFactory(
        source=source, published_at=moment, fetched_at=moment + timedelta(minutes=found_after), **fields
    )


def rows(html: str) -> list[str]:
    return [
        re.sub(r"^#\d+ ", "", title) for title in re.findall(r'<a href="/inbox/(?:cases|m)/\d+/">([^<]*)</a>', html)
    ]


def test_late_first_then_nearly_late_then_the_rest_cases_and_complaints_together(client_for, reader, source):
    with time_machine.travel(at("2026-03-09 09:00"), tick=False):
        late_case = triage_services.case_open(
            actor=reader, mention_id=complaint(source, "2026-03-09 09:00").id, title="Late case"
        )
    complaint(source, "2026-03-09 10:30", title="Nearly late complaint")  # due 11:30, at risk from 11:15
    complaint(source, "2026-03-09 09:50", title="Late complaint")  # due 10:50
    on_track = complaint(source, "2026-03-09 11:10", title="Fresh complaint")
    with time_machine.travel(at("2026-03-09 11:12"), tick=False):
        triage_services.case_open(actor=reader, mention_id=on_track.id, title="Fresh case")
    complaint(source, "2026-03-09 11:00", title="A question", category=Mention.Category.QUESTION)
    complaint(source, "2026-03-09 08:00", title="Put aside", status=Mention.Status.IGNORED)
    with time_machine.travel(at(NOW), tick=False):
        response = client_for(reader).get(DUE)
    assert response.status_code == 200
    assert rows(response.text) == ["Late case", "Late complaint", "Nearly late complaint", "Fresh case"]
    body = response.text
    assert body.index("Late</span>") < body.index("Nearly late</span>") < body.index("On track</span>")
    assert reverse("inbox:case-detail", args=[late_case.id]) in body


def test_another_organisations_cases_and_complaints_never_show(client_for, reader, source):
    theirs = OrganisationFactory(name="OUTSIDER Buren")
    outsider = UserFactory(role="staff", organisation=theirs)
    their_source = SourceFactory(organisation=theirs)
    complaint(their_source, "2026-03-09 09:00", title="OUTSIDER complaint")
    with time_machine.travel(at("2026-03-09 09:05"), tick=False):
        triage_services.case_open(
            actor=outsider, mention_id=complaint(their_source, "2026-03-09 09:01").id, title="OUTSIDER case"
        )
    complaint(source, "2026-03-09 10:00", title="Ours")
    with time_machine.travel(at(NOW), tick=False):
        body = client_for(reader).get(DUE).text
    assert "OUTSIDER" not in body
    assert rows(body) == ["Ours"]


def test_somebody_without_a_role_may_not_see_it_and_nothing_due_says_so(client_for, no_role_user, reader):
    assert client_for(no_role_user).get(DUE).status_code == 403
    assert "Nothing is due" in client_for(reader).get(DUE).text
    assert client_for(reader).post(DUE).status_code == 405


def test_the_list_costs_the_same_few_queries_however_many_are_due(
    client_for, reader, source, django_assert_max_num_queries
):
    for n in range(30):
        complaint(source, f"2026-03-0{n % 5 + 2} 10:{n:02d}", title=f"Complaint {n}")
    client = client_for(reader)
    with time_machine.travel(at(NOW), tick=False):
        client.get(DUE)  # the organisation's targets and who answers today are kept in the cache
        with django_assert_max_num_queries(5):  # session, user, organisation (the banner), cases, mentions
            response = client.get(DUE)
    assert len(rows(response.text)) == 30


def test_an_open_complaint_in_the_inbox_shows_its_answer_time_state_and_polling_delay(client_for, reader, source):
    complaint(source, "2026-03-09 10:30", found_after=12, title="Weer geen badmeester")
    complaint(source, "2026-03-09 10:40", title="Mooie les", category=Mention.Category.PRAISE)
    with time_machine.travel(at(NOW), tick=False):
        body = client_for(reader).get(INBOX).text
    row = body[body.index("Weer geen badmeester") - 2000 : body.index("Weer geen badmeester") + 2000]
    assert '<span class="sla sla-at_risk">Nearly late</span> answer by Mon 11:30' in row
    assert "found 12\xa0minutes after publication" in row
    praise = body[body.index("Mooie les") : body.index("Mooie les") + 1500]
    assert "answer by" not in praise.split("</li>")[0]


def test_an_open_complaint_shows_its_answer_time_on_its_own_page_too(client_for, reader, source):
    open_one = complaint(source, "2026-03-09 10:30", found_after=12, title="Weer geen badmeester")
    praise = complaint(source, "2026-03-09 10:40", title="Mooie les", category=Mention.Category.PRAISE)
    with time_machine.travel(at(NOW), tick=False):
        detail = client_for(reader).get(reverse("inbox:mention-detail", args=[open_one.id])).text
        other = client_for(reader).get(reverse("inbox:mention-detail", args=[praise.id])).text
    pane = detail[detail.index('class="mention-due"') :]
    assert '<span class="sla sla-at_risk">Nearly late</span> answer by Mon 11:30' in pane.split("</dd>")[0]
    assert 'class="mention-due"' not in other


def test_a_suggested_complaint_counts_until_somebody_says_otherwise(client_for, reader, source):
    complaint(source, "2026-03-09 09:00", title="Klacht?", category="", suggested_category="complaint")
    with time_machine.travel(at(NOW), tick=False):
        body = client_for(reader).get(INBOX).text
    assert '<span class="sla sla-breached">Late</span> answer by Mon 10:00' in body


def test_complaint_rows_cost_no_extra_queries_once_the_targets_are_kept(
    client_for, reader, source, django_assert_max_num_queries
):
    for n in range(55):
        complaint(source, "2026-03-09 09:00", title=f"Klacht {n}")
    client = client_for(reader)
    client.get(INBOX)
    with django_assert_max_num_queries(6):
        response = client.get(INBOX)
    assert response.text.count("answer by") == 50
