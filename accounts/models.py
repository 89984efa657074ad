from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """The club, shop or foundation whose reputation is watched. One per install for now."""

    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # How complainants reach the organisation in private: filled into replies as {telefoon} and {email}.
    contact_phone = models.CharField(_("phone number for complainants"), max_length=40, blank=True)
    contact_email = models.EmailField(_("e-mail address for complainants"), blank=True)
    # The board's appointments: one voice for the organisation, and who takes over during absence.
    webcare_owner = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("webcare owner"),
    )
    webcare_deputy = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deputy"),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        permissions = [
            ("view_reports", _("Can view response-time reports")),
            ("appoint_roster", _("Can appoint the webcare owner and deputy")),
            ("manage_playbook", _("Can edit house rules, flagged phrases, four-eyes rules, scenarios and templates")),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. What they may do comes from their role groups (see ``accounts.roles``)."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username
