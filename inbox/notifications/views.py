"""A person's notifications: the bell and the list."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from inbox.http import MAX_ID, AppRequest
from inbox.notifications import selectors, services


@require_safe
def notification_badge(request: AppRequest) -> HttpResponse:
    """The bell in the top bar: how many notifications wait. Read apart from the page, every minute."""
    count = selectors.notifications_unread_count(user=request.user)
    return render(request, "inbox/_notification_badge.html", {"unread": count})


@require_safe
def notification_list(request: AppRequest) -> HttpResponse:
    """What colleagues asked of you: mentions in notes, replies to check, approvals. Reading changes nothing;
    a notification counts as seen when it is opened, or all of them when you say so."""
    notifications = selectors.notifications_recent(user=request.user)
    unread = any(notification.read_at is None for notification in notifications)
    return render(request, "inbox/notification_list.html", {"notifications": notifications, "unread": unread})


@require_POST
def notification_read(request: AppRequest) -> HttpResponse:
    """Open one notification (``id``): it counts as seen and you go to its page. Without an ``id``, all of
    yours count as seen. Another person's or an unknown id opens nothing and brings you back to the list."""
    sent = request.POST.get("id", "")
    if not sent:
        services.notifications_mark_read(user=request.user)
        return redirect("inbox:notification-list")
    number = int(sent) if sent.isascii() and sent.isdigit() and int(sent) <= MAX_ID else None
    url = services.notification_open(user=request.user, notification_id=number) if number else None
    return redirect(url or "inbox:notification-list")
