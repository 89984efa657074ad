"""Reading a person's notifications."""

from __future__ import annotations

from accounts.models import User
from inbox.notifications.models import Notification


def notifications_recent(*, user: User, limit: int = 50) -> list[Notification]:
    """``user``'s notifications, newest first, read or not. Runs one query."""
    return list(Notification.objects.filter(recipient=user).select_related("actor")[:limit])


def notifications_unread_count(*, user: User) -> int:
    """Runs one query."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
