"""What the team hears of: changes to people that may change who is responsible today."""

from __future__ import annotations

from webcare.events import COMMITTED, DomainEvent, subscribe

PEOPLE_CHANGES = (
    "accounts.user_created",
    "accounts.role_changed",
    "accounts.name_changed",
    "accounts.deactivated",
    "accounts.reactivated",
)


def responsible_changed(event: DomainEvent) -> None:
    from inbox.team.services import responsible_forget

    if event.organisation_id is not None:
        responsible_forget(event.organisation_id)


def connect() -> None:
    for name in PEOPLE_CHANGES:
        subscribe(name, when=COMMITTED)(responsible_changed)
