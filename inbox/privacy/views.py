"""The privacy page, where the board sets how long personal data is kept and words the privacy statement, and
the public privacy statement itself: the one page besides signing in that anybody may read."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.selectors import organisation_current, organisation_or_404
from inbox.http import AppRequest
from inbox.privacy import services
from inbox.privacy.forms import RetentionForm, StatementForm
from inbox.privacy.history import privacy_history
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
        "people_url": _people_url(),
    }
    return render(request, "privacy/settings.html", context)


def _people_url() -> str:
    """Where the board finds a person's data; "" while that page is not there."""
    try:
        return reverse("inbox:privacy-people")
    except NoReverseMatch:
        return ""


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
