from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_staff_can_triage_but_not_manage_sources_or_read_reports(staff_member):
    assert staff_member.has_perm("monitoring.view_mention")
    assert staff_member.has_perm("monitoring.triage_mention")
    assert not staff_member.has_perm("monitoring.add_source")
    assert not staff_member.has_perm("accounts.view_reports")


def test_a_manager_can_do_what_staff_can_and_read_reports(manager):
    assert manager.has_perm("monitoring.triage_mention")
    assert manager.has_perm("accounts.view_reports")
    assert not manager.has_perm("accounts.appoint_roster")


def test_the_board_manages_users_sources_and_the_roster(board_member):
    for permission in (
        "accounts.add_user",
        "monitoring.add_source",
        "monitoring.change_source",
        "accounts.appoint_roster",
    ):
        assert board_member.has_perm(permission), permission
    assert board_member.has_perm("monitoring.view_mention")


def test_a_user_without_a_role_can_do_nothing(no_role_user):
    assert no_role_user.get_all_permissions() == set()


def test_managers_and_the_board_set_the_opening_hours_and_targets_staff_read_them(staff_member, manager, board_member):
    assert manager.has_perm("targets.change_targets")
    assert board_member.has_perm("targets.change_targets")
    assert not staff_member.has_perm("targets.change_targets")
