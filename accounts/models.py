from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from webcare.audit import AuditRow


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
            ("view_activity", _("Can read who changed people, sources and the playbook")),
            ("view_contact_details", _("Can see the e-mail address and phone number of every case's complainant")),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. What they may do comes from their role groups (see ``accounts.roles``).

    Never deleted: a person who leaves is deactivated (``is_active``) and keeps their history.
    """

    # The language the person chose last ("": never chose, the site's default); it follows them to a new session.
    language = models.CharField(_("language"), max_length=8, blank=True)
    # The organisation the person works for: everything they read and change is that organisation's. Empty
    # for an account made outside the product (``createsuperuser``), which sees no organisation's data.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisation"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class UserEvent(AuditRow):
    """One audited change to a person's account: who, what, from → to, when.

    ``from_value`` and ``to_value`` hold role codes or states, never an e-mail address or a name.
    """

    class Action(models.TextChoices):
        USER_CREATED = "user_created", _("Added a user")
        ROLE_CHANGED = "role_changed", _("Changed the role")
        EMAIL_CHANGED = "email_changed", _("Changed the e-mail address")
        NAME_CHANGED = "name_changed", _("Changed the name")
        DEACTIVATED = "deactivated", _("Deactivated")
        REACTIVATED = "reactivated", _("Reactivated")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(User, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=50, choices=Action.choices)

    class Meta(AuditRow.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.action} {self.subject_id}"

    @property
    def action_label(self) -> str:
        return str(self.get_action_display())
