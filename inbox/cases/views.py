"""The case pages: the list, a case, its replies, improvements and removal requests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.cache import caches
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts import selectors as account_selectors
from accounts.models import User
from inbox import presence as inbox_presence
from inbox.cases import clock, learning, replies, selectors, services
from inbox.cases.forms import (
    NOTE_MAX_LENGTH,
    REPLY_MAX_LENGTH,
    REVIEW_COMMENT_MAX_LENGTH,
    CaseCloseForm,
    CaseDetailsForm,
    CaseResolveForm,
    ImprovementForm,
    ImprovementUpdateForm,
    NoteForm,
    RemovalOutcomeForm,
    RemovalRequestForm,
    ReplyForm,
    ReplyPostedForm,
    ReplyReviewForm,
    VersionForm,
)
from inbox.cases.models import Case, ImprovementAction, RemovalRequest, Reply
from inbox.exceptions import CaseNotFound, InboxError
from inbox.http import AppRequest
from inbox.presence import presence_answer, presence_context

PEOPLE_CACHE_SECONDS = 60


def people_choices(user: User, *, fresh: bool = True) -> list[tuple[int, str]]:
    """Who in ``user``'s organisation mentions and cases can be assigned to. The list page's bulk bar takes
    a copy each process keeps a minute (``fresh=False``); forms that show or check one person's assignment
    read it anew."""
    organisation_id = account_selectors.organisation_id_of(user)
    kept, key = caches["fragments"], f"inbox:people:{organisation_id}"
    people = None if fresh else kept.get(key)
    if people is None:
        people = [(person.id, str(person)) for person in account_selectors.assignable_people(organisation_id)]
        kept.set(key, people, PEOPLE_CACHE_SECONDS)
    return list(people)


@require_safe
@permission_required("monitoring.view_mention", raise_exception=True)
def case_list(request: AppRequest) -> HttpResponse:
    """Cases being handled, the ones whose answer is due soonest first; ?status= and ?mine=1 narrow it."""
    chosen = tuple(value for value in request.GET.getlist("status") if value in Case.Status.values)
    statuses = chosen or tuple(value for value in Case.Status.values if value != Case.Status.CLOSED)
    mine = request.GET.get("mine") == "1"
    context = {
        "cases": selectors.case_list(user=request.user, statuses=statuses, mine=mine),
        "chosen": chosen,
        "mine": mine,
        "now": timezone.now(),
    }
    return render(request, "inbox/case_list.html", context)


@require_safe
@permission_required("monitoring.view_mention", raise_exception=True)
def case_detail(request: AppRequest, case_id: int) -> HttpResponse:
    """One case: what was said, the replies and the editor, the history, and the next step."""
    return _case_page(request, case_id, {})


@require_POST
@permission_required("monitoring.view_mention", raise_exception=True)
def case_presence(request: AppRequest, case_id: int) -> HttpResponse:
    """An open case page reports itself (viewing, writing a reply or a note) and gets back who else is there."""
    if not selectors.case_is_visible(user=request.user, case_id=case_id):
        raise Http404(_("This case does not exist, or you may not see it."))
    return presence_answer(request, inbox_presence.CASE, case_id, reverse("inbox:case-presence", args=[case_id]))


def _case_page(request: AppRequest, case_id: int, shown: dict[str, Any]) -> HttpResponse:
    """The case page; ``shown`` replaces parts of its context (a form sent with mistakes)."""
    view = selectors.case_detail(user=request.user, case_id=case_id, language=(get_language() or "nl")[:2])
    if view is None:
        raise Http404(_("This case does not exist, or you may not see it."))
    return render(request, "inbox/case_detail.html", _case_context(request, view) | shown)


def _case_context(request: AppRequest, view: selectors.CaseView) -> dict[str, Any]:
    case, user = view.case, request.user
    people = people_choices(request.user)
    first = view.mentions[0] if view.mentions else None
    others = inbox_presence.presence_of(kind=inbox_presence.CASE, object_id=case.id, user=user)
    return presence_context(inbox_presence.CASE, case.id, reverse("inbox:case-presence", args=[case.id]), others) | {
        "case": case,
        "view": view,
        "now": timezone.now(),
        "statuses": [(value, label) for value, label in Case.Status.choices],
        "channels": Reply.Channel.choices,
        "reply_max_length": REPLY_MAX_LENGTH,
        "note_max_length": NOTE_MAX_LENGTH,
        "review_comment_max": REVIEW_COMMENT_MAX_LENGTH,
        "fitting": selectors.FITTING_TEMPLATES.get(case.assessment, ()),
        "submission_key": uuid.uuid4(),
        "flagged_phrases": [[phrase.phrase, phrase.advice] for phrase in view.flagged_phrases],
        "placeholder_values": {
            "naam": case.complainant_name,
            "medewerker": user.get_full_name() or user.get_username(),
            "organisatie": case.organisation.name,
            "telefoon": case.organisation.contact_phone,
            "email": case.organisation.contact_email or user.email,
            "platform": first.get_platform_display() if first else "",
            "zaak": f"#{case.id}",
            "privacy": settings.WEBCARE_BASE_URL + reverse("privacy-statement"),
        },
        "details_form": CaseDetailsForm(
            instance=case,
            initial={"version": case.version},
            people=people,
            scenarios=[(scenario.id, scenario.title) for scenario in view.scenarios],
            may_see_contact=view.may_see_contact,
        ),
        "resolve_form": CaseResolveForm(),
        "close_form": CaseCloseForm(),
        "improvement_form": ImprovementForm(people=people, initial={"owner": user.id}),
        "removal_form": RemovalRequestForm(initial={"platform": first.get_platform_display() if first else ""}),
        "removal_outcomes": RemovalRequest.Outcome.choices,
        "reply_items": selectors.reply_items(
            user=user, replies=view.replies, is_approver=selectors.is_approver(user, case.organisation)
        ),
        "may_close": selectors.may_close(user, case),
        "targets": case.targets(timezone.now()),
    }


def _case_step(
    request: AppRequest,
    case_id: int,
    form: Any,
    run: Callable[[dict[str, Any]], object],
    done: str,
    *,
    shown_as: dict[str, Any] | None = None,
) -> HttpResponse:
    """Run one step on a case and show the case again, saying what happened or why nothing did.

    ``shown_as``: where the page shows this form (its context names and the form as the value to fill
    in); an invalid form is then shown again there, its errors at its fields and what was typed kept.
    """
    if not form.is_valid():
        if shown_as is not None:
            return _case_page(request, case_id, shown_as)
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
    else:
        try:
            run(form.cleaned_data)
        except CaseNotFound as exc:
            raise Http404(str(exc)) from exc
        except InboxError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
    return redirect("inbox:case-detail", case_id=case_id)


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def case_update(request: AppRequest, case_id: int) -> HttpResponse:
    """Save what the handler knows about the complaint; the contact details only from who may see them."""
    case = selectors.case_visible(user=request.user, case_id=case_id)
    if case is None:
        raise Http404(_("This case does not exist, or you may not see it."))
    scenarios = [
        (scenario.id, scenario.title) for scenario in selectors.scenarios_for(user=request.user, case_id=case_id)
    ]
    form = CaseDetailsForm(
        request.POST,
        people=people_choices(request.user),
        scenarios=scenarios,
        may_see_contact=selectors.can_see_contact(request.user, case),
    )

    def run(data: dict[str, Any]) -> object:
        return services.case_update(actor=request.user, case_id=case_id, version=data["version"], **form.values())

    return _case_step(request, case_id, form, run, _("Saved."), shown_as={"details_form": form})


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def case_private(request: AppRequest, case_id: int) -> HttpResponse:
    form = VersionForm(request.POST)
    return _case_step(
        request,
        case_id,
        form,
        lambda data: services.case_move_private(actor=request.user, case_id=case_id, version=data["version"]),
        _("The conversation goes on in private."),
    )


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def case_resolve(request: AppRequest, case_id: int) -> HttpResponse:
    form = CaseResolveForm(request.POST)
    return _case_step(
        request,
        case_id,
        form,
        lambda data: services.case_resolve(
            actor=request.user,
            case_id=case_id,
            version=data["version"],
            kind=data["kind"],
            agreed=data["agreed"],
            satisfaction_asked=data["satisfaction_asked"],
            satisfaction=data["satisfaction"],
        ),
        _("Recorded."),
        shown_as={"resolve_form": form},
    )


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def case_close(request: AppRequest, case_id: int) -> HttpResponse:
    form = CaseCloseForm(request.POST)
    return _case_step(
        request,
        case_id,
        form,
        lambda data: services.case_close(
            actor=request.user,
            case_id=case_id,
            version=data["version"],
            followup_url=data["followup_url"],
            skipped_because=data["skipped_because"],
        ),
        _("The case is closed."),
        shown_as={"close_form": form},
    )


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def case_wait(request: AppRequest, case_id: int) -> HttpResponse:
    """The case waits on the complainant: its clock stands still."""
    form = VersionForm(request.POST)
    return _case_step(
        request,
        case_id,
        form,
        lambda data: clock.case_wait(actor=request.user, case_id=case_id, version=data["version"]),
        _("The case waits on the complainant; its clock stands still."),
    )


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def case_resume(request: AppRequest, case_id: int) -> HttpResponse:
    """The complainant answered: the clock runs again and the due times move on by the time it waited."""
    form = VersionForm(request.POST)
    return _case_step(
        request,
        case_id,
        form,
        lambda data: clock.case_resume(actor=request.user, case_id=case_id, version=data["version"]),
        _("The clock runs again; the due times moved on by the time the case waited."),
    )


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def case_reopen(request: AppRequest, case_id: int) -> HttpResponse:
    form = VersionForm(request.POST)
    return _case_step(
        request,
        case_id,
        form,
        lambda data: services.case_reopen(actor=request.user, case_id=case_id, version=data["version"]),
        _("The case is open again."),
    )


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def case_note(request: AppRequest, case_id: int) -> HttpResponse:
    form = NoteForm(request.POST)
    return _case_step(
        request,
        case_id,
        form,
        lambda data: services.case_note_add(actor=request.user, case_id=case_id, text=data["text"]),
        _("Note added."),
    )


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def reply_add(request: AppRequest, case_id: int) -> HttpResponse:
    form = ReplyForm(request.POST)

    def run(data: dict[str, Any]) -> object:
        return replies.reply_save(
            actor=request.user,
            case_id=case_id,
            channel=data["channel"],
            text=data["text"],
            submission_key=data["submission_key"],
        )

    return _case_step(request, case_id, form, run, _("Reply saved."), shown_as={"reply_form": form})


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def reply_request_approval(request: AppRequest, reply_id: int) -> HttpResponse:
    reply = _reply_or_404(request, reply_id)
    return _case_step(
        request,
        reply.case_id,
        VersionForm(request.POST),
        lambda data: replies.reply_request_approval(actor=request.user, reply_id=reply_id),
        _("Sent for approval."),
    )


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def reply_review(request: AppRequest, reply_id: int) -> HttpResponse:
    reply = _reply_or_404(request, reply_id)
    form = ReplyReviewForm(request.POST)

    def run(data: dict[str, Any]) -> object:
        if data["decision"] == "approve":
            return replies.reply_approve(actor=request.user, reply_id=reply_id, comment=data["comment"])
        return replies.reply_comment(actor=request.user, reply_id=reply_id, comment=data["comment"])

    return _case_step(
        request,
        reply.case_id,
        form,
        run,
        _("Thank you for checking."),
        shown_as={"review_form": form, "review_reply_id": reply_id},
    )


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def reply_posted(request: AppRequest, reply_id: int) -> HttpResponse:
    reply = _reply_or_404(request, reply_id)
    form = ReplyPostedForm(request.POST)
    return _case_step(
        request,
        reply.case_id,
        form,
        lambda data: replies.reply_mark_posted(
            actor=request.user, reply_id=reply_id, link=data["link"], platform_posted_at=data["platform_posted_at"]
        ),
        _("Logged as sent."),
        shown_as={"posted_form": form, "posted_reply_id": reply_id},
    )


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def improvement_add(request: AppRequest, case_id: int) -> HttpResponse:
    form = ImprovementForm(request.POST, people=people_choices(request.user))
    return _case_step(
        request,
        case_id,
        form,
        lambda data: learning.improvement_add(
            actor=request.user, case_id=case_id, description=data["description"], owner_id=data["owner"]
        ),
        _("Improvement added."),
        shown_as={"improvement_form": form},
    )


@require_safe
@permission_required("monitoring.view_mention", raise_exception=True)
def improvement_list(request: AppRequest) -> HttpResponse:
    return _improvement_page(request, {})


def _improvement_page(request: AppRequest, shown: dict[str, Any]) -> HttpResponse:
    """The open improvements, then the finished ones; ``shown`` holds one improvement's form sent with
    mistakes and its id."""
    context = {
        "improvements": selectors.improvements_open(user=request.user),
        "done_improvements": selectors.improvements_done(user=request.user),
        "states": ImprovementAction.State.choices,
    }
    return render(request, "inbox/improvement_list.html", context | shown)


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def improvement_update(request: AppRequest, improvement_id: int) -> HttpResponse:
    form = ImprovementUpdateForm(request.POST)
    if not form.is_valid():
        return _improvement_page(request, {"update_form": form, "update_id": improvement_id})
    try:
        learning.improvement_update(
            actor=request.user,
            improvement_id=improvement_id,
            state=form.cleaned_data["state"],
            announced_url=form.cleaned_data["announced_url"],
        )
    except ImprovementAction.DoesNotExist as exc:
        raise Http404(_("This improvement does not exist.")) from exc
    except InboxError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("inbox:improvement-list")


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def removal_add(request: AppRequest, case_id: int) -> HttpResponse:
    form = RemovalRequestForm(request.POST)
    return _case_step(
        request,
        case_id,
        form,
        lambda data: learning.removal_request_add(
            actor=request.user, case_id=case_id, reason=data["reason"], platform=data["platform"], note=data["note"]
        ),
        _("The removal request is recorded. The case stays open."),
        shown_as={"removal_form": form},
    )


def _reply_or_404(request: AppRequest, reply_id: int) -> Reply:
    reply = selectors.reply_visible(user=request.user, reply_id=reply_id)
    if reply is None:
        raise Http404(_("This reply does not exist."))
    return reply


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def removal_outcome(request: AppRequest, request_id: int) -> HttpResponse:
    """What the platform answered to a removal request."""
    removal = selectors.removal_request_visible(user=request.user, request_id=request_id)
    if removal is None:
        raise Http404(_("This removal request does not exist."))
    return _case_step(
        request,
        removal.case_id,
        RemovalOutcomeForm(request.POST),
        lambda data: learning.removal_request_outcome(
            actor=request.user, request_id=request_id, outcome=data["outcome"]
        ),
        _("Recorded."),
    )
