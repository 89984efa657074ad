from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitoring.dates import EARLIEST_PUBLICATION, publication_is_sane, publication_latest
from monitoring.feeds.addresses import AddressNotDerivable, feed_address_for
from monitoring.models import POLL_INTERVAL_MAX, POLL_INTERVAL_MIN, Source
from webcare.links import HttpURLField

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what a datetime-local input sends and shows
PUBLICATION_OUT_OF_RANGE = _("Enter a moment between 1 January 1990 and tomorrow.")

FEED_KINDS = [(value, label) for value, label in Source.Kind.choices if value != Source.Kind.MANUAL]


# One line per kind on where its feed address is found, shown next to the kind on the add form.
KIND_HELP: dict[str, StrOrPromise] = {
    Source.Kind.GOOGLE_ALERTS: _("Set the alert to deliver to an RSS feed and copy the address behind its RSS icon."),
    Source.Kind.FEED: _("Blogs, news sites and forums: look for an RSS icon, or try the site's address with /feed."),
    Source.Kind.MASTODON: _("Paste a profile (https://server/@name) or a hashtag page (https://server/tags/word)."),
    Source.Kind.REDDIT: _("Paste a subreddit (https://www.reddit.com/r/name/) or a user page (/user/name)."),
    Source.Kind.YOUTUBE: _(
        "Paste the channel page whose address holds /channel/UC…; a page by @name needs its channel ID instead."
    ),
    Source.Kind.BLUESKY: _("Paste the profile page (https://bsky.app/profile/name)."),
}


def _feed_url_field() -> forms.URLField:
    return forms.URLField(
        label=_("Feed or page address"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("A feed address, or for Mastodon, Reddit, YouTube and Bluesky the page itself: we find its feed."),
    )


def _feed_address(form: SourceForm | SourceAddressForm, kind: str) -> None:
    """Put the feed address of the page typed into ``form``'s ``url`` in its cleaned data, or the error at ``url``.

    ``form.derived_url`` is the feed address when it differs from what was typed, else "".
    """
    url = form.cleaned_data.get("url")
    form.derived_url = ""
    if not url:
        return
    try:
        derived = feed_address_for(kind, url)
    except AddressNotDerivable as exc:
        form.add_error("url", str(exc))
        return
    if derived != url:
        form.cleaned_data["url"] = form.derived_url = derived


def _interval_field(**kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Poll every (minutes)"),
        min_value=POLL_INTERVAL_MIN,
        max_value=POLL_INTERVAL_MAX,
        help_text=_("From 1 minute to 1440 (a day)."),
        **kwargs,
    )


class SourceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=FEED_KINDS, initial=Source.Kind.GOOGLE_ALERTS, widget=forms.RadioSelect
    )
    url = _feed_url_field()
    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, help_text=_("Leave empty to use the feed's own title.")
    )
    poll_interval_minutes = _interval_field(required=False)
    derived_url = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["poll_interval_minutes"].widget.attrs["placeholder"] = str(Source().poll_interval_minutes)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind"):
            _feed_address(self, cleaned["kind"])
        return cleaned

    def kind_choices(self) -> list[tuple[str, str, str]]:
        """Each kind with its value, its label and where its feed address is found."""
        return [(value, str(label), str(KIND_HELP.get(value, ""))) for value, label in FEED_KINDS]


class SourceRenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)


class SourceIntervalForm(forms.Form):
    poll_interval_minutes = _interval_field()


class SourceAddressForm(forms.Form):
    url = _feed_url_field()
    derived_url = ""

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _feed_address(self, self.kind)
        return cleaned


class QuickAddForm(forms.Form):
    url = HttpURLField(
        label=_("Link to the post or review"),
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
