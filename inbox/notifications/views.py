"""A person's notifications: the bell and the list."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from inbox.http import AppRequest
from inbox.notifications import selectors, services


@require_safe
def notification_badge(request: AppRequest) -> HttpResponse:
    """The bell in the top bar: how many notifications wait. Read apart from the page, every minute."""
    count = selectors.notifications_unread_count(user=request.user)
    return render(request, "inbox/_notification_badge.html", {"unread": count})


@require_safe
def notification_list(request: AppRequest) -> HttpResponse:
    """What colleagues asked of you: mentions in notes, replies to check, approvals. Opening it marks all seen."""
    notifications = selectors.notifications_recent(user=request.user)
    services.notifications_mark_read(user=request.user)
    return render(request, "inbox/notification_list.html", {"notifications": notifications})
