"""The activity page: who changed users, sources, the playbook and the appointments, for the board and managers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts import services as account_services
from accounts.models import UserEvent
from inbox.activity import views as activity
from inbox.playbook import services as playbook_services
from inbox.playbook.models import PlaybookEvent
from monitoring.models import SourceEvent
from tests.factories import OrganisationFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTIVITY = reverse("inbox:activity")


@pytest.fixture
def changes(organisation, board_member):
    """One change of each kind, oldest first: a source added, a house rule added, a user's role changed."""
    source = SourceFactory(organisation=organisation, name="Buurtforum")
    SourceEvent.objects.create(
        source=source, actor=board_member, action="created", to_value=source.url, created_at=timezone.now()
    )
    playbook_services.playbook_item_add(
        actor=board_member,
        organisation=organisation,
        kind="house_rule",
        values={"text": "Altijd vriendelijk", "language": "nl"},
    )
    sam = UserFactory(username="sam", first_name="Sam", role="staff")
    account_services.user_update(
        actor=board_member,
        organisation=organisation,
        user_id=sam.id,
        first_name="Sam",
        last_name="",
        email=sam.email,
        role="manager",
    )
    return source


@pytest.mark.parametrize("role", ["staff", None])
def test_it_refuses_staff_and_people_without_a_role(client_for, organisation, role):
    person = UserFactory(role=role) if role else UserFactory()
    assert client_for(person).get(ACTIVITY).status_code == 403


def test_it_answers_405_to_a_post(client_for, organisation, manager):
    assert client_for(manager).post(ACTIVITY).status_code == 405


def test_it_shows_who_did_what_newest_first_with_labels(client_for, changes, manager):
    response = client_for(manager).get(ACTIVITY)
    assert response.status_code == 200
    rows = response.context["page"].rows
    assert [row.kind for row in rows] == ["users", "playbook", "sources"]
    page = response.content.decode()
    assert page.index("Rol gewijzigd") < page.index("Huisregel toegevoegd") < page.index("Buurtforum")
    assert rows[2].label == "Toegevoegd"  # the source's own label (SourceEvent.action_label)
    assert (rows[0].before, rows[0].after) == ("Medewerker", "Manager")
    assert "Medewerker</span> →" in page
    assert "Buurtforum" in page
    assert "bea-board" in page


def test_a_manager_sees_no_link_to_the_boards_source_page(client_for, changes, manager, board_member):
    source_page = reverse("monitoring:source-detail", args=[changes.id])
    assert source_page not in client_for(manager).get(ACTIVITY).content.decode()
    assert source_page in client_for(board_member).get(ACTIVITY).content.decode()


@pytest.mark.parametrize(
    ("kind", "expected"), [("users", ["users"]), ("sources", ["sources"]), ("playbook", ["playbook"])]
)
def test_it_narrows_to_one_kind(client_for, changes, board_member, kind, expected):
    rows = client_for(board_member).get(ACTIVITY, {"kind": kind}).context["page"].rows
    assert [row.kind for row in rows] == expected


def test_an_unknown_kind_or_page_shows_the_first_page_of_everything(client_for, changes, board_member):
    for query in ({"kind": "nope"}, {"page": "abc"}, {"page": "-3"}, {"page": "9" * 30}):
        response = client_for(board_member).get(ACTIVITY, query)
        assert response.status_code == 200


def test_a_source_event_is_shown_with_its_label_in_the_reader_s_language(organisation, board_member):
    source = SourceFactory(organisation=organisation)
    SourceEvent.objects.create(source=source, actor=board_member, action="renamed", from_value="A", to_value="B")
    with translation.override("en"):
        row = activity.activity_page(user=board_member, organisation=organisation).rows[0]
    assert row.label == "Renamed"
    assert (row.before, row.after) == ("A", "B")
    with translation.override("nl"):
        assert activity.activity_page(user=board_member, organisation=organisation).rows[0].label == "Hernoemd"


def test_it_pages_back_fifty_at_a_time(client_for, organisation, board_member, django_assert_max_num_queries):
    sam = UserFactory(username="sam", role="staff")
    now = timezone.now()
    UserEvent.objects.bulk_create(
        UserEvent(
            organisation=organisation,
            actor=board_member,
            subject=sam,
            action="deactivated" if number % 2 else "reactivated",
            created_at=now - timedelta(minutes=number),
        )
        for number in range(60)
    )
    PlaybookEvent.objects.create(
        organisation=organisation,
        actor=board_member,
        action="roster",
        created_at=now - timedelta(minutes=30, seconds=1),
    )
    client = client_for(board_member)
    client.get(ACTIVITY)
    with django_assert_max_num_queries(10):
        first = client.get(ACTIVITY)
    assert len(first.context["page"].rows) == activity.PAGE_SIZE
    assert 'href="?page=2"' in first.content.decode()
    second = client.get(ACTIVITY, {"page": "2"})
    assert len(second.context["page"].rows) == 11
    assert not second.context["page"].has_older
    assert 'href="?page=1"' in second.content.decode()
    kinds = [row.kind for row in first.context["page"].rows]
    assert kinds.index("playbook") == 31, "the three kinds are merged by time"


def test_it_never_shows_another_organisations_changes(client_for, changes, board_member):
    other = OrganisationFactory(name="Hockeyclub")
    PlaybookEvent.objects.create(organisation=other, actor=board_member, action="house_rule_added", to_value="Geheim")
    response = client_for(board_member).get(ACTIVITY)
    assert "Geheim" not in response.content.decode()
    assert len(response.context["page"].rows) == 3
