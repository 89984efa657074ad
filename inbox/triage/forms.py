"""The inbox list's filters as they arrive in the address, and the triage forms."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from inbox.cases.forms import VersionForm
from inbox.http import MAX_ID
from inbox.triage.selectors import LANGUAGES, Cursor, MentionFilters
from monitoring.dates import day_clamp
from monitoring.feeds.platforms import Platform
from monitoring.models import Mention
from webcare.memo import Memo

# The saved views every inbox has: each is a set of filters, and its link shows them in the URL.
SAVED_VIEWS: dict[str, tuple[Any, dict[str, list[str]]]] = {
    "new": (_("New"), {"status": ["new"]}),
    "complaints": (_("Complaints without a response"), {"category": ["complaint"], "status": ["new", "triaged"]}),
    "mine": (_("Mine"), {"assignee": ["me"], "status": ["new", "triaged", "in_case"]}),
    "all": (_("Everything"), {}),
}


DEFAULT_VIEW = "new"


FILTER_NAMES = ("status", "category", "platform", "source", "language", "flag", "assignee", "from", "to", "q")


# What each value in the address is called where a message names it.
FILTER_LABELS: dict[str, Any] = {
    "status": _("Status"),
    "category": _("Category"),
    "platform": _("Platform"),
    "source": _("Source"),
    "language": _("Language"),
    "flag": _("Flags"),
    "assignee": _("Assigned to"),
    "from": _("From"),
    "to": _("To"),
    "q": _("Search"),
    "view": _("Views"),
    "sort": _("Order of the results"),
    "before": _("Page"),
}


_URL_NAMES = {"published_from": "from", "published_to": "to"}  # the form's names that differ from the address's


@dataclass(frozen=True)
class FilterError:
    """A value in the address that could not be read: the list shows without it and says so."""

    name: str  # as in the address ("to", "before")
    label: str
    message: str

    def __str__(self) -> str:
        return f"{self.label}: {self.message}"


class OpenChoiceField(forms.TypedMultipleChoiceField):
    """Several values from an open set (source ids, people): each is checked where it is used."""

    def valid_value(self, value: str) -> bool:
        return True


class MentionFilterForm(forms.Form):
    """The inbox's filters, all in the query string. Without any, the default view (New) applies."""

    view = forms.ChoiceField(required=False, choices=[(key, label) for key, (label, _f) in SAVED_VIEWS.items()])
    status = forms.MultipleChoiceField(required=False, choices=Mention.Status.choices)
    category = forms.MultipleChoiceField(required=False, choices=Mention.Category.choices)
    platform = forms.MultipleChoiceField(required=False, choices=Platform.choices)
    source = OpenChoiceField(required=False, coerce=int)
    language = forms.MultipleChoiceField(required=False, choices=[(code, code) for code in LANGUAGES])
    flag = forms.MultipleChoiceField(required=False, choices=Mention.Flag.choices)
    assignee = OpenChoiceField(required=False)
    # "from" and "to" in the URL; Python keywords are not field names.
    published_from = forms.DateField(required=False, label=_("From"))
    published_to = forms.DateField(required=False, label=_("To"))
    q = forms.CharField(required=False, max_length=200, strip=True, label=_("Search"))
    # A search comes best match first; "newest" lists its matches in order of publication instead.
    sort = forms.ChoiceField(required=False, choices=[("newest", _("Newest first"))])
    before = forms.CharField(required=False, max_length=120)

    def __init__(self, data: Any, *args: Any, **kwargs: Any) -> None:
        data = data.copy()
        for url_name, field_name in (("from", "published_from"), ("to", "published_to")):
            if url_name in data:
                data[field_name] = data[url_name]
        if not any(data.get(name) for name in FILTER_NAMES) and not data.get("view"):
            data["view"] = DEFAULT_VIEW
        view = data.get("view")
        if view in SAVED_VIEWS:
            for name, values in SAVED_VIEWS[view][1].items():
                if not data.getlist(name):
                    data.setlist(name, values)
        super().__init__(data, *args, **kwargs)

    def clean_published_from(self) -> date | None:
        return _day_in_range(self.cleaned_data["published_from"])

    def clean_published_to(self) -> date | None:
        return _day_in_range(self.cleaned_data["published_to"])

    def clean_source(self) -> list[int]:
        return _ids(self.cleaned_data["source"], _("Choose one of the sources."))

    def clean_assignee(self) -> list[str]:
        values = self.cleaned_data["assignee"]
        for value in values:
            if value not in ("me", "none") and not (_is_number(value) and 0 < int(value) <= MAX_ID):
                raise forms.ValidationError(_("Choose a person, “me” or “unassigned”."), code="invalid")
        return values

    def clean_before(self) -> Cursor | None:
        return self.cursor_of(self.cleaned_data["before"])

    @staticmethod
    def cursor_of(value: str) -> Cursor | None:
        if not value:
            return None
        try:
            return Cursor.parse(value)
        except (ValueError, ArithmeticError):
            raise forms.ValidationError(_("This page link is not valid."), code="invalid") from None

    def filters(self) -> MentionFilters:
        """The filters that could be read (after ``is_valid()``); one that could not is left out."""
        data = self.cleaned_data
        query = data.get("q", "")
        return MentionFilters(
            statuses=tuple(data.get("status", ())),
            categories=tuple(data.get("category", ())),
            platforms=tuple(data.get("platform", ())),
            source_ids=tuple(data.get("source", ())),
            languages=tuple(data.get("language", ())),
            flags=tuple(data.get("flag", ())),
            assignees=tuple(data.get("assignee", ())),
            published_from=data.get("published_from"),
            published_to=data.get("published_to"),
            query=query,
            newest_first=bool(query) and data.get("sort") == "newest",
        )

    def filter_errors(self) -> tuple[FilterError, ...]:
        """What could not be read, by the name in the address (after ``is_valid()``)."""
        found = []
        for field, messages in self.errors.items():
            name = _URL_NAMES.get(field, field)
            label = str(FILTER_LABELS.get(name, name))
            found += [FilterError(name, label, str(message)) for message in messages]
        return tuple(found)

    def query(self) -> QueryDict:
        """The filters in force as query string values, a saved view spelled out (no page; ``view=all`` for none).

        A value that could not be read is left out, so that the list's links go on without it."""
        query = QueryDict(mutable=True)
        data = cast(QueryDict, self.data)
        unread = {_URL_NAMES.get(field, field) for field in self.errors}
        for name in FILTER_NAMES:
            values = [value for value in data.getlist(name) if value]
            if values and name not in unread:
                query.setlist(name, values)
        if query.get("q") and data.get("sort") == "newest":
            query["sort"] = "newest"
        if not query:
            # No filters at all is the "Everything" view; an empty query would mean the default view
            # (New) to the next page, the counts and the "N new" bar.
            query["view"] = "all"
        return query

    def current_view(self) -> str:
        """The saved view these filters are exactly, or "" for a view of one's own."""
        data = cast(QueryDict, self.data)
        chosen = {name: sorted(data.getlist(name)) for name in FILTER_NAMES if data.getlist(name)}
        for key, (_label, values) in SAVED_VIEWS.items():
            if chosen == {name: sorted(v) for name, v in values.items()}:
                return key
        return ""


@dataclass(frozen=True)
class ListRequest:
    """What a query string asks of the list, as ``MentionFilterForm`` reads it."""

    filters: MentionFilters
    query: str  # the filters in force as a query string, as the list's links carry them (no page)
    view: str  # the saved view these filters are, or ""
    before: Cursor | None = None  # the page after this cursor; None for the first
    errors: tuple[FilterError, ...] = ()  # the values that could not be read, and so don't apply
    sent_query: str = ""  # the filters as sent, values that could not be read included

    def error_of(self, name: str) -> str:
        """What is wrong with the value called ``name`` in the address; "" when nothing is."""
        return " ".join(error.message for error in self.errors if error.name == name)


# The form's reading of each query string (less its page) in each language: the inbox's pages, its "N new"
# bar and its counts read the same few all day. Bounded: searches make every query string a new one.
_LIST_REQUESTS: Memo[tuple[Any, ...], ListRequest] = Memo(1000)


_LIST_NAMES = frozenset((*FILTER_NAMES, "view", "sort"))


_PAGE_FIELD = MentionFilterForm.base_fields["before"]


def list_request(data: QueryDict) -> ListRequest:
    """``data`` read by ``MentionFilterForm``, the filters once per query string and language."""
    key = (tuple((name, tuple(values)) for name, values in sorted(data.lists()) if name in _LIST_NAMES), get_language())
    read = _LIST_REQUESTS.get(key, lambda: _list_filters(data))
    page = data.get("before")
    if not page:
        return read
    try:
        return replace(read, before=MentionFilterForm.cursor_of(_PAGE_FIELD.clean(page)))
    except forms.ValidationError as error:
        # The first page instead, saying why.
        label = str(FILTER_LABELS["before"])
        return replace(read, errors=(*read.errors, *(FilterError("before", label, m) for m in error.messages)))


def _list_filters(data: QueryDict) -> ListRequest:
    filters_only = QueryDict(mutable=True)
    for name, values in data.lists():
        if name in _LIST_NAMES:
            filters_only.setlist(name, values)
    form = MentionFilterForm(filters_only)
    form.is_valid()
    sent = QueryDict(mutable=True)
    for name in (*FILTER_NAMES, "view", "sort"):
        if filters_only.getlist(name):
            sent.setlist(name, filters_only.getlist(name))
    return ListRequest(
        filters=form.filters(),
        query=form.query().urlencode(),
        view=form.current_view(),
        errors=form.filter_errors(),
        sent_query=sent.urlencode(),
    )


class CategoriseForm(VersionForm):
    category = forms.ChoiceField(choices=Mention.Category.choices, label=_("Category"))


class IgnoreForm(VersionForm):
    reason = forms.ChoiceField(choices=Mention.IgnoreReason.choices, label=_("Why it needs no answer"))


class AssignForm(VersionForm):
    assignee = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label=_("Assign to"))

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [("", _("Nobody")), *people]


class CaseForm(VersionForm):
    """Open a new case (no ``case``) or add the mention to an open case."""

    case = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label=_("Add to case"))
    title = forms.CharField(required=False, max_length=300, label=_("Case title"))


class BulkForm(forms.Form):
    ids = OpenChoiceField(coerce=int, label=_("Selected mentions"))
    action = forms.ChoiceField(
        choices=[("ignore", _("Ignore")), ("categorise", _("Set category")), ("assign", _("Assign"))]
    )
    value = forms.CharField(required=False, max_length=20)
    # Any id may be sent: the service only touches mentions the person may see.

    def clean_ids(self) -> list[int]:
        return _ids(self.cleaned_data["ids"], _("Select mentions and choose what to do with them."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value = data.get("value", "")
        if data.get("action") == "assign" and value and not _is_number(value):
            self.add_error("value", forms.ValidationError(_("Choose a person."), code="invalid"))
        return data


def _is_number(value: str) -> bool:
    """Whether ``value`` is written in the digits 0-9 only ("²" passes ``isdigit()`` but is no number)."""
    return value.isascii() and value.isdigit()


def _day_in_range(value: date | None) -> date | None:
    """A day of a date filter moved into the range of publication dates: 9999-12-31 asks for "any time
    until now", and would overflow once a day is added to make it inclusive."""
    return day_clamp(value) if value is not None else None


def _ids(values: list[int], message: Any) -> list[int]:
    """Row ids as sent; one that no row can have is refused here (SQLite cannot even compare it)."""
    if any(not 0 < value <= MAX_ID for value in values):
        raise forms.ValidationError(message, code="invalid")
    return values
