"""Forms of the team page."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _


class RosterForm(forms.Form):
    owner = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label=_("Webcare owner"))
    deputy = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label=_("Deputy"))
    effective_on = forms.DateField(
        required=False,
        label=_("From"),
        help_text=_("Empty: today. A later day: the appointment takes effect that day."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    contact_phone = forms.CharField(required=False, max_length=40, label=_("Phone number for complainants"))
    contact_email = forms.EmailField(required=False, label=_("E-mail address for complainants"))

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("owner", "deputy"):
            cast(forms.ChoiceField, self.fields[name]).choices = [("", _("Nobody yet")), *people]


class AbsenceForm(forms.Form):
    person = forms.TypedChoiceField(coerce=int, label=_("Who"))
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_time = forms.TimeField(
        required=False,
        label=_("From (time)"),
        help_text=_("Empty: from the start of the day."),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    ends_on = forms.DateField(label=_("Up to and including"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_time = forms.TimeField(
        required=False,
        label=_("Until (time)"),
        help_text=_("Empty: to the end of the day."),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    note = forms.CharField(
        required=False,
        max_length=200,
        label=_("Note"),
        help_text=_("Seen by the team. Say who takes over if you like; not why you are away."),
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["person"]).choices = people

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day comes on or after the first."))
        elif starts_on and starts_on == ends_on:
            starts_time, ends_time = data.get("starts_time"), data.get("ends_time")
            if starts_time and ends_time and ends_time <= starts_time:
                self.add_error("ends_time", _("On a single day, the absence ends after it starts."))
        return data
