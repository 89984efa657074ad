from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.selectors import Cursor


class MentionPageForm(forms.Form):
    """Which page of the list: ``before`` is the cursor of the last mention on the previous page."""

    before = forms.CharField(required=False, max_length=80)

    def clean_before(self) -> Cursor | None:
        value = self.cleaned_data["before"]
        if not value:
            return None
        published, _sep, mention_id = value.rpartition("~")
        try:
            return Cursor(published_at=datetime.fromisoformat(published), mention_id=int(mention_id))
        except ValueError:
            raise forms.ValidationError(_("This page link is not valid."), code="invalid") from None
