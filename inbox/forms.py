from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from inbox.models import Case, ImprovementAction, RemovalRequest, Reply, ReplyTemplate, Scenario
from inbox.selectors import LANGUAGES, Cursor, MentionFilters
from monitoring.dates import EARLIEST_PUBLICATION, day_clamp, publication_is_sane
from monitoring.feeds.platforms import Platform
from monitoring.models import Mention
from webcare.links import HttpURLField
from webcare.memo import Memo

# The saved views every inbox has: each is a set of filters, and its link shows them in the URL.
SAVED_VIEWS: dict[str, tuple[Any, dict[str, list[str]]]] = {
    "new": (_("New"), {"status": ["new"]}),
    "complaints": (_("Complaints without a response"), {"category": ["complaint"], "status": ["new", "triaged"]}),
    "mine": (_("Mine"), {"assignee": ["me"], "status": ["new", "triaged", "in_case"]}),
    "all": (_("Everything"), {}),
}
DEFAULT_VIEW = "new"
MAX_ID = 2**63 - 1  # the largest id a row can have (64-bit primary keys)
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


class VersionForm(forms.Form):
    """Every triage form carries the mention's version as the screen showed it."""

    version = forms.IntegerField(min_value=0, required=False)


class CategoriseForm(VersionForm):
    category = forms.ChoiceField(choices=Mention.Category.choices, label=_("Category"))


class IgnoreForm(VersionForm):
    reason = forms.ChoiceField(choices=Mention.IgnoreReason.choices, label=_("Why it needs no answer"))


class AssignForm(VersionForm):
    assignee = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label=_("Assign to"))

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [("", _("Nobody")), *people]


class NoteForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label=_("Internal note"))


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


# Cases -----------------------------------------------------------------------------------------------


class CaseDetailsForm(forms.ModelForm):
    """What the handler knows about the complaint; the case's version guards against overwriting."""

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

    def __init__(
        self, *args: Any, people: list[tuple[int, str]], scenarios: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
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
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name not in ("assignee", "scenario")}
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
    owner = forms.TypedChoiceField(coerce=int, label=_("Owner"))

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


# The playbook (the board) -----------------------------------------------------------------------------


class RosterForm(forms.Form):
    owner = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label=_("Webcare owner"))
    deputy = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label=_("Deputy"))
    contact_phone = forms.CharField(required=False, max_length=40, label=_("Phone number for complainants"))
    contact_email = forms.EmailField(required=False, label=_("E-mail address for complainants"))

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("owner", "deputy"):
            cast(forms.ChoiceField, self.fields[name]).choices = [("", _("Nobody yet")), *people]


class PlaybookItemForm(forms.Form):
    """An item of one of the playbook's lists; ``people`` are offered where a person is chosen."""

    def __init__(self, *args: Any, people: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people or []


class HouseRuleForm(PlaybookItemForm):
    text = forms.CharField(max_length=300, label=_("Rule"))
    language = forms.ChoiceField(choices=[("nl", "Nederlands"), ("en", "English")], label=_("Language"))


class FlaggedPhraseForm(PlaybookItemForm):
    phrase = forms.CharField(max_length=100, label=_("Phrase"))
    advice = forms.CharField(max_length=300, label=_("Advice shown while typing it"))


class FourEyesRuleForm(PlaybookItemForm):
    priority = forms.ChoiceField(
        choices=[("", _("Any priority")), *Case.Priority.choices], required=False, label=_("Priority")
    )
    category = forms.ChoiceField(
        choices=[("", _("Any category")), *Mention.Category.choices], required=False, label=_("Category")
    )


class ScenarioForm(PlaybookItemForm):
    title = forms.CharField(max_length=200, label=_("Title"))
    situation = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("When this applies"))
    prepared_answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Prepared answer"))
    responder_id = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label=_("Who responds"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["responder_id"]).choices = [("", _("Not decided")), *self.people]


class OrganisationChoiceField(forms.ModelChoiceField):
    """An id sent with a form for one of the organisation's own rows: an unknown, malformed or other
    organisation's id is a field error, never a failed look-up further on. ``model`` has an
    ``organisation`` foreign key; the form narrows the rows with ``for_organisation``."""

    def __init__(self, model: type[Any], *, message: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(model._default_manager.none(), error_messages={"invalid_choice": message}, **kwargs)
        self.model = model

    def for_organisation(self, organisation: Any) -> None:
        """Offer only ``organisation``'s rows (none for None)."""
        manager = self.model._default_manager
        self.queryset = manager.filter(organisation=organisation) if organisation is not None else manager.none()

    def to_python(self, value: Any) -> Any:
        # Postgres cannot compare an id past 64 bits, and "²" passes isdigit(): both are simply unknown.
        if isinstance(value, str) and value and not (value.isascii() and value.isdigit() and int(value) <= MAX_ID):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ReplyTemplateForm(forms.Form):
    template_id = OrganisationChoiceField(
        ReplyTemplate, required=False, message=_("This template does not exist (any more). Reload the page.")
    )
    purpose = forms.ChoiceField(choices=ReplyTemplate.Purpose.choices, label=_("Purpose"))
    language = forms.ChoiceField(choices=[("nl", "Nederlands"), ("en", "English")], label=_("Language"))
    title = forms.CharField(max_length=200, label=_("Title"))
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, label=_("Text"))
    is_active = forms.BooleanField(required=False, initial=True, label=_("In use"))

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(OrganisationChoiceField, self.fields["template_id"]).for_organisation(organisation)


PLAYBOOK_FORMS: dict[str, type[PlaybookItemForm]] = {
    "house_rule": HouseRuleForm,
    "flagged_phrase": FlaggedPhraseForm,
    "four_eyes_rule": FourEyesRuleForm,
    "scenario": ScenarioForm,
}


class RemovalOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=RemovalRequest.Outcome.choices, label=_("Outcome"))
