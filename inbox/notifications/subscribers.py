"""What the notifications hear of: a note that names colleagues, wherever it was written; and a source that
polling paused, which its organisation's board is told of.

Subscribed by name (``inbox.notifications.apps``), so the notifications know no case, no mention and no source:
an event brings the page's address (``url``) and what to tell (a note and ``told``; a source's ``name``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from inbox.notifications.models import Notification
from inbox.notifications.services import notify, notify_named
from webcare.events import NOW, DomainEvent, subscribe

NOTES = ("cases.note", "triage.note")
SOURCE_PAUSED = "monitoring.paused"


def named_in_note(event: DomainEvent) -> None:
    """Tell each colleague the note names; in the note's own transaction, so both are kept or neither."""
    if event.actor_id is None or not event.data.get("note"):
        return
    actor = User.objects.filter(id=event.actor_id).first()
    if actor is None:
        return
    notify_named(actor, event.data["note"], event.data["told"], url=event.data["url"])


def source_paused(event: DomainEvent) -> None:
    """Polling paused a source after failing again and again: tell the board of the source's own organisation,
    once for this pause. A source the board paused itself needs no telling."""
    if event.actor_id is not None or event.organisation_id is None:
        return
    board = User.objects.filter(
        organisation_id=event.organisation_id, is_active=True, groups__name=Role.BOARD
    ).distinct()
    text = _(
        "Polling paused the source “%(name)s” after %(count)s failures in a row. Check its address, then resume it."
    ) % {"name": event.data.get("name", ""), "count": event.data.get("failures", "")}
    for person in board:
        notify(
            person,
            None,
            kind=Notification.Kind.SOURCE_PAUSED,
            url=event.data["url"],
            text=text,
            dedupe_key=f"source_paused:{event.subject}:{event.data.get('at', '')}",
        )


def connect() -> None:
    for name in NOTES:
        subscribe(name, when=NOW)(named_in_note)
    subscribe(SOURCE_PAUSED, when=NOW)(source_paused)
