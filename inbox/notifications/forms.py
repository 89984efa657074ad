"""How a person wants to hear of their notifications: per kind, the digest's hour, or no e-mail at all."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.notifications.models import Delivery, MailPreference, Notification

Kind = Notification.Kind

# What each kind means, in plain words, on the settings page.
KIND_HELP = {
    Kind.NEW_COMPLAINT: _("A new complaint comes in while you are the one who handles complaints."),
    Kind.BREACHED: _("A case of yours is past the time it should have been answered or solved by."),
    Kind.AT_RISK: _("A case of yours has used three quarters of its time."),
    Kind.ASSIGNED: _("A case or mention is given to you, also while a colleague is away."),
    Kind.APPROVAL_ASKED: _("A colleague asks you to check a reply before it goes out."),
    Kind.APPROVED: _("Your reply was approved."),
    Kind.REPLY_COMMENT: _("A colleague commented on your reply."),
    Kind.NAMED: _("A colleague names you (@your name) in a note."),
    Kind.SOURCE_PAUSED: _("A source was paused because it failed again and again."),
    Kind.UNUSUAL_VOLUME: _("Many more mentions than usual about a source or a search term."),
}
HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]


class MailSettingsForm(forms.Form):
    digest_hour = forms.TypedChoiceField(
        coerce=int,
        choices=HOURS,
        label=_("Daily digest at"),
        help_text=_("One e-mail a day with your open cases, what is due today or late, and new complaints."),
    )
    is_mail_off = forms.BooleanField(
        required=False,
        label=_("No e-mail at all"),
        help_text=_("Neither at once nor the digest. You still see everything under the bell."),
    )

    # Shown to those who read the reports (managers and the board), who get the summary.
    is_monthly_summary_off = forms.BooleanField(
        required=False,
        label=_("No monthly summary"),
        help_text=_(
            "On the first of each month an e-mail with last month's figures: mentions, complaints, response "
            "times. Tick to stop it."
        ),
    )

    def preference(self) -> dict[str, Any]:
        """The cleaned form as ``services.mail_preference_save`` takes it."""
        return {
            "deliveries": {kind: self.cleaned_data[kind] for kind in KIND_HELP},
            "digest_hour": self.cleaned_data["digest_hour"],
            "is_mail_off": self.cleaned_data["is_mail_off"],
            "is_monthly_summary_off": self.cleaned_data["is_monthly_summary_off"],
        }

    @staticmethod
    def initial_of(preference: MailPreference) -> dict[str, Any]:
        chosen: dict[str, Any] = {kind: preference.delivery_chosen(kind) for kind in KIND_HELP}
        return {
            **chosen,
            "digest_hour": preference.digest_hour,
            "is_mail_off": preference.is_mail_off,
            "is_monthly_summary_off": preference.is_monthly_summary_off,
        }


# One choice per kind, in the order above (declared here so that the form's fields are known to its class).
MailSettingsForm.base_fields.update(
    {
        kind: forms.ChoiceField(choices=Delivery.choices, label=kind.label, help_text=help_text)
        for kind, help_text in KIND_HELP.items()
    }
)
