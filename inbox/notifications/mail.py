"""E-mail to people: the message (their language, plain text and HTML, links that work from a mailbox, a
one-click unsubscribe), and sending one notification's e-mail exactly once.

Sent through Django's e-mail backend (SMTP from the environment; the console without ``EMAIL_HOST``). Every try
is recorded as a ``MailAttempt``: sent, failed (and the error's kind) or skipped (and why).
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from inbox.notifications.exceptions import MailNotSent
from inbox.notifications.models import Delivery, MailAttempt, Notification
from inbox.notifications.selectors import mail_preference_of

logger = logging.getLogger(__name__)

# What a mail server that refuses, drops the line or cannot be reached raises: worth another try.
SERVER_ERRORS = (smtplib.SMTPException, OSError)
_UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def absolute(path: str) -> str:
    """The address of a page of this site as a mailbox needs it (``WEBCARE_BASE_URL`` and the path)."""
    return settings.WEBCARE_BASE_URL + path


def language_of(user: User) -> str:
    """The language ``user`` reads: the one they chose, else the site's."""
    return user.language if user.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def unsubscribe_token(user_id: int) -> str:
    """A token that turns ``user_id``'s e-mail off without signing in; it does not expire."""
    return signing.Signer(salt=_UNSUBSCRIBE_SALT).sign(str(user_id))


def unsubscribe_user_id(token: str) -> int | None:
    """Whose token ``token`` is; None for one we did not sign."""
    try:
        value = signing.Signer(salt=_UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isascii() and value.isdigit() else None


def message_build(
    *, user: User, template: str, context: Mapping[str, Any], folder: str = "notifications"
) -> EmailMultiAlternatives:
    """The e-mail to ``user`` from ``templates/<folder>/<template>_subject.txt``, ``.txt`` and ``.html``,
    in their language, with a link to their notification settings and a one-click unsubscribe (RFC 8058)."""
    unsubscribe = absolute(reverse("inbox:notification-unsubscribe", args=[unsubscribe_token(user.id)]))
    context = {
        **context,
        "user": user,
        "base_url": settings.WEBCARE_BASE_URL,
        "settings_url": absolute(reverse("inbox:notification-settings")),
        "unsubscribe_url": unsubscribe,
    }
    language = language_of(user)
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        subject = " ".join(render_to_string(f"{folder}/{template}_subject.txt", context).split())
        text = render_to_string(f"{folder}/{template}.txt", context)
        html = render_to_string(f"{folder}/{template}.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[user.email],
        headers={
            "Content-Language": language,
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def messages_send(messages: Sequence[EmailMultiAlternatives]) -> list[BaseException | None]:
    """Send each message over one connection; for each, None or the server's error. A failure to close
    the connection after the messages went is no failure of theirs."""
    connection: BaseEmailBackend = get_connection()
    outcomes: list[BaseException | None] = []
    try:
        connection.open()
    except SERVER_ERRORS as exc:
        return [exc for _message in messages]
    try:
        for message in messages:
            try:
                connection.send_messages([message])
            except SERVER_ERRORS as exc:
                outcomes.append(exc)
            else:
                outcomes.append(None)
    finally:
        with contextlib.suppress(*SERVER_ERRORS):
            connection.close()
    return outcomes


def error_code(exc: BaseException) -> str:
    """What went wrong, without the server's words (they may hold an address): "SMTPDataError 451"."""
    code = getattr(exc, "smtp_code", None)
    if code is None and isinstance(exc, smtplib.SMTPRecipientsRefused):
        code = next((refusal[0] for refusal in exc.recipients.values()), None)
    return f"{type(exc).__name__} {code or ''}".strip()[:100]


def notification_email_send(*, notification_id: int, attempt: int = 1) -> str:
    """E-mail one notification to its recipient, if it is still wanted: unread, to an active person with an
    address who wants its kind at once. Claims it first, so that it is sent once however many tasks try.
    Returns the outcome recorded (a ``MailAttempt.Outcome``; "" for a notification that is gone).

    Raises ``MailNotSent`` when the mail server refused it or could not be reached: the claim is let go, so
    that a retry sends it."""
    notification = Notification.objects.select_related("recipient").filter(id=notification_id).first()
    if notification is None:
        return ""
    recipient = notification.recipient
    reason = _reason_to_skip(notification)
    if reason is None:
        claimed = Notification.objects.filter(
            id=notification.id, email_claimed_at__isnull=True, read_at__isnull=True
        ).update(email_claimed_at=timezone.now())
        reason = None if claimed else MailAttempt.Reason.TAKEN
    if reason is not None:
        _attempt(notification, attempt, MailAttempt.Outcome.SKIPPED, reason)
        return MailAttempt.Outcome.SKIPPED
    message = message_build(
        user=recipient,
        template="notification",
        context={
            "notification": notification,
            "page_url": absolute(notification.url or reverse("inbox:notification-list")),
        },
    )
    (failure,) = messages_send([message])
    if failure is not None:
        Notification.objects.filter(id=notification.id).update(email_claimed_at=None)
        _attempt(notification, attempt, MailAttempt.Outcome.FAILED, MailAttempt.Reason.SERVER, error_code(failure))
        logger.warning("E-mail of notification %s not sent (try %s): %s", notification.id, attempt, error_code(failure))
        raise MailNotSent(recipient_ids=[recipient.id], notification_id=notification.id) from failure
    Notification.objects.filter(id=notification.id).update(emailed_at=timezone.now())
    _attempt(notification, attempt, MailAttempt.Outcome.SENT)
    return MailAttempt.Outcome.SENT


def _reason_to_skip(notification: Notification) -> str | None:
    """Why this notification's e-mail is not wanted any more (a ``MailAttempt.Reason``), or None."""
    recipient = notification.recipient
    if notification.emailed_at is not None:
        return MailAttempt.Reason.TAKEN
    if notification.read_at is not None:
        return MailAttempt.Reason.READ
    if not recipient.is_active:
        return MailAttempt.Reason.DEACTIVATED
    if not recipient.email:
        return MailAttempt.Reason.NO_ADDRESS
    if mail_preference_of(recipient.id).delivery_of(notification.kind) != Delivery.NOW:
        return MailAttempt.Reason.PREFERENCE
    return None


def _attempt(notification: Notification, attempt: int, outcome: str, reason: str = "", error: str = "") -> None:
    MailAttempt.objects.create(
        recipient_id=notification.recipient_id,
        notification=notification,
        attempt=attempt,
        outcome=outcome,
        reason=reason,
        error=error,
    )
