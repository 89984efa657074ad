"""Notifications: something a person should see in the app, pointing at the page where it happened; how each
person wants to hear of them by e-mail; and what was sent."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
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
    # The e-mail about it: claimed by the one task that sends it (so two workers or a retry never send two),
    # and when it went. A claim without ``emailed_at`` is a send in progress, or one that failed and is retried.
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

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


class Delivery(models.TextChoices):
    """How a person hears of one kind of notification, besides the bell (which shows them all)."""

    NOW = "now", _("E-mail at once")
    DIGEST = "digest", _("In the daily digest")
    APP = "app", _("Only in the app")


# What nobody chose yet: a new complaint and a missed target are worth an e-mail at once, the rest waits for
# the digest.
DEFAULT_DELIVERY: dict[str, Delivery] = {
    Notification.Kind.NEW_COMPLAINT: Delivery.NOW,
    Notification.Kind.BREACHED: Delivery.NOW,
}
DEFAULT_DIGEST_HOUR = 8


class MailPreference(models.Model):
    """How one person wants to hear of their notifications by e-mail. Without a row: the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="mail_preference"
    )
    # Kind -> ``Delivery`` value; a kind not in it gets its default (``DEFAULT_DELIVERY``, else the digest).
    deliveries = models.JSONField(default=dict, blank=True)
    # The hour of the day (the organisation's time zone) the digest is sent.
    digest_hour = models.PositiveSmallIntegerField(default=DEFAULT_DIGEST_HOUR, validators=[MaxValueValidator(23)])
    # "No e-mail at all": neither at once nor the digest, whatever ``deliveries`` says (the one-click link sets it).
    is_mail_off = models.BooleanField(default=False)
    # No monthly summary of the reports (sent to managers and the board on the first of the month).
    is_monthly_summary_off = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(digest_hour__lte=23), name="digest_hour_of_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.digest_hour}h"

    def delivery_of(self, kind: str) -> Delivery:
        """How ``kind`` reaches this person: their choice, else the default. ``APP`` for everything once all
        e-mail is off."""
        return Delivery.APP if self.is_mail_off else self.delivery_chosen(kind)

    def delivery_chosen(self, kind: str) -> Delivery:
        """What this person chose for ``kind`` (else its default), whether or not all e-mail is off."""
        chosen = self.deliveries.get(kind)
        return Delivery(chosen) if chosen in Delivery.values else delivery_default(kind)


def delivery_default(kind: str) -> Delivery:
    return DEFAULT_DELIVERY.get(kind, Delivery.DIGEST)


class MailAttempt(models.Model):
    """One try at an e-mail (a notification's, or the daily digest) and how it ended. Holds codes, never an
    address or a text: why it was skipped, and for a failure the kind of error and the server's reply code."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    class Reason(models.TextChoices):
        READ = "read", _("Read already")
        NO_ADDRESS = "no_address", _("No e-mail address")
        DEACTIVATED = "deactivated", _("Deactivated")
        PREFERENCE = "preference", _("Not wanted by e-mail")
        TAKEN = "taken", _("Sent, or being sent, by another try")
        SERVER = "server", _("The mail server refused or could not be reached")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, null=True, blank=True, related_name="mail_attempts"
    )
    digest_on = models.DateField(null=True, blank=True)  # the day of the digest this was
    attempt = models.PositiveSmallIntegerField(default=1)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    reason = models.CharField(max_length=16, choices=Reason.choices, blank=True)
    error = models.CharField(max_length=100, blank=True)  # "SMTPDataError 451": the error's class and code
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="mail_attempt_recipient_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(notification__isnull=True) ^ models.Q(digest_on__isnull=True),
                name="mail_attempt_of_one_thing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.outcome} {self.reason}".strip()


class Digest(models.Model):
    """One person's daily digest of one day: the marker that it was sent (or had nothing to say), so that
    nobody gets two in a day. Claimed before it is sent; a failed send is claimed again by its retry."""

    class State(models.TextChoices):
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        EMPTY = "empty", _("Nothing to say")
        FAILED = "failed", _("Failed, to be tried again")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.CLAIMED)
    claim = models.UUIDField(null=True, blank=True)  # the send that holds it
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="digest_once_a_day")]
        indexes = [models.Index(fields=["day", "state"], name="digest_day_idx")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.day} {self.state}"
