"""Forms of the opening hours and targets page."""

from __future__ import annotations

import re
import zoneinfo
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.playbook.models import Priority
from inbox.targets.models import OpeningBlock, TargetOverride
from monitoring.models import Mention

LONGEST_MINUTES = 14 * 24 * 60  # a target of more than two weeks is a mistake
MOST_DAYS = 30

_HOURS = re.compile(r"^(\d{1,3})(?:[:.](\d{2}))?$", re.ASCII)


def hours_shown(minutes: int | None) -> str:
    """Minutes as the forms take them: "1:30"."""
    if minutes is None:
        return ""
    return f"{minutes // 60}:{minutes % 60:02d}"


class HoursField(forms.Field):
    """A duration typed as hours, or hours and minutes: "4", "1:30". Cleans to minutes (None: empty)."""

    default_error_messages = {"invalid": _("Write hours, or hours and minutes: 4 or 1:30.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "size": 6, "maxlength": 10}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        match = _HOURS.match(text)
        if match is None or int(match[2] or 0) >= 60:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        minutes = int(match[1]) * 60 + int(match[2] or 0)
        if not 1 <= minutes <= LONGEST_MINUTES:
            raise forms.ValidationError(_("Between one minute and two weeks."), code="range")
        return minutes


COUNTS = [
    ("open", _("Opening hours only: the clock stops while we are closed")),
    ("clock", _("Clock hours: the clock always runs")),
]


def _zones() -> list[tuple[str, str]]:
    return [(zone, zone) for zone in sorted(zoneinfo.available_timezones()) if "/" in zone or zone == "UTC"]


class TargetsForm(forms.Form):
    first_response_open = HoursField(
        label=_("First response, published inside opening hours"), help_text=_("Hours, or hours and minutes: 1:00.")
    )
    first_response_closed = HoursField(
        label=_("First response, published outside opening hours"),
        help_text=_("Counted from the next opening when the targets count opening hours."),
    )
    resolution_days = forms.IntegerField(
        label=_("Resolution, in working days"),
        min_value=1,
        max_value=MOST_DAYS,
        help_text=_(
            "Counted from the day after publication; due at closing time on the last of them. A working day is a "
            "day with opening hours that is not a public holiday or a closed day."
        ),
    )
    counts = forms.ChoiceField(label=_("The targets count"), choices=COUNTS)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_zones)


class BlockForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Day"), coerce=int, choices=OpeningBlock.Weekday.choices)
    starts_at = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(
        label=_("Until"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("An end before the start is on the next day: 20:00 until 01:00."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") is not None and data.get("starts_at") == data.get("ends_at"):
            self.add_error("ends_at", _("A block ends at another time than it starts."))
        return data


class HolidaysForm(forms.Form):
    closed_on = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, keys: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["closed_on"]).choices = keys


class ClosedDayForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    label = forms.CharField(label=_("What"), max_length=100, required=False)


def override_choices() -> list[tuple[str, list[tuple[str, Any]]]]:
    return [
        (str(_("Category")), [(f"category:{v}", label) for v, label in Mention.Category.choices]),
        (str(_("Priority")), [(f"priority:{v}", label) for v, label in Priority.choices]),
        (
            str(_("Flag")),
            [(f"flag:{v}", label) for v, label in Mention.Flag.choices if v != Mention.Flag.REPEATED_AUTHOR],
        ),
    ]


class OverrideForm(forms.Form):
    applies_to = forms.ChoiceField(label=_("For"), choices=override_choices)
    first_response = HoursField(label=_("First response"), required=False, help_text=_("Empty: the general target."))
    resolution_days = forms.IntegerField(
        label=_("Resolution, in working days"),
        min_value=1,
        max_value=MOST_DAYS,
        required=False,
        help_text=_("Empty: the general target."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_valid_so_far() and data.get("first_response") is None and data.get("resolution_days") is None:
            raise forms.ValidationError(_("Set a first response, a resolution or both."))
        return data

    def is_valid_so_far(self) -> bool:
        return not self.errors

    def kind_and_value(self) -> tuple[str, str]:
        kind, _sep, value = self.cleaned_data["applies_to"].partition(":")
        assert kind in TargetOverride.Kind.values
        return kind, value
