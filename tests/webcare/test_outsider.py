"""Another organisation in the same install: nothing of it reaches ours, on any URL.

Beside our world (``tests/webcare/routes.py``) stands an outsider's: its own people, source, mentions, a case
with a reply, an improvement, a removal request, a notification and a playbook, every text marked OUTSIDER.
Our people open every page and see none of it; every URL given one of its ids answers as for an id that
does not exist, and nothing of the outsider's changes.
"""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import UserEvent
from inbox.cases.models import Case, CaseEvent, ImprovementAction, RemovalRequest, Reply
from inbox.notifications.models import Notification
from inbox.playbook.models import HouseRule, PlaybookEvent
from inbox.targets.models import ClosedDay, OpeningBlock, TargetOverride
from inbox.team.models import Absence, Appointment
from inbox.triage.models import MentionEvent
from monitoring.models import Mention, Source, SourceEvent
from tests.feedserver import FeedServer
from tests.webcare.routes import (
    ADMIN_NAMESPACE,
    FORMS,
    LOGIN,
    METHODS,
    PARAMETERS,
    QUERIES,
    ROLES,
    STAFF_ID,
    World,
    expected,
    named_routes,
    world_build,
)
from tests.webcare.test_authorisation_matrix import UNKNOWN_ANSWERS, outcome

pytestmark = pytest.mark.django_db
OURS = ("staff", "manager", "board")
HX = {"HX-Request": "true"}


@pytest.fixture
def outsider(world: World, feed_server: FeedServer) -> World:
    return world_build(feed_server, outsider=True)


def client_for(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])  # type: ignore[arg-type]
    return client


def theirs(world: World) -> dict[str, object]:
    """Everything of the outsider's a stray write could change."""
    organisation = Mention.objects.get(id=world.objects["mention"]).organisation_id
    return {
        "mentions": list(Mention.objects.filter(organisation_id=organisation).values_list("id", "status", "version")),
        "cases": list(Case.objects.filter(organisation_id=organisation).values_list("id", "status", "version")),
        "replies": list(Reply.objects.filter(case__organisation_id=organisation).values_list("id", "state")),
        "case events": CaseEvent.objects.filter(case__organisation_id=organisation).count(),
        "mention events": MentionEvent.objects.filter(mention__organisation_id=organisation).count(),
        "improvements": list(
            ImprovementAction.objects.filter(case__organisation_id=organisation).values_list("id", "state")
        ),
        "removals": list(
            RemovalRequest.objects.filter(case__organisation_id=organisation).values_list("id", "outcome")
        ),
        "sources": list(Source.objects.filter(organisation_id=organisation).values_list("id", "name", "is_active")),
        "source events": SourceEvent.objects.filter(source__organisation_id=organisation).count(),
        "house rules": HouseRule.objects.filter(organisation_id=organisation).count(),
        "absences": list(Absence.objects.filter(organisation_id=organisation).values_list("id", "ends_on")),
        "opening hours": list(OpeningBlock.objects.filter(organisation_id=organisation).values_list("id", "ends_at")),
        "closed days": list(ClosedDay.objects.filter(organisation_id=organisation).values_list("id", "day")),
        "targets": list(TargetOverride.objects.filter(organisation_id=organisation).values_list("id", "value")),
        "appointments": list(
            Appointment.objects.filter(organisation_id=organisation).values_list("id", "applied_at", "withdrawn_at")
        ),
        "playbook events": PlaybookEvent.objects.filter(organisation_id=organisation).count(),
        "user events": UserEvent.objects.filter(organisation_id=organisation).count(),
        "notifications": list(
            Notification.objects.filter(recipient__organisation_id=organisation).values_list("id", "read_at")
        ),
    }


@pytest.mark.parametrize("role", OURS)
def test_no_page_of_ours_shows_anything_of_another_organisation(world, outsider, role):
    client = client_for(world, role)
    shown: list[str] = []
    for route in named_routes():
        assert route.name is not None
        if route.name.startswith(ADMIN_NAMESPACE + ":") or "GET" not in expected(route.name):
            continue
        if expected(route.name)["GET"][ROLES.index(role)] != 200:
            continue
        for headers in ({}, HX):
            response = client.get(world.url(route), QUERIES.get(route.name, {}), headers=headers)
            # A streamed answer (a report's export) is read whole as well.
            content = b"".join(response.streaming_content) if response.streaming else response.content
            text = content.decode(errors="replace")
            if response.status_code == 200 and "OUTSIDER" in text:
                at = text.index("OUTSIDER")
                shown.append(f"{route.name} {headers or ''}: …{text[max(at - 80, 0) : at + 60]}…")
    assert shown == []


@pytest.mark.parametrize("role", OURS)
def test_another_organisations_ids_are_unknown_to_ours_and_nothing_of_theirs_changes(world, outsider, role):
    client = client_for(world, role)
    before = theirs(outsider)
    wrong: list[str] = []
    for route in named_routes():
        assert route.name is not None
        if route.name.startswith(ADMIN_NAMESPACE + ":") or not set(route.parameters) & set(PARAMETERS):
            continue
        url = outsider.url(route)
        for method in METHODS:
            known = expected(route.name)[method][ROLES.index(role)]
            want = known if known in (LOGIN, 403, 405) else UNKNOWN_ANSWERS.get((route.name, method), 404)
            data = {
                key: str(world.users["staff"].pk) if value == STAFF_ID else value  # type: ignore[union-attr]
                for key, value in FORMS.get(route.name, {}).items()
            }
            response = client.post(url, data) if method == "POST" else client.get(url)
            got = outcome(response)
            if got != want:
                wrong.append(f"{method} {url} ({route.name}): want {want}, got {got}")
    assert wrong == []
    assert theirs(outsider) == before
