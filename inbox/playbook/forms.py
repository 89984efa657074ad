"""Forms of the playbook page."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.http import MAX_ID
from inbox.playbook.models import Priority, ReplyTemplate
from monitoring.models import Mention


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
        choices=[("", _("Any priority")), *Priority.choices], required=False, label=_("Priority")
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
