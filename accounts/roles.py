"""The three roles and what each may do. Roles are Django groups named after ``Role`` values."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BOARD = "board", _("Board member")
    MANAGER = "manager", _("Manager")
    STAFF = "staff", _("Staff member")


_STAFF = (
    "monitoring.view_source",
    "monitoring.view_mention",
    "monitoring.triage_mention",
)

ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    # Staff triage, reply and resolve.
    Role.STAFF: _STAFF,
    # A manager can do all that staff can, reviews response times and reads who changed what.
    # Managers and the board set the opening hours and the response-time targets.
    # Managers check replies that need a second pair of eyes and may close any case (as do the owner and deputy).
    # Managers and the board see the complainant's contact details on every case; staff only on the cases
    # they handle, or as the webcare owner or deputy (``inbox.cases.selectors.can_see_contact``).
    Role.MANAGER: (
        *_STAFF,
        "accounts.view_reports",
        "accounts.view_activity",
        "accounts.view_contact_details",
        "targets.change_targets",
        "cases.approve_reply",
    ),
    # The board manages users and sources, appoints the webcare owner and deputy, keeps the playbook (house
    # rules, flagged phrases, four-eyes rules, scenarios, templates), reads who changed what and can read the inbox.
    # It answers for the complainers' personal data: how long it is kept, and a person's request to see or erase it;
    # and reads the same reports as the manager.
    Role.BOARD: (
        "monitoring.view_source",
        "monitoring.add_source",
        "monitoring.change_source",
        "monitoring.view_mention",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.appoint_roster",
        "accounts.manage_playbook",
        "accounts.view_activity",
        "accounts.view_contact_details",
        "targets.change_targets",
        "privacy.manage_personal_data",
        "accounts.view_reports",
    ),
}
