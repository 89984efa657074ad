"""Notifications: something a person should see in the app, pointing at the page where it happened."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Something a person should see: an @mention in a note, a reply waiting for approval, an approval.

    It knows no case or mention, only the page to open (``url``); what it is about is a ``kind``. A
    ``dedupe_key`` that is not empty is told to each recipient once.
    """

    class Kind(models.TextChoices):
        NAMED = "named", _("Named in a note")
        APPROVAL_ASKED = "approval_asked", _("Asked to approve a reply")
        APPROVED = "approved", _("Reply approved")
        REPLY_COMMENT = "reply_comment", _("Comment on a reply")
        ASSIGNED = "assigned", _("A case given to you")
        NEW_COMPLAINT = "new_complaint", _("A new complaint while you are responsible")
        AT_RISK = "at_risk", _("A case close to its target")
        BREACHED = "breached", _("A case past its target")
        SOURCE_PAUSED = "source_paused", _("A source paused")
        UNUSUAL_VOLUME = "unusual_volume", _("Unusually many mentions")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    url = models.CharField(max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "inbox_notification"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_told_once",
            )
        ]

    def __str__(self) -> str:
        return self.text
