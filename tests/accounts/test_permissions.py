"""Permissions and the organisation's name are cached between requests; a change counts from the next request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.services import roles_sync

pytestmark = pytest.mark.django_db

INBOX = reverse("inbox:mention-list")


def permission_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(INBOX).status_code == 200
    return sum("auth_permission" in query["sql"] for query in queries.captured_queries)


def test_it_reads_a_users_permissions_once_not_on_every_page(client_for, staff_member):
    client = client_for(staff_member)
    permission_queries(client)
    assert permission_queries(client) == 0


def test_a_role_taken_away_counts_from_the_next_page(client_for, staff_member):
    client = client_for(staff_member)
    assert client.get(INBOX).status_code == 200
    staff_member.groups.clear()
    assert client.get(INBOX).status_code == 403


def test_a_role_given_counts_from_the_next_page(client_for, no_role_user):
    client = client_for(no_role_user)
    assert client.get(INBOX).status_code == 403
    Group.objects.get(name=Role.STAFF).user_set.add(no_role_user)
    assert client.get(INBOX).status_code == 200


def test_a_permission_taken_from_a_role_counts_for_its_members_at_once(client_for, staff_member):
    client = client_for(staff_member)
    assert client.get(INBOX).status_code == 200
    staff = Group.objects.get(name=Role.STAFF)
    staff.permissions.remove(Permission.objects.get(codename="view_mention"))
    assert client.get(INBOX).status_code == 403
    roles_sync()  # as after every migrate: the roles follow the code again
    assert client.get(INBOX).status_code == 200


def test_a_deactivated_user_is_refused_at_once(client_for, staff_member):
    client = client_for(staff_member)
    assert client.get(INBOX).status_code == 200
    staff_member.is_active = False
    staff_member.save()
    assert client.get(INBOX).status_code != 200


def test_a_deleted_role_counts_for_its_members_at_once(client_for, staff_member):
    client = client_for(staff_member)
    assert client.get(INBOX).status_code == 200
    Group.objects.get(name=Role.STAFF).delete()
    assert client.get(INBOX).status_code == 403


def test_the_header_shows_the_organisations_new_name_at_once(client_for, staff_member, organisation):
    client = client_for(staff_member)
    header = f'class="org-name" title="{organisation.name}">{organisation.name}</span>'
    assert header in client.get(INBOX).content.decode()
    organisation.name = "Zwemclub De Zeehonden"
    organisation.save()
    header = 'class="org-name" title="Zwemclub De Zeehonden">Zwemclub De Zeehonden</span>'
    assert header in client.get(INBOX).content.decode()
