"""The board's playbook page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts import selectors as account_selectors
from accounts.models import Organisation
from accounts.selectors import organisation_or_404
from inbox.exceptions import InboxError
from inbox.http import AppRequest
from inbox.playbook import selectors, services
from inbox.playbook.forms import PLAYBOOK_FORMS, ReplyTemplateForm
from inbox.playbook.models import ReplyTemplate


@require_safe
@permission_required("monitoring.view_mention", raise_exception=True)
def playbook(request: AppRequest) -> HttpResponse:
    """The organisation's agreements for answering: everybody reads them, the board changes them."""
    return _playbook_page(request, organisation_or_404(request.user))


def _playbook_page(request: AppRequest, organisation: Organisation, **refused: Any) -> HttpResponse:
    """The playbook page; ``refused`` puts a form sent with mistakes in its place (``template_form`` or
    ``refused_kind`` with ``refused_form``), its errors at its fields and what was typed
    kept."""
    book = selectors.playbook_of(user=request.user, organisation=organisation)
    if book is None:
        raise Http404(_("There is no organisation yet."))
    people = roster_choices(organisation)
    forms_ = {kind: form(prefix=kind, people=people) for kind, form in PLAYBOOK_FORMS.items()}
    if "refused_kind" in refused:
        forms_[refused.pop("refused_kind")] = refused.pop("refused_form")
    # A refused change to an existing template is shown in that template's place, a new one under "New".
    template_form = refused.pop("template_form", None)
    sent_id = template_form.data.get("template-template_id", "") if template_form is not None else ""
    edited_id = sent_id if sent_id in {str(template.id) for template in book.templates} else ""
    context = {
        "book": book,
        # Each form has its own prefix: several have a title or a language, and ids must stay unique.
        "forms": forms_,
        "template_form": template_form
        if template_form is not None and not edited_id
        else ReplyTemplateForm(prefix="template", organisation=book.organisation),
        "edited_template_form": template_form if edited_id else None,
        "edited_template_id": edited_id,
        "purposes": ReplyTemplate.Purpose.choices,
        # Who may change what, decided here once; the page shows forms by these.
        "may_edit": request.user.has_perm("accounts.manage_playbook"),
        "may_appoint": request.user.has_perm("accounts.appoint_roster"),
    } | refused
    return render(request, "inbox/playbook.html", context)


def roster_choices(organisation: Organisation) -> list[tuple[int, str]]:
    return [(person.id, str(person)) for person in account_selectors.people_with_a_role(organisation.id)]


def playbook_step(
    request: AppRequest,
    organisation: Organisation,
    form: Any,
    run: Callable[[Organisation, dict[str, Any]], object],
    done: str,
    *,
    shown_as: dict[str, Any],
    page: Callable[..., HttpResponse] | None = None,
    back: str = "inbox:playbook",
) -> HttpResponse:
    """Run one change to the playbook (or, with ``page`` and ``back``, to another board page); a form with
    mistakes, or one the service refuses, comes back on the page where ``shown_as`` puts it, with what was
    typed."""
    if form.is_valid():
        try:
            run(organisation, form.cleaned_data)
        except InboxError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect(back)
    messages.error(request, _("Not saved. The marked form below says what to change."))
    return (page or _playbook_page)(request, organisation, **shown_as)


@require_POST
@permission_required("accounts.manage_playbook", raise_exception=True)
def playbook_add(request: AppRequest, kind: str) -> HttpResponse:
    if kind not in PLAYBOOK_FORMS:
        raise Http404(kind)
    organisation = organisation_or_404(request.user)
    form = PLAYBOOK_FORMS[kind](request.POST, prefix=kind, people=roster_choices(organisation))
    return playbook_step(
        request,
        organisation,
        form,
        lambda org, data: services.playbook_item_add(actor=request.user, organisation=org, kind=kind, values=data),
        _("Added."),
        shown_as={"refused_kind": kind, "refused_form": form},
    )


@require_POST
@permission_required("accounts.manage_playbook", raise_exception=True)
def playbook_remove(request: AppRequest, kind: str, item_id: int) -> HttpResponse:
    if kind not in PLAYBOOK_FORMS:
        raise Http404(kind)
    organisation = organisation_or_404(request.user)
    try:
        services.playbook_item_remove(actor=request.user, organisation=organisation, kind=kind, item_id=item_id)
    except InboxError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Removed."))
    return redirect("inbox:playbook")


@require_POST
@permission_required("accounts.manage_playbook", raise_exception=True)
def playbook_template(request: AppRequest) -> HttpResponse:
    organisation = organisation_or_404(request.user)
    form = ReplyTemplateForm(request.POST, prefix="template", organisation=organisation)
    return playbook_step(
        request,
        organisation,
        form,
        lambda org, data: services.reply_template_save(
            actor=request.user,
            organisation=org,
            template_id=data["template_id"].id if data["template_id"] else None,
            purpose=data["purpose"],
            language=data["language"],
            title=data["title"],
            body=data["body"],
            is_active=data["is_active"],
        ),
        _("The template is saved."),
        shown_as={"template_form": form},
    )
