"""A person's rights, for the board: find them, export everything stored about them, erase them."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from inbox.cases.learning import removal_request_add
from inbox.cases.models import Case, CaseEvent
from inbox.cases.services import case_note_add
from inbox.privacy.models import PrivacyEvent
from inbox.triage.models import MentionEvent
from inbox.triage.services import case_open, mention_note_add
from monitoring.models import ForgottenPerson, Mention, Sighting
from tests.factories import CaseFactory, MentionFactory, ReplyFactory, SourceFactory

pytestmark = pytest.mark.django_db

PEOPLE = reverse("inbox:privacy-people")
EXPORT = reverse("inbox:privacy-export")
ERASE = reverse("inbox:privacy-erase")


@pytest.fixture
def jan(organisation, staff_member):
    """Jan, seen by three sources (one post found by two of them), with two cases: one from a post, one from a
    phone call. Every field that can hold him holds a marker of its own."""
    forum, alerts, reviews = (
        SourceFactory(organisation=organisation, name=name) for name in ("Forum", "Alerts", "Reviews")
    )
    post = MentionFactory(
        source=forum,
        author="@jan",
        title="TITLE-1 about the pool",
        snippet="SNIPPET-1",
        content_html="<p>CONTENT-1</p>",
        url="https://forum.example.org/jan/URL-1",
    )
    Sighting.objects.create(mention=post, source=forum, external_id="forum-1", url=post.url, seen_at=post.fetched_at)
    Sighting.objects.create(
        mention=post, source=alerts, external_id="alerts-1", url=post.url + "?ALERTS", seen_at=post.fetched_at
    )
    review = MentionFactory(
        source=reviews, author="@Jan", title="TITLE-2", snippet="SNIPPET-2", url="https://reviews.example.org/URL-2"
    )
    mention_note_add(actor=staff_member, mention_id=post.id, text="MENTION-NOTE")
    from_post = case_open(actor=staff_member, mention_id=post.id, title="CASE-TITLE-1")
    case_note_add(actor=staff_member, case_id=from_post.id, text="CASE-NOTE")
    ReplyFactory(case=from_post, text="REPLY-TEXT", author=staff_member)
    removal_request_add(actor=staff_member, case_id=from_post.id, reason="abuse", platform="Forum", note="REMOVAL-NOTE")
    Case.objects.filter(id=from_post.id).update(
        contact_email="jan@example.nl",
        contact_phone="06-1234 5678",
        resolution_agreed="AGREED",
        public_followup_skipped_because="SKIPPED",
    )
    by_phone = CaseFactory(
        organisation=organisation,
        created_by=staff_member,
        title="CASE-TITLE-2",
        complainant_name="Jan de Vries",
        contact_phone="+31 6 1234 5678",
    )
    return {"post": post, "review": review, "cases": [from_post, by_phone]}


@pytest.fixture
def piet(organisation):
    return MentionFactory(source=SourceFactory(organisation=organisation), author="@piet", title="PIET")


def test_the_board_finds_a_person_by_handle_name_address_or_phone(client_for, board_member, jan):
    board = client_for(board_member)

    for query, shown in (
        ("jan", "@jan"),
        ("De Vries", "Jan de Vries"),
        ("jan@example", "jan@example.nl"),
        ("12345678", "06-1234 5678"),
    ):
        page = board.get(PEOPLE, {"q": query})
        assert page.status_code == 200
        assert shown in page.content.decode(), query


def test_only_the_board_may_look_for_a_person(client_for, staff_member, manager, jan):
    for person in (staff_member, manager):
        assert client_for(person).get(PEOPLE, {"q": "jan"}).status_code == 403
        assert client_for(person).post(EXPORT, {"who": ["author:@jan"]}).status_code == 403
        assert client_for(person).post(ERASE, {"who": ["author:@jan"], "confirm": "yes"}).status_code == 403
    assert Mention.objects.filter(anonymised_at__isnull=False).count() == 0


def test_the_export_holds_every_field_that_holds_the_person(client_for, board_member, jan):
    response = client_for(board_member).post(
        EXPORT, {"who": ["author:@jan", "name:Jan de Vries", "email:jan@example.nl"], "format": "json"}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.content)
    text = json.dumps(document)
    for marker in (
        "@jan",
        "@Jan",
        "TITLE-1",
        "SNIPPET-1",
        "CONTENT-1",
        "URL-1",
        "?ALERTS",
        "TITLE-2",
        "SNIPPET-2",
        "URL-2",
        "MENTION-NOTE",
        "CASE-TITLE-1",
        "CASE-NOTE",
        "REPLY-TEXT",
        "REMOVAL-NOTE",
        "jan@example.nl",
        "06-1234 5678",
        "AGREED",
        "SKIPPED",
        "CASE-TITLE-2",
        "Jan de Vries",
        "+31 6 1234 5678",
    ):
        assert marker in text, marker
    assert {m["id"] for m in document["mentions"]} == {jan["post"].id, jan["review"].id}
    assert {c["id"] for c in document["cases"]} == {case.id for case in jan["cases"]}
    assert sorted(document["mentions"][0]["sources"] + document["mentions"][1]["sources"]) == [
        "Alerts",
        "Forum",
        "Reviews",
    ]
    # The export is audited, without the person.
    row = PrivacyEvent.objects.get(action=PrivacyEvent.Action.EXPORTED)
    assert row.counts == {"mentions": 2, "cases": 2}
    assert "jan" not in json.dumps(row.counts).lower() + row.from_value + row.to_value


def test_the_readable_export_is_a_page_with_the_same_contents(client_for, board_member, jan):
    response = client_for(board_member).post(EXPORT, {"who": ["author:@jan"], "format": "html"})

    body = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    for marker in ("TITLE-1", "CONTENT-1", "MENTION-NOTE", "REPLY-TEXT", "jan@example.nl"):
        assert marker in body, marker


def test_erasing_asks_first_and_changes_nothing_until_confirmed(client_for, board_member, jan):
    page = client_for(board_member).post(ERASE, {"who": ["author:@jan"], "q": "jan"})

    assert page.status_code == 200
    assert 'name="confirm"' in page.content.decode()
    assert not Mention.objects.filter(anonymised_at__isnull=False).exists()
    assert not ForgottenPerson.objects.exists()


def test_erasing_a_person_in_three_sources_and_two_cases_keeps_everyone_else(client_for, board_member, jan, piet):
    response = client_for(board_member).post(
        ERASE, {"who": ["author:@jan", "name:Jan de Vries", "phone:06-1234 5678"], "confirm": "yes"}
    )

    assert response.status_code == 302
    for mention in (jan["post"], jan["review"]):
        mention.refresh_from_db()
        assert mention.anonymised_at is not None
        assert mention.author.startswith("Klager ")
        assert (mention.title, mention.snippet, mention.content_html, mention.url) == ("", "", "", "")
    assert not Sighting.objects.filter(mention=jan["post"]).exclude(url="").exists()
    for case in jan["cases"]:
        case.refresh_from_db()
        assert case.anonymised_at is not None
        assert (case.contact_email, case.contact_phone) == ("", "")
        assert "Jan" not in case.complainant_name + case.title
    assert not CaseEvent.objects.exclude(note="").exists()
    assert not MentionEvent.objects.exclude(note="").exists()
    piet.refresh_from_db()
    assert (piet.author, piet.title, piet.anonymised_at) == ("@piet", "PIET", None)
    # Nothing is left to find, and the erasure is audited with counts only.
    assert "@jan" not in client_for(board_member).get(PEOPLE, {"q": "jan"}).content.decode()
    row = PrivacyEvent.objects.get(action=PrivacyEvent.Action.ERASED)
    assert (row.actor, row.counts["mentions"], row.counts["cases"]) == (board_member, 2, 2)
    assert ForgottenPerson.objects.count() == 2  # the handle and the name


def test_a_form_with_nobody_ticked_or_forged_values_changes_nothing(client_for, board_member, jan):
    board = client_for(board_member)

    for who in ([], ["nonsense"], ["author:"], ["email:\x00"], ["kind:@jan"]):
        response = board.post(ERASE, {"who": who, "confirm": "yes"})
        assert response.status_code == 302
    assert not Mention.objects.filter(anonymised_at__isnull=False).exists()
    assert not PrivacyEvent.objects.exists()
