"""Changes to a case: details, status steps, notes. Each is atomic and writes the case's history."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import organisation_id_of
from inbox.cases.due import case_due_set, wait_fold
from inbox.cases.models import Case, CaseEvent, Reply
from inbox.cases.selectors import can_see_contact, may_close
from inbox.exceptions import CaseChanged, CaseNotFound, CaseRefused
from inbox.playbook.models import Scenario
from webcare.links import http_url_check

CaseStatus = Case.Status


# Which status may follow which. Reopening goes back to the private conversation.
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.ACKNOWLEDGED, CaseStatus.PRIVATE, CaseStatus.RESOLVED}),
    CaseStatus.ACKNOWLEDGED: frozenset({CaseStatus.PRIVATE, CaseStatus.RESOLVED}),
    CaseStatus.PRIVATE: frozenset({CaseStatus.RESOLVED}),
    CaseStatus.RESOLVED: frozenset({CaseStatus.CLOSED, CaseStatus.PRIVATE}),
    CaseStatus.CLOSED: frozenset({CaseStatus.PRIVATE}),
}


# Cases whose targets still run: not resolved, not closed.
RUNNING = (CaseStatus.OPEN, CaseStatus.ACKNOWLEDGED, CaseStatus.PRIVATE)


# The complainant's answer in the history when nobody asked whether it really solves it.
SATISFACTION_NOT_ASKED = "not_asked"


# Replies logged as done at once: what was said by phone, e-mail or in person happened already.
RECORDED_CHANNELS = frozenset({Reply.Channel.EMAIL, Reply.Channel.PHONE, Reply.Channel.IN_PERSON})


EDITABLE_FIELDS = (
    "title",
    "complainant_name",
    "contact_email",
    "contact_phone",
    "complainer_type",
    "assessment",
    "priority",
    "tags",
    "assignee_id",
    "scenario_id",
)


# What the complainant's name and contact details are is personal data: the history records that one
# changed, never the value, so that erasing a person never has to rewrite history.
PERSONAL_FIELDS = frozenset({"complainant_name", "contact_email", "contact_phone"})


# The complainant's contact details: only who may see them (``selectors.can_see_contact``) may change them.
CONTACT_FIELDS = ("contact_email", "contact_phone")


def case_update(*, actor: User, case_id: int, version: int | None, **values: Any) -> Case:
    """Change the case's own fields (see ``EDITABLE_FIELDS``); one audit row per changed field.

    Raises ``CaseRefused`` for a field not in ``EDITABLE_FIELDS``, and for contact details from somebody who
    may not see them."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise CaseRefused(_("These fields cannot be changed here: %(names)s") % {"names": ", ".join(sorted(unknown))})
    with transaction.atomic():
        case = case_locked(actor, case_id, version)
        if any(name in values for name in CONTACT_FIELDS) and not can_see_contact(actor, case):
            raise CaseRefused(
                _(
                    "Only the person handling this case, the webcare owner and deputy, managers and the board may "
                    "change the complainant's contact details."
                )
            )
        changed = [name for name, value in values.items() if getattr(case, name) != value]
        for name in changed:
            before, after = _shown(name, getattr(case, name)), _shown(name, values[name])
            if name in PERSONAL_FIELDS:
                before = after = ""  # the history says it changed; the value stays on the case alone
            case_event_record(case, actor, f"set_{name.removesuffix('_id')}", before, after)
            setattr(case, name, values[name])
        if "priority" in changed and case.status in RUNNING:
            changed += case_due_set(case)  # a priority may have targets of its own
        if changed:
            case.full_clean(exclude=["organisation", "created_by", "assignee", "scenario"])
            case_save(case, changed)
    return case


def case_move_private(*, actor: User, case_id: int, version: int | None) -> Case:
    """The conversation continues in private (a message, e-mail, phone or a cup of coffee)."""
    with transaction.atomic():
        case = case_locked(actor, case_id, version)
        _transition(case, actor, CaseStatus.PRIVATE)
        case_save(case, ["status", "moved_private_at", "resolved_at", "closed_at"])
    return case


def case_resolve(
    *,
    actor: User,
    case_id: int,
    version: int | None,
    kind: str,
    agreed: str,
    satisfaction_asked: bool,
    satisfaction: str,
) -> Case:
    """Record how it was solved and whether we asked the complainant if it really solves it.

    "Not satisfied" takes the case back into the private conversation instead of resolving it.
    """
    if kind not in Case.ResolutionKind.values:
        raise CaseRefused(_("Choose what the solution was."))
    if satisfaction_asked and satisfaction not in Case.Satisfaction.values:
        raise CaseRefused(_("Say what the complainant answered."))
    if not satisfaction_asked:
        satisfaction = ""
    with transaction.atomic():
        case = case_locked(actor, case_id, version)
        case.resolution_kind, case.resolution_agreed = kind, agreed.strip()
        case.satisfaction_asked, case.satisfaction = satisfaction_asked, satisfaction
        fields = ["resolution_kind", "resolution_agreed", "satisfaction_asked", "satisfaction"]
        if satisfaction == Case.Satisfaction.NOT_SATISFIED:
            case_event_record(case, actor, "not_satisfied", "", kind, note=case.resolution_agreed)
            if case.status != CaseStatus.PRIVATE:
                _transition(case, actor, CaseStatus.PRIVATE)
                fields += ["status", "moved_private_at", "resolved_at"]
        else:
            fields += _transition(case, actor, CaseStatus.RESOLVED)
            fields += ["status", "resolved_at"]
            case_event_record(case, actor, "resolved", "", kind, note=case.resolution_agreed)
            case_event_record(case, actor, "satisfaction", "", satisfaction or SATISFACTION_NOT_ASKED)
        case_save(case, fields)
    return case


def case_close(
    *, actor: User, case_id: int, version: int | None, followup_url: str = "", skipped_because: str = ""
) -> Case:
    """Close a resolved case, with the public follow-up (its link) or the reason none is needed.

    Raises ``CaseRefused`` for somebody who may not close it, without either, or for a link that is not
    a web address.
    """
    followup_url, skipped_because = web_address(followup_url), skipped_because.strip()
    if not followup_url and not skipped_because:
        raise CaseRefused(_("Link the public follow-up, or say why none is needed."))
    with transaction.atomic():
        case = case_locked(actor, case_id, version)
        if not may_close(actor, case):
            raise CaseRefused(
                _("Only the person handling this case, the webcare owner, the deputy or a manager can close it.")
            )
        case.public_followup_url, case.public_followup_skipped_because = followup_url, skipped_because
        waited = _transition(case, actor, CaseStatus.CLOSED)
        # The outcome as the history shows it: the public link, or the reason there is none.
        case_event_record(case, actor, "closed", "", followup_url, note=skipped_because)
        case_save(case, ["status", "closed_at", "public_followup_url", "public_followup_skipped_because", *waited])
    return case


def case_reopen(*, actor: User, case_id: int, version: int | None) -> Case:
    """The complainant came back: the conversation goes on in private."""
    with transaction.atomic():
        case = case_locked(actor, case_id, version)
        if case.status not in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
            raise CaseRefused(_("Only a resolved or closed case can be reopened."))
        case_event_record(case, actor, "reopened", case.status, "")
        _transition(case, actor, CaseStatus.PRIVATE)
        case_save(case, ["status", "moved_private_at", "resolved_at", "closed_at"])
    return case


def case_note_add(*, actor: User, case_id: int, text: str) -> CaseEvent:
    """An internal note; each @username in it gets a notification in the app."""
    text = text.strip()
    if not text:
        raise CaseRefused(_("Write the note first."))
    with transaction.atomic():
        case = case_locked(actor, case_id, None)
        # The colleagues it names hear of it from the notifications' subscriber to this event.
        told = _("%(name)s mentioned you in a note on %(case)s") % {"name": actor, "case": case}
        event = case_event_record(case, actor, "note", "", "", note=text, data={"note": text, "told": told})
    return event


def web_address(link: str) -> str:
    """``link`` as it is stored ("" for none); raises ``CaseRefused`` for anything but a web address."""
    try:
        return http_url_check(link)
    except ValidationError as exc:
        raise CaseRefused(" ".join(exc.messages)) from exc


def _case_category(case: Case) -> str:
    first = case.links.select_related("mention").order_by("added_at").first()
    return first.mention.effective_category if first else ""


def case_locked(actor: User, case_id: int, version: int | None) -> Case:
    """One of ``actor``'s organisation's cases, locked; another organisation's is as unknown as one that never
    was. With ``version``, refuses a case somebody changed since the screen showed it."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(id=case_id, organisation_id=organisation_id_of(actor))
        .first()
    )
    if case is None:
        raise CaseNotFound(case_id)
    if version is not None and case.version != version:
        last = case.events.exclude(action="note").select_related("actor").first()
        raise CaseChanged(
            case_id,
            by=str(last.actor) if last and last.actor else _("somebody"),
            what=last.action_label if last else "",
            at=last.created_at if last else None,
        )
    return case


def _transition(case: Case, actor: User, to: str) -> list[str]:
    """Move the case on to status ``to``, in its history. A case resolved or closed while it waits on the
    complainant waits no more: returns the fields that changed for that (the caller saves the rest)."""
    if to not in TRANSITIONS[case.status]:
        raise CaseRefused(
            _("A case that is “%(from)s” cannot become “%(to)s”.")
            % {"from": case.get_status_display(), "to": CaseStatus(to).label}
        )
    now = timezone.now()
    case_event_record(case, actor, "status", case.status, to)
    case.status = to
    if to == CaseStatus.PRIVATE:
        # Back in conversation (not satisfied after all, or reopened): no longer resolved nor closed.
        case.moved_private_at = case.moved_private_at or now
        case.resolved_at = case.closed_at = None
    elif to == CaseStatus.RESOLVED:
        case.resolved_at = now
    elif to == CaseStatus.CLOSED:
        case.closed_at = now
    if to in (CaseStatus.RESOLVED, CaseStatus.CLOSED) and case.is_waiting:
        fields = wait_fold(case, now)
        case_event_record(case, actor, "resumed", "", "")
        return fields
    return []


def _shown(name: str, value: Any) -> object:
    """A field's value as the history shows it: people and scenarios by name rather than by id."""
    if value is None:
        return value
    if name == "assignee_id":
        return User.objects.filter(id=value).first() or value
    if name == "scenario_id":
        return Scenario.objects.filter(id=value).first() or value
    return value


def case_save(case: Case, fields: list[str]) -> None:
    """Save ``fields`` of ``case`` and count a new version; when a milestone moved, how long it took too."""
    from inbox.cases.due import DURATION_SOURCES, case_durations_set

    if DURATION_SOURCES.intersection(fields):
        fields = [*fields, *case_durations_set(case)]
    case.version += 1
    case.save(update_fields=[*dict.fromkeys(fields), "version"])


def case_event_record(
    case: Case,
    actor: User | None,
    action: str,
    before: object,
    after: object,
    *,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """The case's history row for a change, published as the domain event ``cases.<action>``."""
    return CaseEvent.record(
        actor=actor,
        action=action,
        about=f"case:{case.id}",
        organisation_id=case.organisation_id,
        from_value="" if before is None else before,
        to_value="" if after is None else after,
        data={"url": case.get_absolute_url(), "title": str(case), **(data or {})},
        case=case,
        note=note,
    )
