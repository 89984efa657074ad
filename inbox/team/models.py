"""Who answers for the organisation when: the absences of the people it counts on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


class Absence(models.Model):
    """A person away from ``starts_on`` up to and including ``ends_on`` (whole days, in the organisation's time
    zone): nobody away is ever the one responsible."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="absences")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="absences", verbose_name=_("who")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("up to and including"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["organisation", "ends_on"], name="absence_current_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="absence_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.starts_on}/{self.ends_on}"
