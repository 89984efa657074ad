"""Triage from the detail pane: HTMX gets the pane and the row back, a plain form returns to the same list."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from inbox.cases.models import Case
from inbox.triage.models import MentionEvent
from inbox.triage.services import case_open, mention_ignore
from monitoring.models import Mention
from tests.factories import MentionFactory
from tests.inbox.conftest import hx

pytestmark = pytest.mark.django_db
PANE = hx("mention-detail")


@pytest.fixture
def mention(source) -> Mention:
    return MentionFactory(source=source, title="Lekkende douche", suggested_category="complaint")


def post(client, name: str, mention: Mention, data: dict[str, str], headers: dict[str, str] | None = None):
    return client.post(reverse(name, args=[mention.id]), data, headers=headers or {})


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_htmx_gets_the_pane_the_row_out_of_band_and_an_event(client_for, staff_member, mention):
    response = post(
        client_for(staff_member), "inbox:mention-categorise", mention, {"category": "question", "version": "0"}, PANE
    )

    assert response.status_code == 200
    body = response.content.decode().lstrip()
    assert body.startswith('<section id="mention-detail"')
    row = body.split(f'<li id="mention-row-{mention.id}"', 1)[1].split(">", 1)[0]
    assert 'hx-swap-oob="outerHTML"' in row
    assert "status-triaged" in row
    assert json.loads(response["HX-Trigger"]) == {"mention-changed": {"id": mention.id}}
    mention.refresh_from_db()
    assert (mention.category, mention.status, mention.version) == ("question", "triaged", 1)


def test_a_plain_form_returns_to_the_mention_in_the_same_list(client_for, staff_member, mention):
    response = post(
        client_for(staff_member),
        "inbox:mention-ignore",
        mention,
        {"reason": "spam", "version": "0", "return_query": "status=new&platform=web"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:mention-detail", args=[mention.id]) + "?status=new&platform=web"
    mention.refresh_from_db()
    assert (mention.status, mention.ignore_reason) == ("ignored", "spam")
    assert len(texts(response)) == 1


def test_htmx_keeps_the_lists_filters_in_the_pane(client_for, staff_member, mention):
    response = post(
        client_for(staff_member),
        "inbox:mention-note",
        mention,
        {"text": "Monteur gebeld", "return_query": "status=new&platform=web"},
        PANE,
    )
    assert 'name="return_query" value="status=new&amp;platform=web"' in response.content.decode()


def test_a_stale_screen_is_told_who_handled_it_and_nothing_is_overwritten(client_for, staff_member, manager, mention):
    """Two people have the same mention open; the manager decides first."""
    sam, max_ = client_for(staff_member), client_for(manager)
    post(max_, "inbox:mention-categorise", mention, {"category": "praise", "version": "0"}, PANE)

    response = post(sam, "inbox:mention-ignore", mention, {"reason": "spam", "version": "0"}, PANE)

    assert response.status_code == 200
    assert "HX-Trigger" not in response
    error = response.content.decode().split('role="alert"', 1)[1].split("</p>", 1)[0]
    assert str(manager) in error
    mention.refresh_from_db()
    assert (mention.status, mention.category, mention.version) == ("triaged", "praise", 1)
    assert list(MentionEvent.objects.values_list("actor__username", flat=True)) == [manager.username]


def test_a_stale_plain_form_says_so_after_the_redirect(client_for, staff_member, manager, mention):
    mention_ignore(actor=manager, mention_id=mention.id, reason="duplicate")
    response = post(
        client_for(staff_member), "inbox:mention-categorise", mention, {"category": "praise", "version": "0"}
    )
    assert response.status_code == 302
    [message] = texts(response)
    assert str(manager) in message
    mention.refresh_from_db()
    assert mention.category == ""


@pytest.mark.parametrize("headers", [{}, PANE])
def test_sending_a_form_twice_makes_one_change(client_for, staff_member, mention, headers):
    client = client_for(staff_member)
    for _ in range(2):
        post(client, "inbox:mention-ignore", mention, {"reason": "spam", "version": "0"}, headers)
    assert MentionEvent.objects.filter(mention=mention).count() == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("inbox:mention-ignore", {"version": "0"}),
        ("inbox:mention-ignore", {"reason": "boring", "version": "0"}),
        ("inbox:mention-categorise", {"category": "", "version": "0"}),
        ("inbox:mention-categorise", {"category": "praise", "version": "-1"}),
        ("inbox:mention-note", {"text": "   "}),
        ("inbox:mention-assign", {"assignee": "abc", "version": "0"}),
    ],
)
def test_an_incomplete_form_changes_nothing_and_says_why(client_for, staff_member, mention, name, data):
    response = post(client_for(staff_member), name, mention, data, PANE)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "HX-Trigger" not in response
    assert MentionEvent.objects.count() == 0


def test_ignoring_a_mention_in_a_case_is_refused(client_for, staff_member, mention):
    case_open(actor=staff_member, mention_id=mention.id)
    response = post(client_for(staff_member), "inbox:mention-ignore", mention, {"reason": "spam", "version": "1"}, PANE)
    assert 'role="alert"' in response.content.decode()
    mention.refresh_from_db()
    assert mention.status == "in_case"


def test_restore_takes_an_ignored_mention_back(client_for, staff_member, mention):
    mention_ignore(actor=staff_member, mention_id=mention.id, reason="spam")
    post(client_for(staff_member), "inbox:mention-restore", mention, {"version": "1"}, PANE)
    mention.refresh_from_db()
    assert (mention.status, mention.ignore_reason) == ("triaged", "")


def test_assigning_to_a_colleague_and_back_to_nobody(client_for, staff_member, manager, mention):
    client = client_for(staff_member)
    post(client, "inbox:mention-assign", mention, {"assignee": str(manager.id), "version": "0"}, PANE)
    mention.refresh_from_db()
    assert mention.assignee == manager
    post(client, "inbox:mention-assign", mention, {"assignee": "", "version": "1"}, PANE)
    mention.refresh_from_db()
    assert mention.assignee is None


def test_the_board_cannot_be_assigned_a_mention(client_for, staff_member, board_member, mention):
    post(client_for(staff_member), "inbox:mention-assign", mention, {"assignee": str(board_member.id)}, PANE)
    mention.refresh_from_db()
    assert mention.assignee is None
    assert MentionEvent.objects.count() == 0


def test_a_case_is_opened_or_joined(client_for, staff_member, source, mention):
    client = client_for(staff_member)
    post(client, "inbox:mention-case", mention, {"title": "Douche kapot", "version": "0"}, PANE)
    case = Case.objects.get()
    assert case.title == "Douche kapot"

    second = MentionFactory(source=source)
    post(client, "inbox:mention-case", second, {"case": str(case.id), "version": "0"}, PANE)
    assert set(case.links.values_list("mention_id", flat=True)) == {mention.id, second.id}
    assert set(Mention.objects.values_list("status", flat=True)) == {"in_case"}


# Bulk and undo ---------------------------------------------------------------------------------------------


def test_bulk_ignore_returns_to_the_same_list_and_counts(client_for, staff_member, source):
    new, triaged, in_case = MentionFactory.create_batch(3, source=source)
    case_open(actor=staff_member, mention_id=in_case.id)
    response = client_for(staff_member).post(
        reverse("inbox:mention-bulk"),
        {"ids": [new.id, triaged.id, in_case.id], "action": "ignore", "value": "spam", "return_query": "status=new"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:mention-list") + "?status=new"
    assert dict(Mention.objects.values_list("id", "status")) == {
        new.id: "ignored",
        triaged.id: "ignored",
        in_case.id: "in_case",
    }
    [message] = get_messages(response.wsgi_request)
    assert "undoable" in message.tags
    assert re.findall(r"\d+", str(message)) == ["2", "1"]  # changed, and left as it was


@pytest.mark.parametrize("ids", [[], ["abc"], ["9" * 25]])
def test_bulk_without_a_proper_selection_changes_nothing(client_for, staff_member, source, ids):
    MentionFactory(source=source)
    response = client_for(staff_member).post(
        reverse("inbox:mention-bulk"), {"ids": ids, "action": "ignore", "value": "spam"}
    )
    assert response.status_code == 302
    assert len(texts(response)) == 1
    assert MentionEvent.objects.count() == 0


def test_undo_takes_back_the_bulk_action(client_for, staff_member, source):
    mentions = MentionFactory.create_batch(3, source=source)
    client = client_for(staff_member)
    client.post(reverse("inbox:mention-bulk"), {"ids": [m.id for m in mentions], "action": "ignore", "value": "spam"})

    response = client.post(reverse("inbox:triage-undo"), {"return_query": "view=all"})

    assert response["Location"] == reverse("inbox:mention-list") + "?view=all"
    assert set(Mention.objects.values_list("status", flat=True)) == {"new"}


def test_undo_with_nothing_to_undo_says_so(client_for, staff_member):
    response = client_for(staff_member).post(reverse("inbox:triage-undo"))
    assert response.status_code == 302
    assert len(texts(response)) == 1


def test_triage_from_a_searched_list_returns_the_row_as_the_list_shows_it(client_for, staff_member, mention):
    response = post(
        client_for(staff_member),
        "inbox:mention-categorise",
        mention,
        {"category": "complaint", "version": "0", "return_query": "q=douche&view=all"},
        PANE,
    )
    assert response.status_code == 200
    assert f'<li id="mention-row-{mention.id}"' in response.content.decode()
    assert 'name="return_query" value="q=douche&amp;view=all"' in response.content.decode()


# Ids sent with a form ------------------------------------------------------------------------------------


@pytest.mark.parametrize("case_id", ["theirs", "999999", "9" * 25, "abc", "²"])
def test_adding_to_an_unknown_case_is_a_clear_error(client_for, staff_member, source, mention, case_id):
    from tests.factories import MentionFactory as Mentions
    from tests.factories import OrganisationFactory, SourceFactory, UserFactory

    elders = OrganisationFactory(name="Elders")
    elsewhere = Mentions(source=SourceFactory(organisation=elders))
    outsider = UserFactory(username="elders-staff", role="staff", organisation=elders)
    theirs = case_open(actor=outsider, mention_id=elsewhere.id)
    sent = str(theirs.id) if case_id == "theirs" else case_id
    response = post(client_for(staff_member), "inbox:mention-case", mention, {"case": sent, "version": "0"}, PANE)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    mention.refresh_from_db()
    assert mention.status == "new"
    assert theirs.links.count() == 1


@pytest.mark.parametrize("value", ["9" * 25, "²", "abc"])
def test_bulk_assigning_to_an_unknown_person_is_a_clear_error(client_for, staff_member, source, value):
    mention = MentionFactory(source=source)
    response = client_for(staff_member).post(
        reverse("inbox:mention-bulk"), {"ids": [mention.id], "action": "assign", "value": value}
    )
    assert response.status_code == 302
    assert len(texts(response)) == 1
    mention.refresh_from_db()
    assert mention.assignee_id is None
