"""Who answers for the organisation when: the board's appointments over time, and the absences of the people
it counts on."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


def local_moment(day: date, at: time | None = None) -> datetime:
    """``at`` on ``day`` (midnight without a time) in the organisation's time zone (``settings.TIME_ZONE``)."""
    return timezone.make_aware(datetime.combine(day, time.min if at is None else at))


class Appointment(models.Model):
    """The board appoints ``person`` webcare owner or deputy from ``effective_on`` on (``None``: nobody).

    Kept for good: the list of them is the history of who answered for the organisation. The organisation's
    ``webcare_owner`` and ``webcare_deputy`` hold the appointments in effect; one with a later date takes
    effect on its day (``applied_at``), and one withdrawn before that never does.
    """

    class Role(models.TextChoices):
        OWNER = "owner", _("Webcare owner")
        DEPUTY = "deputy", _("Deputy")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="appointments")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    effective_on = models.DateField(_("from"))
    # None: appointed before the history was kept (the appointments an install had when it began keeping it).
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)  # when it took effect; None: not yet
    withdrawn_at = models.DateTimeField(null=True, blank=True)  # taken back before it took effect
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-effective_on", "-id"]
        indexes = [models.Index(fields=["organisation", "effective_on"], name="appointment_history_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(applied_at__isnull=True) | models.Q(withdrawn_at__isnull=True),
                name="appointment_applied_or_withdrawn",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.person_id} from {self.effective_on}"

    @property
    def is_pending(self) -> bool:
        return self.applied_at is None and self.withdrawn_at is None


class Absence(models.Model):
    """A person away from ``starts_on`` (at ``starts_time``, else from the start of the day) up to and including
    ``ends_on`` (until ``ends_time``, else to its end), in the organisation's time zone: nobody away is ever the
    one responsible. ``starts_at`` and ``ends_at`` hold the same moments (the end excluded), set together with
    the dates by ``period_set``."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="absences")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="absences", verbose_name=_("who")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("up to and including"))
    starts_time = models.TimeField(_("from (time)"), null=True, blank=True)
    ends_time = models.TimeField(_("until (time)"), null=True, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["organisation", "ends_at"], name="absence_until_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="absence_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="absence_ends_after_it_starts"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.starts_at.isoformat()}/{self.ends_at.isoformat()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An absence made from its dates alone (as before absences had hours) gets the moments they mean.
        if self.starts_at is None or self.ends_at is None:
            self.period_set(
                starts_on=self.starts_on, ends_on=self.ends_on, starts_time=self.starts_time, ends_time=self.ends_time
            )
        super().save(*args, **kwargs)

    def period_set(
        self, *, starts_on: date, ends_on: date, starts_time: time | None = None, ends_time: time | None = None
    ) -> None:
        """Set the dates and times as a person gives them, and the moments they mean."""
        self.starts_on, self.ends_on, self.starts_time, self.ends_time = starts_on, ends_on, starts_time, ends_time
        self.starts_at = local_moment(starts_on, starts_time)
        self.ends_at = (
            local_moment(ends_on + timedelta(days=1)) if ends_time is None else local_moment(ends_on, ends_time)
        )

    @property
    def is_whole_days(self) -> bool:
        return self.starts_time is None and self.ends_time is None
