"""Changes to the playbook: templates, house rules, flagged phrases, four-eyes rules and scenarios."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from inbox.exceptions import CaseRefused
from inbox.playbook.defaults import seed_organisation
from inbox.playbook.models import FlaggedPhrase, FourEyesRule, HouseRule, PlaybookEvent, ReplyTemplate, Scenario
from inbox.playbook.wording import placeholders_unknown


def reply_template_save(
    *,
    actor: User,
    organisation: Organisation,
    template_id: int | None,
    purpose: str,
    language: str,
    title: str,
    body: str,
    is_active: bool = True,
) -> ReplyTemplate:
    """Create (no ``template_id``) or change one of ``organisation``'s templates. Raises ``CaseRefused``
    naming any unknown placeholder, and for a template the organisation does not have."""
    unknown = placeholders_unknown(body)
    if unknown:
        raise CaseRefused(
            _(
                "Unknown placeholders: %(names)s. Use {naam}, {medewerker}, {organisatie}, {telefoon}, {email} or "
                "{privacy}."
            )
            % {"names": ", ".join("{" + name + "}" for name in unknown)}
        )
    with transaction.atomic():
        template = (
            ReplyTemplate(organisation=organisation)
            if template_id is None
            else ReplyTemplate.objects.select_for_update().filter(id=template_id, organisation=organisation).first()
        )
        if template is None:
            raise CaseRefused(_("This template does not exist (any more). Reload the page."))
        before = f"{template.title}: {template.body}" if template_id else ""
        template.purpose, template.language, template.title = purpose, language, title.strip()
        template.body, template.is_active = body.strip(), is_active
        template.full_clean()
        template.save()
        playbook_event_record(organisation, actor, "template", before, f"{template.title}: {template.body}")
    return template


def organisation_defaults_seed(*, organisation_id: int) -> None:
    """Give a new organisation the default templates, house rules, flagged phrases and scenarios."""
    models_by_name = {
        "ReplyTemplate": ReplyTemplate,
        "HouseRule": HouseRule,
        "FlaggedPhrase": FlaggedPhrase,
        "Scenario": Scenario,
    }
    with transaction.atomic():
        seed_organisation(organisation_id, models=models_by_name)


# What the playbook's lists hold: the model and the fields a person fills in.
PLAYBOOK_LISTS: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
    "house_rule": (HouseRule, ("text", "language")),
    "flagged_phrase": (FlaggedPhrase, ("phrase", "advice")),
    "four_eyes_rule": (FourEyesRule, ("priority", "category")),
    "scenario": (Scenario, ("title", "situation", "prepared_answer", "responder_id")),
}


def playbook_item_add(*, actor: User, organisation: Organisation, kind: str, values: dict[str, Any]) -> models.Model:
    """Add a house rule, flagged phrase, four-eyes rule or scenario. Raises ``CaseRefused`` for bad input."""
    model, fields = PLAYBOOK_LISTS[kind]
    extra: dict[str, Any] = {}
    if kind == "house_rule":
        extra["position"] = HouseRule.objects.filter(organisation=organisation).count()
    item = model(organisation=organisation, **extra, **{name: values[name] for name in fields if name in values})
    try:
        item.full_clean()
    except ValidationError as exc:
        raise CaseRefused(" ".join(exc.messages)) from exc
    with transaction.atomic():
        item.save()
        playbook_event_record(organisation, actor, f"{kind}_added", "", str(item))
    return item


def playbook_item_remove(*, actor: User, organisation: Organisation, kind: str, item_id: int) -> None:
    """Take an item off the playbook. A scenario is kept for the cases that follow it, but no longer offered."""
    model, _fields = PLAYBOOK_LISTS[kind]
    with transaction.atomic():
        item = model._default_manager.select_for_update().filter(id=item_id, organisation=organisation).first()
        if item is None:
            return
        if isinstance(item, Scenario):
            item.is_active = False
            item.save(update_fields=["is_active"])
        else:
            item.delete()
        playbook_event_record(organisation, actor, f"{kind}_removed", str(item), "")


def playbook_event_record(
    organisation: Organisation,
    actor: User | None,
    action: str,
    before: str,
    after: str,
    *,
    data: dict[str, Any] | None = None,
) -> None:
    """The playbook's history row for a change (``actor`` None: made by the app itself, such as an appointment
    taking effect on its day), published as the domain event ``playbook.<action>`` with ``data`` for its
    subscribers."""
    PlaybookEvent.record(
        data=data,
        actor=actor,
        action=action,
        about=f"organisation:{organisation.id}",
        organisation_id=organisation.id,
        from_value=before,
        to_value=after,
        organisation=organisation,
    )
