"""How long the organisation keeps complainers' personal data, its privacy statement, and the audit of what
was anonymised, exported or erased (counts, never the person)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from webcare.audit import AuditRow

# Defaults: mentions that never became a case a year after they were said, closed cases two years after closing.
MENTION_MONTHS = 12
CASE_MONTHS = 24
MAX_MONTHS = 120


class PrivacyPolicy(models.Model):
    """One organisation's retention periods and, where it rewrote it, its privacy statement (empty: ours)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="privacy_policy")
    mention_months = models.PositiveSmallIntegerField(
        _("mentions that never became a case, months after they were said"),
        default=MENTION_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MONTHS)],
    )
    case_months = models.PositiveSmallIntegerField(
        _("closed cases, months after closing"),
        default=CASE_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MONTHS)],
    )
    statement_nl = models.TextField(_("privacy statement in Dutch"), blank=True)
    statement_en = models.TextField(_("privacy statement in English"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("privacy policy")
        verbose_name_plural = _("privacy policies")
        permissions = [("manage_personal_data", _("Can find, export and erase a person's data"))]

    def __str__(self) -> str:
        return str(self.organisation)


class PrivacyEvent(AuditRow):
    """A retention run, an erasure, an export or a change of the policy: who, when, and how many rows."""

    class Action(models.TextChoices):
        RETENTION = "retention", _("anonymised what its retention period passed")
        ERASED = "erased", _("erased a person")
        EXPORTED = "exported", _("exported a person's data")
        POLICY_CHANGED = "policy_changed", _("changed the retention periods")
        STATEMENT_CHANGED = "statement_changed", _("changed the privacy statement")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=50, choices=Action.choices)
    counts = models.JSONField(default=dict, blank=True)  # {"mentions": 2000, "cases": 3, ...}

    class Meta(AuditRow.Meta):
        verbose_name = _("privacy event")
        verbose_name_plural = _("privacy events")

    def __str__(self) -> str:
        return f"{self.action} {self.counts}"
