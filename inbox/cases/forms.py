"""Forms of the case page."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from inbox.cases.models import Case, ImprovementAction, RemovalRequest, Reply
from inbox.cases.services import CONTACT_FIELDS
from inbox.playbook.models import Scenario
from monitoring.dates import EARLIEST_PUBLICATION, publication_is_sane
from webcare.links import HttpURLField
from webcare.widgets import ManyOptionsSelect

NOTE_MAX_LENGTH = 5000


class NoteForm(forms.Form):
    """An internal note, on a mention or a case."""

    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX_LENGTH, label=_("Internal note")
    )


class VersionForm(forms.Form):
    """Every triage form carries the mention's version as the screen showed it."""

    version = forms.IntegerField(min_value=0, required=False)


class CaseDetailsForm(forms.ModelForm):
    """What the handler knows about the complaint; the case's version guards against overwriting.

    Without ``may_see_contact`` the form has no contact fields: it neither shows the stored values nor
    changes them when sent."""

    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    class Meta:
        model = Case
        fields = [
            "title",
            "complainant_name",
            "contact_email",
            "contact_phone",
            "complainer_type",
            "assessment",
            "priority",
            "assignee",
            "tags",
            "scenario",
        ]
        widgets = {"assignee": ManyOptionsSelect}

    def __init__(
        self,
        *args: Any,
        people: list[tuple[int, str]],
        scenarios: list[tuple[int, str]],
        may_see_contact: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not may_see_contact:
            for name in CONTACT_FIELDS:
                del self.fields[name]
        assignee = self.instance.assignee if self.instance.pk else None
        if assignee is not None and assignee.id not in {person_id for person_id, _name in people}:
            # Whoever has the case stays offered (and so stays chosen), even without the role now.
            people = [*people, (assignee.id, str(assignee))]
        # Only the people offered can be chosen (a model field would accept any user id).
        assignee_field = cast(forms.ModelChoiceField, self.fields["assignee"])
        assignee_field.queryset = User.objects.filter(id__in=[person_id for person_id, _name in people])
        assignee_field.choices = [("", _("Nobody")), *people]
        scenario_field = cast(forms.ModelChoiceField, self.fields["scenario"])
        scenario_field.queryset = Scenario.objects.filter(id__in=[scenario_id for scenario_id, _t in scenarios])
        scenario_field.choices = [("", _("None")), *scenarios]

    def values(self) -> dict[str, Any]:
        """The fields as the service takes them (ids for the people and the scenario)."""
        data = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name in self.fields and name not in ("assignee", "scenario")
        }
        data["assignee_id"] = self.cleaned_data["assignee"].id if self.cleaned_data["assignee"] else None
        data["scenario_id"] = self.cleaned_data["scenario"].id if self.cleaned_data["scenario"] else None
        return data


class CaseResolveForm(VersionForm):
    kind = forms.ChoiceField(choices=Case.ResolutionKind.choices, label=_("Solution"))
    agreed = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000, label=_("What was agreed")
    )
    satisfaction_asked = forms.BooleanField(required=False, label=_("Did we ask whether this really solves it?"))
    satisfaction = forms.ChoiceField(
        choices=[("", "—"), *Case.Satisfaction.choices], required=False, label=_("Their answer")
    )


class CaseCloseForm(VersionForm):
    """One of the two is needed: the link to the public follow-up, or the reason there is none."""

    followup_url = HttpURLField(required=False, label=_("Link to the public follow-up"))
    skipped_because = forms.CharField(required=False, max_length=1000, label=_("Or the reason there is none"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("followup_url") and not (data.get("skipped_because") or "").strip():
            self.add_error(
                "followup_url", _("Give the link to the public follow-up, or write the reason there is none.")
            )
        return data


REPLY_MAX_LENGTH = 10_000


class ReplyForm(forms.Form):
    channel = forms.ChoiceField(choices=Reply.Channel.choices, label=_("Channel"))
    text = forms.CharField(widget=forms.Textarea, max_length=REPLY_MAX_LENGTH, label=_("Reply"))
    submission_key = forms.UUIDField(widget=forms.HiddenInput)


class ReplyPostedForm(forms.Form):
    link = HttpURLField(required=False, label=_("Posted at"))
    platform_posted_at = forms.DateTimeField(required=False, label=_("Time on the platform"))

    def clean_platform_posted_at(self) -> datetime | None:
        value: datetime | None = self.cleaned_data["platform_posted_at"]
        if value is not None and not publication_is_sane(value):
            raise forms.ValidationError(
                _("Give a time on the platform between %(earliest)s and now."),
                code="out_of_range",
                params={"earliest": date_format(EARLIEST_PUBLICATION.date(), "DATE_FORMAT")},
            )
        return value


REVIEW_COMMENT_MAX_LENGTH = 2000


class ReplyReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("comment", _("Only comment"))])
    comment = forms.CharField(required=False, max_length=REVIEW_COMMENT_MAX_LENGTH, label=_("Comment"))


class ImprovementForm(forms.Form):
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label=_("What changes"))
    owner = forms.TypedChoiceField(coerce=int, label=_("Owner"), widget=ManyOptionsSelect)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["owner"]).choices = people


class ImprovementUpdateForm(forms.Form):
    state = forms.ChoiceField(choices=ImprovementAction.State.choices, label=_("State"))
    announced_url = HttpURLField(required=False, label=_("Announced at"))


class RemovalRequestForm(forms.Form):
    reason = forms.ChoiceField(choices=RemovalRequest.Reason.choices, label=_("Reason"))
    platform = forms.CharField(max_length=100, label=_("Platform"))
    note = forms.CharField(required=False, max_length=2000, label=_("Note"))


class RemovalOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=RemovalRequest.Outcome.choices, label=_("Outcome"))
