"""What the team hears of: changes to people that may change who is responsible today, and new complaints,
which the person responsible is told of."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from inbox.notifications.models import Notification
from inbox.notifications.services import notify
from webcare.events import COMMITTED, NOW, DomainEvent, subscribe

PEOPLE_CHANGES = (
    "accounts.user_created",
    "accounts.role_changed",
    "accounts.name_changed",
    "accounts.deactivated",
    "accounts.reactivated",
)
# A complaint that arrives: a case opened (by name, so the team knows no case). Its event brings the case's
# page (``url``) and its title (``title``).
NEW_COMPLAINTS = ("cases.opened",)


def responsible_changed(event: DomainEvent) -> None:
    from inbox.team.services import responsible_forget

    if event.organisation_id is not None:
        responsible_forget(event.organisation_id)


def new_complaint(event: DomainEvent) -> None:
    """Tell whoever handles complaints today of a new one, unless they opened it themselves; in the change's
    own transaction, so both are kept or neither. Once per complaint and person."""
    from inbox.team.selectors import complaint_handler_at

    if event.organisation_id is None:
        return
    organisation = Organisation.objects.filter(id=event.organisation_id).first()
    if organisation is None:
        return
    handler = complaint_handler_at(organisation, timezone.now())
    if handler is None or handler.person_id == event.actor_id:
        return
    actor = User.objects.filter(id=event.actor_id).first() if event.actor_id else None
    title = event.data.get("title", "")
    text = (
        _("New complaint, opened by %(name)s: %(case)s") % {"name": actor, "case": title}
        if actor
        else _("New complaint: %(case)s") % {"case": title}
    )
    notify(
        User.objects.get(id=handler.person_id),
        actor,
        kind=Notification.Kind.NEW_COMPLAINT,
        url=event.data["url"],
        text=text,
        dedupe_key=f"{event.subject}:new_complaint",
    )


def connect() -> None:
    for name in PEOPLE_CHANGES:
        subscribe(name, when=COMMITTED)(responsible_changed)
    for name in NEW_COMPLAINTS:
        subscribe(name, when=NOW)(new_complaint)
