"""Privacy pages of the board: finding a person, exporting what is stored about them, erasing them."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from inbox.http import AppRequest
from inbox.privacy import selectors, services
from inbox.privacy.selectors import PERMISSION


@require_safe
@permission_required(PERMISSION, raise_exception=True)
def privacy_people(request: AppRequest) -> HttpResponse:
    """Search a person by handle, name, e-mail address or phone number; tick the identities that are them."""
    query = request.GET.get("q", "")[:254]
    found = selectors.person_find(user=request.user, query=query)
    too_short = bool(query.strip()) and len(query.strip()) < selectors.QUERY_MIN
    return render(request, "privacy/people.html", {"query": query, "found": found, "too_short": too_short})


def _chosen(request: AppRequest) -> selectors.Records | None:
    """The records of the identities ticked in the form; None (with a message) when none was."""
    identities = selectors.identities_parse(request.POST.getlist("who"))
    if not identities:
        messages.error(request, _("Tick at least one of the names, handles or addresses found."))
        return None
    return selectors.person_records(user=request.user, identities=identities)


def _back(request: AppRequest) -> HttpResponse:
    """To the search, with what was searched for."""
    query = request.POST.get("q", "")[:254]
    return redirect(reverse("inbox:privacy-people") + (f"?{urlencode({'q': query})}" if query else ""))


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def privacy_export(request: AppRequest) -> HttpResponse:
    """Everything stored about the ticked identities, as a JSON file or a readable HTML file to hand over."""
    records = _chosen(request)
    if records is None:
        return _back(request)
    now = timezone.now()
    organisation = request.user.organisation
    document = selectors.person_export(
        records=records, organisation_name=organisation.name if organisation else "", now=now
    )
    services.person_exported(actor=request.user, records=records)
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    if request.POST.get("format") == "html":
        body = render_to_string("privacy/export.html", {"document": document, "records": records}, request=request)
        response = HttpResponse(body, content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="person-{stamp}.html"'
    else:
        response = HttpResponse(json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="person-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def privacy_erase(request: AppRequest) -> HttpResponse:
    """First what erasing would anonymise, to confirm; then, confirmed, the erasure."""
    records = _chosen(request)
    if records is None:
        return _back(request)
    if request.POST.get("confirm") != "yes":
        return render(request, "privacy/erase.html", {"records": records, "query": request.POST.get("q", "")[:254]})
    counts = services.person_erase(actor=request.user, identities=records.identities)
    messages.success(
        request,
        _(
            "Erased: %(mentions)s mentions and %(cases)s cases anonymised. "
            "What this person says later is anonymised as it arrives."
        )
        % {"mentions": counts.get("mentions", 0), "cases": counts.get("cases", 0)},
    )
    return redirect("inbox:privacy-people")
