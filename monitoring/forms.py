from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitoring.dates import EARLIEST_PUBLICATION, publication_is_sane, publication_latest
from monitoring.models import Source

_LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what a datetime-local input sends and shows
PUBLICATION_OUT_OF_RANGE = _("Enter a moment between 1 January 1990 and tomorrow.")

FEED_KINDS = [(value, label) for value, label in Source.Kind.choices if value != Source.Kind.MANUAL]


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FEED_KINDS, initial=Source.Kind.GOOGLE_ALERTS)
    url = forms.URLField(
        label=_("Feed address"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("The RSS or Atom address, for a Google Alert the one behind its RSS icon."),
    )
    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, help_text=_("Leave empty to use the feed's own title.")
    )


class QuickAddForm(forms.Form):
    url = forms.URLField(
        label=_("Link to the post or review"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("Facebook, Instagram, LinkedIn, X, Google reviews or any other page."),
    )
    text = forms.CharField(label=_("What was said"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000)
    author = forms.CharField(label=_("Who said it"), max_length=200, required=False)
    published_at = forms.DateTimeField(
        label=_("When (if known)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_LOCAL_MINUTE),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The browser's date picker offers only the days the form takes.
        self.fields["published_at"].widget.attrs.update(
            min=timezone.localtime(EARLIEST_PUBLICATION).strftime(_LOCAL_MINUTE),
            max=timezone.localtime(publication_latest()).strftime(_LOCAL_MINUTE),
        )

    def clean_published_at(self) -> datetime | None:
        """The moment given, refused (at the field) outside the range of ``monitoring.dates``."""
        value: datetime | None = self.cleaned_data.get("published_at")
        if value is not None and not publication_is_sane(value):
            raise forms.ValidationError(PUBLICATION_OUT_OF_RANGE, code="out_of_range")
        return value


class WatchTermsForm(forms.Form):
    include = forms.CharField(
        label=_("Only keep entries that mention"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('Words or "quoted phrases", separated by commas or new lines. Empty: keep everything.'),
    )
    exclude = forms.CharField(
        label=_("Leave out entries that mention"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a name you share with others: words that mark what is not about you."),
    )
