"""Forms of the team page."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _


class RosterForm(forms.Form):
    owner = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label=_("Webcare owner"))
    deputy = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label=_("Deputy"))
    contact_phone = forms.CharField(required=False, max_length=40, label=_("Phone number for complainants"))
    contact_email = forms.EmailField(required=False, label=_("E-mail address for complainants"))

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("owner", "deputy"):
            cast(forms.ChoiceField, self.fields[name]).choices = [("", _("Nobody yet")), *people]
