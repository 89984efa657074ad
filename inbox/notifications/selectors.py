"""Reading a person's notifications, and how they want to hear of them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from inbox.notifications.models import DEFAULT_DIGEST_HOUR, Digest, MailPreference, Notification


def notifications_recent(*, user: User, limit: int = 50) -> list[Notification]:
    """``user``'s notifications, newest first, read or not. Runs one query."""
    return list(Notification.objects.filter(recipient=user).select_related("actor")[:limit])


def notifications_unread_count(*, user: User) -> int:
    """Runs one query."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mail_preference_of(user_id: int) -> MailPreference:
    """What ``user_id`` chose, or the defaults (an unsaved row) when they never did. Runs one query."""
    return MailPreference.objects.filter(user_id=user_id).first() or MailPreference(user_id=user_id)


def mail_preferences_of(user_ids: Iterable[int]) -> dict[int, MailPreference]:
    """``mail_preference_of`` for many people at once. Runs one query."""
    ids = list(user_ids)
    chosen = {preference.user_id: preference for preference in MailPreference.objects.filter(user_id__in=ids)}
    return {user_id: chosen.get(user_id) or MailPreference(user_id=user_id) for user_id in ids}


def digest_readers_due(*, now: datetime | None = None) -> list[int]:
    """The people whose digest of today is due at ``now``: their hour (the organisation's time zone) has come
    and today's digest was neither sent nor found empty yet. Only active people of an organisation, with a
    role and an address, who did not turn e-mail off. Runs one query."""
    local = timezone.localtime(now or timezone.now())
    hour_came = Q(mail_preference__digest_hour__lte=local.hour)
    if local.hour >= DEFAULT_DIGEST_HOUR:
        hour_came |= Q(mail_preference__isnull=True)
    today = Digest.objects.filter(recipient=OuterRef("pk"), day=local.date())
    readers = (
        User.objects.filter(is_active=True, organisation__isnull=False, groups__name__in=Role.values)
        .exclude(email="")
        .exclude(mail_preference__is_mail_off=True)
        .filter(hour_came)
        .filter(~Exists(today))
        .order_by("id")
        .values_list("id", flat=True)
        .distinct()
    )
    return list(readers)
