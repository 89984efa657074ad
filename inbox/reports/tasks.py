"""Celery entry points of the reports. Thin: they call the monthly summary's code."""

from __future__ import annotations

from celery import Task, shared_task
from django.conf import settings

from inbox.notifications.exceptions import MailNotSent
from inbox.reports import mail

RETRY_SECONDS = 10 * 60


@shared_task(bind=True, name="inbox.tasks.reports_monthly", max_retries=settings.WEBCARE_MAIL_RETRIES)
def reports_monthly(self: Task) -> int:
    """Send last month's summary to the managers and the board who have not had it; beat runs this on the
    first of each month. Those the mail server refused are tried again later. Returns how many were refused."""
    failed = mail.monthly_summaries_send()
    if failed:
        raise self.retry(countdown=RETRY_SECONDS * 2**self.request.retries, exc=MailNotSent(recipient_ids=failed))
    return 0
