"""The privacy pages: where the board sets how long personal data is kept and words the privacy statement; where
it finds a person, exports what is stored about them and erases them; and the public privacy statement itself,
the one page besides signing in that anybody may read."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.selectors import organisation_current, organisation_or_404
from inbox.http import AppRequest
from inbox.privacy import selectors, services
from inbox.privacy.forms import RetentionForm, StatementForm
from inbox.privacy.history import counts_in_words, privacy_history
from inbox.privacy.statement import LANGUAGES, language_shown, statement_own, statement_shown, statement_source

PERMISSION = services.PERMISSION


@require_safe
@permission_required(PERMISSION, raise_exception=True)
def privacy(request: AppRequest) -> HttpResponse:
    return _privacy_page(request)


def _privacy_page(
    request: AppRequest,
    *,
    retention_form: RetentionForm | None = None,
    statement_refused: tuple[str, StatementForm] | None = None,
) -> HttpResponse:
    """The page; a refused form comes back in its place with what was typed."""
    organisation = organisation_or_404(request.user)
    policy = services.policy_of(organisation.id)
    names = {"nl": _("Dutch"), "en": _("English")}
    statements = [
        {
            "language": language,
            "name": names[language],
            "is_own": bool(statement_own(policy, language)),
            "form": statement_refused[1]
            if statement_refused and statement_refused[0] == language
            else StatementForm(prefix=f"statement-{language}", initial={"text": statement_source(policy, language)}),
        }
        for language in LANGUAGES
    ]
    context: dict[str, Any] = {
        "organisation": organisation,
        "policy": policy,
        "retention_form": retention_form
        or RetentionForm(
            prefix="retention", initial={"mention_months": policy.mention_months, "case_months": policy.case_months}
        ),
        "statements": statements,
        "statement_url": settings.WEBCARE_BASE_URL + reverse("privacy-statement"),
        "history": privacy_history(user=request.user),
    }
    return render(request, "privacy/settings.html", context)


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def privacy_retention(request: AppRequest) -> HttpResponse:
    form = RetentionForm(request.POST, prefix="retention")
    if not form.is_valid():
        messages.error(request, _("Not saved. The marked form below says what to change."))
        return _privacy_page(request, retention_form=form)
    services.policy_update(
        actor=request.user,
        mention_months=form.cleaned_data["mention_months"],
        case_months=form.cleaned_data["case_months"],
    )
    messages.success(request, _("Saved. Tonight's run keeps personal data for the new periods."))
    return redirect("inbox:privacy")


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def privacy_statement_update(request: AppRequest, language: str) -> HttpResponse:
    if language not in LANGUAGES:
        raise Http404(language)
    form = StatementForm(request.POST, prefix=f"statement-{language}")
    if not form.is_valid():
        messages.error(request, _("Not saved. The marked form below says what to change."))
        return _privacy_page(request, statement_refused=(language, form))
    text = "" if form.cleaned_data["reset"] else form.cleaned_data["text"]
    services.statement_update(actor=request.user, language=language, text=text)
    messages.success(request, _("Saved. The privacy statement shows it at once."))
    return redirect("inbox:privacy")


@login_not_required  # complainants read it from a link in a reply, without an account
@require_safe
def privacy_statement(request: HttpRequest) -> HttpResponse:
    """The install's organisation's privacy statement, in Dutch or, for a visitor who chose English, in
    English. 404 before an organisation is set up."""
    organisation = organisation_current()
    if organisation is None:
        raise Http404(_("There is no organisation yet."))
    language = language_shown(get_language())
    statement = statement_shown(services.policy_of(organisation.id), organisation, language)
    context = {"organisation": organisation, "statement": statement, "statement_language": language}
    return render(request, "privacy/statement.html", context)


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
        _("Erased: %(what)s anonymised. What this person says later is anonymised as it arrives.")
        % {"what": counts_in_words({"mentions": counts["mentions"], "cases": counts["cases"]}) or "—"},
    )
    return redirect("inbox:privacy-people")
