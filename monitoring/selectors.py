"""Reads for monitoring."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from accounts.models import User
from monitoring.models import Mention, Source


def source_ids_due(*, now: datetime) -> list[int]:
    """Active sources whose next poll is due (or that were never polled). Runs one query."""
    return list(
        Source.objects.filter(is_active=True)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .order_by("next_poll_at")
        .values_list("id", flat=True)
    )


def mentions_visible_to(user: User) -> QuerySet[Mention]:
    """Mentions ``user`` may read, newest first; none for a user without the right."""
    if not user.has_perm("monitoring.view_mention"):
        return Mention.objects.none()
    return Mention.objects.select_related("source").order_by("-published_at", "-id")
