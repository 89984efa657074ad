"""What a case teaches: improvements the organisation makes and removal requests to platforms."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import organisation_id_of
from inbox.cases.models import ImprovementAction, RemovalRequest
from inbox.cases.services import case_event_record, case_locked, web_address
from inbox.exceptions import CaseRefused


def improvement_add(*, actor: User, case_id: int, description: str, owner_id: int) -> ImprovementAction:
    description = description.strip()
    if not description:
        raise CaseRefused(_("Describe what changes."))
    with transaction.atomic():
        case = case_locked(actor, case_id, None)
        improvement = ImprovementAction.objects.create(case=case, description=description, owner_id=owner_id)
        case_event_record(case, actor, "improvement_added", "", description)
    return improvement


def improvement_update(*, actor: User, improvement_id: int, state: str, announced_url: str = "") -> ImprovementAction:
    """Move an improvement on, with the link where it was announced in public.

    Raises ``ImprovementAction.DoesNotExist`` for an unknown one, ``CaseRefused`` for an unknown state or
    a link that is not a web address.
    """
    if state not in ImprovementAction.State.values:
        raise CaseRefused(_("Choose a state."))
    announced_url = web_address(announced_url)
    with transaction.atomic():
        improvement = (
            ImprovementAction.objects.select_for_update()
            .select_related("case")
            .get(id=improvement_id, case__organisation_id=organisation_id_of(actor))
        )
        case_event_record(improvement.case, actor, "improvement_state", improvement.state, state)
        improvement.state, improvement.announced_url = state, announced_url
        improvement.save(update_fields=["state", "announced_url"])
    return improvement


def removal_request_add(*, actor: User, case_id: int, reason: str, platform: str, note: str = "") -> RemovalRequest:
    """Ask a platform to remove fake or abusive content. A last resort: the case stays open."""
    if reason not in RemovalRequest.Reason.values:
        raise CaseRefused(_("Removal is only for fake or abusive content: choose the reason."))
    with transaction.atomic():
        case = case_locked(actor, case_id, None)
        request = RemovalRequest.objects.create(
            case=case, reason=reason, platform=platform.strip(), requested_by=actor, note=note.strip()
        )
        case_event_record(case, actor, "removal_requested", "", reason)
    return request


def removal_request_outcome(*, actor: User, request_id: int, outcome: str) -> RemovalRequest:
    if outcome not in RemovalRequest.Outcome.values:
        raise CaseRefused(_("Choose the outcome."))
    with transaction.atomic():
        request = (
            RemovalRequest.objects.select_for_update()
            .select_related("case")
            .get(id=request_id, case__organisation_id=organisation_id_of(actor))
        )
        case_event_record(request.case, actor, "removal_outcome", request.outcome, outcome)
        request.outcome = outcome
        request.save(update_fields=["outcome"])
    return request
