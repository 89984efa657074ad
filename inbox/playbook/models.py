"""The organisation's playbook: reply templates, house rules, flagged phrases, four-eyes rules and scenarios."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from monitoring.models import Mention
from webcare.audit import AuditRow


class Priority(models.TextChoices):
    """How urgent a case is; four-eyes rules match on it, so it lives here, below the cases."""

    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Scenario(models.Model):
    """A worst case the board prepared for: what may happen, the prepared answer and who responds."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="scenarios")
    title = models.CharField(_("title"), max_length=200)
    situation = models.TextField(_("when this applies"))
    prepared_answer = models.TextField(_("prepared answer"))
    responder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who responds"),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        db_table = "inbox_scenario"
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ReplyTemplate(models.Model):
    """A reply to start from, with placeholders such as {naam} and {medewerker}."""

    class Purpose(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("Acknowledge")
        INVITE_PRIVATE = "invite_private", _("Invite to a private channel")
        APOLOGY = "apology", _("Apology")
        JUSTIFIED = "justified", _("Justified complaint")
        UNJUSTIFIED = "unjustified", _("Unjustified complaint")
        OPINION = "opinion", _("An opinion")
        RESOLVED_PUBLIC = "resolved_public", _("Resolved, said in public")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="reply_templates")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    language = models.CharField(_("language"), max_length=2, choices=[("nl", "Nederlands"), ("en", "English")])
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        db_table = "inbox_replytemplate"
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["purpose", "language", "title"]

    def __str__(self) -> str:
        return self.title


class HouseRule(models.Model):
    """One of the organisation's own rules for answering, shown beside every reply being written."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="house_rules")
    language = models.CharField(_("language"), max_length=2, choices=[("nl", "Nederlands"), ("en", "English")])
    text = models.CharField(_("rule"), max_length=300)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        db_table = "inbox_houserule"
        verbose_name = _("house rule")
        verbose_name_plural = _("house rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class FlaggedPhrase(models.Model):
    """A phrase that reads badly in a reply, with the advice shown while typing it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="flagged_phrases")
    phrase = models.CharField(_("phrase"), max_length=100)
    advice = models.CharField(_("advice"), max_length=300)

    class Meta:
        db_table = "inbox_flaggedphrase"
        verbose_name = _("flagged phrase")
        verbose_name_plural = _("flagged phrases")
        ordering = ["phrase"]
        constraints = [models.UniqueConstraint(fields=["organisation", "phrase"], name="flaggedphrase_unique")]

    def __str__(self) -> str:
        return self.phrase


class FourEyesRule(models.Model):
    """Public replies on cases that match need approval before they may be marked as posted.

    An empty priority or category matches any.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="four_eyes_rules")
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Mention.Category.choices, blank=True)

    class Meta:
        db_table = "inbox_foureyesrule"
        verbose_name = _("four-eyes rule")
        verbose_name_plural = _("four-eyes rules")

    def __str__(self) -> str:
        return f"{self.priority or '*'} / {self.category or '*'}"


class PlaybookEvent(AuditRow):
    """One audited change to the organisation's playbook or roster: who, what, from → to, when."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    class Meta(AuditRow.Meta):
        db_table = "inbox_playbookevent"

    def __str__(self) -> str:
        return self.action
