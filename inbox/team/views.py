"""The team page: who answers complaints for the organisation, and how complainants reach it. Everybody reads
it; the board appoints."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Organisation
from accounts.selectors import organisation_or_404
from inbox.exceptions import InboxError
from inbox.http import AppRequest
from inbox.playbook.views import playbook_step, roster_choices
from inbox.team import selectors, services, wording
from inbox.team.forms import AbsenceForm, RosterForm


@require_safe
@permission_required("monitoring.view_mention", raise_exception=True)
def team(request: AppRequest) -> HttpResponse:
    return _team_page(request, organisation_or_404(request.user))


def _team_page(
    request: AppRequest,
    organisation: Organisation,
    *,
    roster_form: RosterForm | None = None,
    absence_form: AbsenceForm | None = None,
) -> HttpResponse:
    """The team page; a refused ``roster_form`` or ``absence_form`` comes back in its place with what was
    typed."""
    absentees = _absentees(request, organisation)
    now = timezone.now()
    context: dict[str, Any] = {
        "organisation": organisation,
        "may_appoint": request.user.has_perm("accounts.appoint_roster"),
        "appointments": selectors.appointments_history(organisation),
        "routing_rules": wording.routing_rules(selectors.routing_facts(organisation, now)),
        "absences": selectors.absences_current(organisation, now),
        "absence_form": absence_form or (AbsenceForm(prefix="absence", people=absentees) if absentees else None),
        "may_remove_absence_of": {person_id for person_id, _name in absentees},
        "roster_form": roster_form
        or RosterForm(
            prefix="roster",
            people=roster_choices(organisation),
            initial={
                "owner": organisation.webcare_owner_id,
                "deputy": organisation.webcare_deputy_id,
                "contact_phone": organisation.contact_phone,
                "contact_email": organisation.contact_email,
            },
        ),
    }
    return render(request, "inbox/team.html", context)


@require_POST
@permission_required("accounts.appoint_roster", raise_exception=True)
def team_roster(request: AppRequest) -> HttpResponse:
    organisation = organisation_or_404(request.user)
    form = RosterForm(request.POST, prefix="roster", people=roster_choices(organisation))
    return playbook_step(
        request,
        organisation,
        form,
        lambda org, data: services.organisation_roster_set(
            actor=request.user,
            organisation=org,
            owner_id=data["owner"],
            deputy_id=data["deputy"],
            contact_phone=data["contact_phone"],
            contact_email=data["contact_email"],
            effective_on=data["effective_on"],
        ),
        _("Saved."),
        shown_as={"roster_form": form},
        page=_team_page,
        back="inbox:team",
    )


def _absentees(request: AppRequest, organisation: Organisation) -> list[tuple[int, str]]:
    """Whose absence the reader may record: anybody's for the board, their own for the owner and the deputy."""
    if request.user.has_perm("accounts.appoint_roster"):
        return roster_choices(organisation)
    if request.user.id in (organisation.webcare_owner_id, organisation.webcare_deputy_id):
        return [(request.user.id, str(request.user))]
    return []


@require_POST
@permission_required("monitoring.view_mention", raise_exception=True)
def team_absence_add(request: AppRequest) -> HttpResponse:
    organisation = organisation_or_404(request.user)
    absentees = _absentees(request, organisation)
    if not absentees:
        raise PermissionDenied
    form = AbsenceForm(request.POST, prefix="absence", people=absentees)
    return playbook_step(
        request,
        organisation,
        form,
        lambda org, data: services.absence_record(
            actor=request.user,
            organisation=org,
            person_id=data["person"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            starts_time=data["starts_time"],
            ends_time=data["ends_time"],
            note=data["note"],
        ),
        _("The absence is recorded."),
        shown_as={"absence_form": form},
        page=_team_page,
        back="inbox:team",
    )


@require_POST
@permission_required("monitoring.view_mention", raise_exception=True)
def team_absence_remove(request: AppRequest, absence_id: int) -> HttpResponse:
    organisation = organisation_or_404(request.user)
    try:
        services.absence_remove(actor=request.user, organisation=organisation, absence_id=absence_id)
    except InboxError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The absence is taken back."))
    return redirect("inbox:team")


@require_POST
@permission_required("accounts.appoint_roster", raise_exception=True)
def team_appointment_withdraw(request: AppRequest, appointment_id: int) -> HttpResponse:
    organisation = organisation_or_404(request.user)
    try:
        services.appointment_withdraw(actor=request.user, organisation=organisation, appointment_id=appointment_id)
    except InboxError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The appointment is withdrawn."))
    return redirect("inbox:team")
