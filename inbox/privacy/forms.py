"""Forms of the privacy page: the retention periods, and the privacy statement in one language."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.privacy.models import MAX_MONTHS

STATEMENT_MAX_LENGTH = 20_000


class RetentionForm(forms.Form):
    mention_months = forms.IntegerField(
        label=_("Mentions that never became a case"),
        min_value=1,
        max_value=MAX_MONTHS,
        help_text=_("Months after they were said."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 4}),
    )
    case_months = forms.IntegerField(
        label=_("Closed cases"),
        min_value=1,
        max_value=MAX_MONTHS,
        help_text=_("Months after the case was closed."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 4}),
    )


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("Statement"),
        required=False,
        max_length=STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Plain text; leave a blank line between paragraphs. Filled in when shown: {organisatie}, "
            "{maanden_vermeldingen}, {maanden_zaken}, {email} and {telefoon}."
        ),
    )
    reset = forms.BooleanField(
        label=_("Reset to the product's text"),
        required=False,
        help_text=_("Publishes the product's text again, and its later improvements."),
    )
