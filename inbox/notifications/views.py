"""A person's notifications: the bell, the list, how they want to hear of them, and the unsubscribe link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from inbox.http import MAX_ID, AppRequest
from inbox.notifications import mail, selectors, services
from inbox.notifications.forms import MailSettingsForm


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


@require_http_methods(["GET", "HEAD", "POST"])
def notification_settings(request: AppRequest) -> HttpResponse:
    """How you hear of your notifications by e-mail: per kind at once, in the daily digest or only in the app;
    the digest's hour; or no e-mail at all."""
    if request.method == "POST":
        form = MailSettingsForm(request.POST)
        if form.is_valid():
            services.mail_preference_save(user=request.user, **form.preference())
            messages.success(request, _("Saved: this is how you hear of things from now on."))
            return redirect("inbox:notification-settings")
    else:
        form = MailSettingsForm(initial=MailSettingsForm.initial_of(selectors.mail_preference_of(request.user.id)))
    context = {
        "form": form,
        "has_address": bool(request.user.email),
        # Managers and the board get the monthly summary of the reports.
        "reads_reports": request.user.has_perm("accounts.view_reports"),
    }
    return render(request, "inbox/notification_settings.html", context)


@login_not_required  # opened from a mailbox, where nobody is signed in: the signed token is the proof
@csrf_exempt  # RFC 8058: a mail program posts the one-click unsubscribe without a cookie or a form token
@require_http_methods(["GET", "HEAD", "POST"])
def notification_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The unsubscribe link of every e-mail: GET asks to confirm, POST turns all e-mail off for the person the
    token was made for (a mail program's one-click, or the confirm button). A token we did not sign is a 400."""
    user_id = mail.unsubscribe_user_id(token)
    if request.method == "POST" and user_id is not None and services.mail_unsubscribe(user_id=user_id):
        return render(request, "inbox/notification_unsubscribe.html", {"state": "done"})
    if user_id is None or request.method == "POST":
        return render(request, "inbox/notification_unsubscribe.html", {"state": "invalid"}, status=400)
    return render(request, "inbox/notification_unsubscribe.html", {"state": "confirm", "token": token})
