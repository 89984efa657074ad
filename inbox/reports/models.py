"""What the reports keep: the marker that a person's monthly summary was sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthlySummary(models.Model):
    """One person's summary of one month (``month``: its first day), sent on the first of the next: the marker
    that it went, so that nobody gets two, and every try's outcome (the error's kind, never an address).
    Claimed before it is sent; a failed send is claimed again by its retry."""

    class State(models.TextChoices):
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, to be tried again")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.CLAIMED)
    claim = models.UUIDField(null=True, blank=True)  # the send that holds it
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=100, blank=True)  # "SMTPDataError 451": the last failure's class and code
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "month"], name="monthly_summary_once")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.month:%Y-%m} {self.state}"
