"""The team page: who answers complaints for the organisation, and how complainants reach it. Everybody reads
it; the board appoints."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Organisation
from accounts.selectors import organisation_or_404
from inbox.http import AppRequest
from inbox.playbook.views import playbook_step, roster_choices
from inbox.team import services
from inbox.team.forms import RosterForm


@require_safe
@permission_required("monitoring.view_mention", raise_exception=True)
def team(request: AppRequest) -> HttpResponse:
    return _team_page(request, organisation_or_404(request.user))


def _team_page(
    request: AppRequest, organisation: Organisation, *, roster_form: RosterForm | None = None
) -> HttpResponse:
    """The team page; a refused ``roster_form`` comes back in its place with what was typed."""
    context: dict[str, Any] = {
        "organisation": organisation,
        "may_appoint": request.user.has_perm("accounts.appoint_roster"),
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
        ),
        _("Saved."),
        shown_as={"roster_form": form},
        page=_team_page,
        back="inbox:team",
    )
