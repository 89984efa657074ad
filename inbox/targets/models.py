"""An organisation's opening hours and response-time targets (see ``inbox.targets.rules`` for what they mean)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from inbox.targets import rules


def default_zone() -> str:
    return str(settings.TIME_ZONE)


class TargetSettings(models.Model):
    """The organisation's choices. Without this row the defaults hold: Monday to Friday 09:00-17:00, the public
    holidays closed, 1 hour for a first response inside the opening hours and 4 outside them, 2 working days for
    a resolution."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="target_settings")
    time_zone = models.CharField(_("time zone"), max_length=64, default=default_zone)
    counts_clock_hours = models.BooleanField(_("count clock hours"), default=False)
    # English names (as the ``holidays`` library gives them) of the public holidays the organisation is open on.
    open_on_holidays = models.JSONField(default=list, blank=True)
    first_response_open_minutes = models.PositiveIntegerField(
        _("first response, published inside opening hours"),
        default=int(rules.DEFAULT_FIRST_RESPONSE_OPEN / timedelta(minutes=1)),
    )
    first_response_closed_minutes = models.PositiveIntegerField(
        _("first response, published outside opening hours"),
        default=int(rules.DEFAULT_FIRST_RESPONSE_CLOSED / timedelta(minutes=1)),
    )
    resolution_days = models.PositiveSmallIntegerField(_("resolution"), default=rules.DEFAULT_RESOLUTION_DAYS)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("response-time targets")
        verbose_name_plural = _("response-time targets")
        permissions = [("change_targets", _("Can change the opening hours and response-time targets"))]

    def __str__(self) -> str:
        return str(self.organisation_id)


class OpeningBlock(models.Model):
    """Open from ``starts_at`` to ``ends_at`` on ``weekday``; an end at or before the start is on the next day."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="opening_blocks")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="opening_block_weekday"),
            models.CheckConstraint(condition=~models.Q(starts_at=models.F("ends_at")), name="opening_block_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}\u2013{self.ends_at:%H:%M}"

    @property
    def crosses_midnight(self) -> bool:
        return self.ends_at <= self.starts_at


class ClosedDay(models.Model):
    """A day the organisation is closed, besides the public holidays: a club's summer break, an open day."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="closed_days")
    day = models.DateField(_("date"))
    label = models.CharField(_("what"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["organisation", "day"], name="closed_day_once")]

    def __str__(self) -> str:
        return f"{self.day} {self.label}".strip()


class TargetOverride(models.Model):
    """Other targets for complaints of one category, cases of one priority or mentions with one flag."""

    class Kind(models.TextChoices):
        CATEGORY = rules.CATEGORY, _("Category")
        PRIORITY = rules.PRIORITY, _("Priority")
        FLAG = rules.FLAG, _("Flag")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="target_overrides")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=32)
    first_response_minutes = models.PositiveIntegerField(_("first response"), null=True, blank=True)
    resolution_days = models.PositiveSmallIntegerField(_("resolution"), null=True, blank=True)

    class Meta:
        verbose_name = _("target for some complaints")
        verbose_name_plural = _("targets for some complaints")
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "value"], name="target_override_once"),
            models.CheckConstraint(
                condition=models.Q(first_response_minutes__isnull=False) | models.Q(resolution_days__isnull=False),
                name="target_override_says_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
