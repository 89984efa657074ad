"""Celery entry points for telling people by e-mail. Thin: they take ids and call the mail and digest code."""

from __future__ import annotations

from datetime import date

from celery import Task, shared_task
from django.conf import settings
from django.utils import timezone

from inbox.notifications import digest, mail, selectors
from inbox.notifications.exceptions import MailNotSent

DIGEST_BATCH_SIZE = 100  # people per digest task: the sections read for all of them at once
RETRY_BACKOFF_SECONDS = 60  # the first retry a minute later, then 2, 4, 8... minutes
RETRY_BACKOFF_MAX_SECONDS = 60 * 60


@shared_task(
    bind=True,
    name="notifications.tasks.notification_email",
    autoretry_for=(MailNotSent,),
    retry_backoff=RETRY_BACKOFF_SECONDS,
    retry_backoff_max=RETRY_BACKOFF_MAX_SECONDS,
    retry_jitter=False,
    max_retries=settings.WEBCARE_MAIL_RETRIES,
)
def notification_email(self: Task, notification_id: int) -> str:
    """E-mail one notification if it is still unread; queued by ``services.notify`` with the unread delay."""
    return mail.notification_email_send(notification_id=notification_id, attempt=self.request.retries + 1)


@shared_task(name="notifications.tasks.digests_due")
def digests_due() -> int:
    """Queue the digests of everybody whose hour has come today; beat runs this every quarter of an hour.
    Returns how many people are due."""
    now = timezone.now()
    user_ids = selectors.digest_readers_due(now=now)
    day = timezone.localdate(now).isoformat()
    for start in range(0, len(user_ids), DIGEST_BATCH_SIZE):
        digests_send.delay(user_ids[start : start + DIGEST_BATCH_SIZE], day)
    return len(user_ids)


@shared_task(bind=True, name="notifications.tasks.digests_send", max_retries=settings.WEBCARE_MAIL_RETRIES)
def digests_send(self: Task, user_ids: list[int], day: str) -> int:
    """Send the digest of ``day`` (ISO date) to ``user_ids``; those the mail server refused are tried again
    later, alone. Returns how many were refused."""
    failed = digest.digests_send(user_ids=user_ids, day=date.fromisoformat(day), attempt=self.request.retries + 1)
    if failed:
        countdown = min(RETRY_BACKOFF_SECONDS * 2**self.request.retries, RETRY_BACKOFF_MAX_SECONDS)
        raise self.retry(args=(failed, day), countdown=countdown, exc=MailNotSent(recipient_ids=failed))
    return 0
