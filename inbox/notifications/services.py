"""Telling people in the app: notifications, and the @names in notes that cause them; and how each person
wants to hear of them by e-mail.

Every notification shows under the bell. One whose kind its recipient wants by e-mail at once is e-mailed
by a task (``inbox.notifications.tasks.notification_email``) queued when the change commits, a short while
later (``WEBCARE_MAIL_DELAY_SECONDS``): if it was read by then, no e-mail goes.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable, Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import organisation_id_of
from inbox.notifications import tasks
from inbox.notifications.models import Delivery, MailPreference, Notification
from inbox.notifications.selectors import mail_preferences_of

logger = logging.getLogger(__name__)

_MENTION = re.compile(r"(?<![\w@])@([\w.+-]{1,150})")

Cover = Callable[[User], User]
_cover: Cover | None = None


def cover_with(resolver: Cover | None) -> None:
    """Who reads an absent person's notifications: ``resolver(recipient)`` gives whoever covers for them now,
    or the recipient. Registered by the app that knows absences (``inbox.team``); None: everyone reads their own."""
    global _cover
    _cover = resolver


def notify(
    recipient: User, actor: User | None, *, kind: str, url: str, text: str, dedupe_key: str = ""
) -> Notification | None:
    """Tell ``recipient`` ``text``, pointing at the page ``url``; while they are away, whoever covers for them
    is told instead (and not at all when that is ``actor``). A ``dedupe_key`` is told to each person once.
    Returns the notification, or None when nobody new was told. Runs a few queries (who covers, the
    preference) and queues the e-mail when the recipient wants this kind at once."""
    _page_check(url)
    reader, text = _covered(recipient, text)
    if actor is not None and reader.id == actor.id and reader.id != recipient.id:
        return None
    notification = Notification(
        recipient=reader, actor=actor, kind=kind, url=url, text=text[:300], dedupe_key=dedupe_key
    )
    if dedupe_key:
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            return None  # told already, by a retry or another trigger
    else:
        notification.save()
    _mail_soon([notification])
    return notification


def notify_named(actor: User, note: str, text: str, *, url: str) -> list[User]:
    """Tell each colleague named as @username in ``note`` (not the writer) with ``text``, pointing at the page
    ``url`` (whoever covers for one who is away is told instead). Returns who was named; runs one query, one
    insert for all, and who covers for each."""
    # A name ending a sentence ("bel jij, @kim.") keeps its punctuation out of the username.
    _page_check(url)
    names = {name.rstrip(".-+") for name in _MENTION.findall(note)}
    if not names:
        return []
    colleagues = User.objects.filter(
        username__in=names, is_active=True, groups__name__in=Role.values, organisation_id=organisation_id_of(actor)
    )
    named = list(colleagues.exclude(id=actor.id).distinct())
    told: list[Notification] = []
    for person in named:
        reader, said = _covered(person, text)
        if reader.id != actor.id:
            told.append(
                Notification(recipient=reader, actor=actor, kind=Notification.Kind.NAMED, url=url, text=said[:300])
            )
    _mail_soon(Notification.objects.bulk_create(told))
    return named


def notification_open(*, user: User, notification_id: int) -> str | None:
    """``user`` opens one of their notifications: it counts as seen. Returns the page it points at, or None
    for one that is not theirs or does not exist."""
    notification = Notification.objects.filter(recipient=user, id=notification_id).first()
    if notification is None:
        return None
    if notification.read_at is None:
        Notification.objects.filter(id=notification.id, read_at__isnull=True).update(read_at=timezone.now())
    return notification.url or None


def notifications_mark_read(*, user: User) -> int:
    """Everything waiting for ``user`` counts as seen now. Returns how many were unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def mail_preference_save(
    *,
    user: User,
    deliveries: Mapping[str, str],
    digest_hour: int,
    is_mail_off: bool,
    is_monthly_summary_off: bool = False,
) -> MailPreference:
    """Keep how ``user`` wants to hear of each kind (``Delivery`` values; kinds left out keep their default),
    the hour of their digest, whether they want no e-mail at all and whether no monthly summary. Raises
    ``ValueError`` for an unknown kind or delivery and an hour outside 0 to 23."""
    unknown = {kind for kind in deliveries if kind not in Notification.Kind.values}
    unknown |= {value for value in deliveries.values() if value not in Delivery.values}
    if unknown or not 0 <= digest_hour <= 23:
        raise ValueError(f"Not a preference: {sorted(unknown) or digest_hour!r}")
    preference, _created = MailPreference.objects.update_or_create(
        user=user,
        defaults={
            "deliveries": dict(deliveries),
            "digest_hour": digest_hour,
            "is_mail_off": is_mail_off,
            "is_monthly_summary_off": is_monthly_summary_off,
            "updated_at": timezone.now(),
        },
    )
    return preference


def mail_unsubscribe(*, user_id: int) -> bool:
    """The one-click link in an e-mail: ``user_id`` gets no more e-mail (the bell stays). Returns False for a
    person who does not exist (any more)."""
    if not User.objects.filter(id=user_id).exists():
        return False
    MailPreference.objects.update_or_create(
        user_id=user_id, defaults={"is_mail_off": True, "updated_at": timezone.now()}
    )
    return True


def _covered(recipient: User, text: str) -> tuple[User, str]:
    """Who reads what is meant for ``recipient``, and what they read: for someone away, whoever covers for
    them, told for whom it was."""
    reader = _cover(recipient) if _cover is not None else recipient
    if reader.id == recipient.id:
        return recipient, text
    return reader, _("For %(name)s, who is away: %(text)s") % {"name": recipient, "text": text}


def _mail_soon(notifications: Iterable[Notification]) -> None:
    """Queue the e-mail of each notification whose recipient wants its kind at once, for when the change
    commits, after the unread delay. Runs one query."""
    wanted = [
        notification
        for notification in notifications
        if notification.recipient.is_active and notification.recipient.email
    ]
    if not wanted:
        return
    preferences = mail_preferences_of({notification.recipient_id for notification in wanted})
    for notification in wanted:
        if preferences[notification.recipient_id].delivery_of(notification.kind) == Delivery.NOW:
            transaction.on_commit(functools.partial(_mail_queue, notification.id), robust=True)


def _mail_queue(notification_id: int) -> None:
    tasks.notification_email.apply_async((notification_id,), countdown=settings.WEBCARE_MAIL_DELAY_SECONDS)


def _page_check(url: str) -> None:
    """Notifications point at pages of this site only: a path, never another site or a script."""
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError(f"A notification points at a page of this site, not {url!r}.")
