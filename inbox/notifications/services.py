"""Telling people in the app: notifications, and the @names in notes that cause them."""

from __future__ import annotations

import re

from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import organisation_id_of
from inbox.notifications.models import Notification

_MENTION = re.compile(r"(?<![\w@])@([\w.+-]{1,150})")


def notify(recipient: User, actor: User | None, *, kind: str, url: str, text: str, dedupe_key: str = "") -> None:
    """Tell ``recipient`` ``text``, pointing at the page ``url``. A ``dedupe_key`` is told to each person once."""
    _page_check(url)
    Notification.objects.bulk_create(
        [Notification(recipient=recipient, actor=actor, kind=kind, url=url, text=text[:300], dedupe_key=dedupe_key)],
        ignore_conflicts=bool(dedupe_key),
    )


def notify_named(actor: User, note: str, text: str, *, url: str) -> list[User]:
    """Tell each colleague named as @username in ``note`` (not the writer) with ``text``, pointing at the page
    ``url``. Returns who was told; runs one query, and one insert for all."""
    # A name ending a sentence ("bel jij, @kim.") keeps its punctuation out of the username.
    _page_check(url)
    names = {name.rstrip(".-+") for name in _MENTION.findall(note)}
    if not names:
        return []
    colleagues = User.objects.filter(
        username__in=names, is_active=True, groups__name__in=Role.values, organisation_id=organisation_id_of(actor)
    )
    told = list(colleagues.exclude(id=actor.id).distinct())
    Notification.objects.bulk_create(
        Notification(recipient=person, actor=actor, kind=Notification.Kind.NAMED, url=url, text=text[:300])
        for person in told
    )
    return told


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


def _page_check(url: str) -> None:
    """Notifications point at pages of this site only: a path, never another site or a script."""
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError(f"A notification points at a page of this site, not {url!r}.")
