"""An install made before each part of the inbox became an app of its own migrates without losing a row."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from inbox.cases.models import Case, CaseEvent
from inbox.notifications.models import Notification
from inbox.playbook.models import ReplyTemplate
from inbox.triage.models import MentionEvent

BEFORE = [
    ("inbox", "0009_search_statistics"),
    ("cases", None),
    ("triage", None),
    ("playbook", None),
    ("notifications", None),
]


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_a_database_made_before_the_split_keeps_its_cases_history_and_notifications():
    executor = _executor()
    executor.migrate(BEFORE)
    loader = _executor().loader
    moved_apps = {app for app, _ in BEFORE}
    others = [node for node in loader.graph.leaf_nodes() if node[0] not in moved_apps]
    old = loader.project_state([BEFORE[0], *others]).apps
    organisation = old.get_model("accounts", "Organisation").objects.create(name="De Dolfijnen")
    person = old.get_model("accounts", "User").objects.create(username="piet", first_name="Piet")
    source = old.get_model("monitoring", "Source").objects.create(
        organisation=organisation, name="Alerts", url="https://example.org/feed"
    )
    mention = old.get_model("monitoring", "Mention").objects.create(
        organisation=organisation,
        source=source,
        title="Geen badmeester",
        url="https://example.org/1",
        entry_key="1",
        published_at=timezone.now(),
        fetched_at=timezone.now(),
    )
    case = old.get_model("inbox", "Case").objects.create(
        organisation=organisation, title="Geen badmeester", created_by=person, priority="urgent"
    )
    old.get_model("inbox", "CaseEvent").objects.create(case=case, actor=person, action="opened")
    old.get_model("inbox", "MentionEvent").objects.create(mention=mention, actor=person, action="case_open")
    old.get_model("inbox", "Notification").objects.create(recipient=person, actor=person, case=case, text="Kijk even")
    old.get_model("inbox", "Notification").objects.create(recipient=person, mention=mention, text="@piet hier")
    old_type = ContentType.objects.get_or_create(app_label="inbox", model="case")[0].id
    old.get_model("inbox", "ReplyTemplate").objects.create(
        organisation=organisation, purpose="acknowledge", language="nl", title="Dank", body="Dank je, {naam}."
    )

    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = Case.objects.get(id=case.id)
    assert (moved.title, moved.priority, moved.created_by.username) == ("Geen badmeester", "urgent", "piet")
    assert list(CaseEvent.objects.filter(case=moved).values_list("action", flat=True)) == ["opened"]
    assert MentionEvent.objects.get(mention_id=mention.id).action == "case_open"
    assert list(ReplyTemplate.objects.filter(organisation_id=organisation.id).values_list("title", flat=True)) == [
        "Dank"
    ]
    # A notification keeps pointing where it pointed, now as the page's address.
    assert set(Notification.objects.values_list("text", "url")) == {
        ("Kijk even", moved.get_absolute_url()),
        ("@piet hier", f"/inbox/m/{mention.id}/"),
    }
    # The content type moved with its model: whatever pointed at it (the admin's log) still does.
    assert ContentType.objects.get_for_model(Case).id == old_type
