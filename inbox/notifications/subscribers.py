"""What the notifications hear of: a note that names colleagues, wherever it was written.

Subscribed by name (``inbox.notifications.apps``), so the notifications know no case and no mention: an event
brings the page's address (``url``), the note (``note``) and what to tell (``told``).
"""

from __future__ import annotations

from accounts.models import User
from inbox.notifications.services import notify_named
from webcare.events import NOW, DomainEvent, subscribe

NOTES = ("cases.note", "triage.note")


def named_in_note(event: DomainEvent) -> None:
    """Tell each colleague the note names; in the note's own transaction, so both are kept or neither."""
    if event.actor_id is None or not event.data.get("note"):
        return
    actor = User.objects.filter(id=event.actor_id).first()
    if actor is None:
        return
    notify_named(actor, event.data["note"], event.data["told"], url=event.data["url"])


def connect() -> None:
    for name in NOTES:
        subscribe(name, when=NOW)(named_in_note)
