from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.cache import cache, caches
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event
from django_htmx.middleware import HtmxDetails

from accounts.models import Organisation, User
from accounts.selectors import organisation_current
from inbox import presence, selectors, services
from inbox.exceptions import CaseNotFound, InboxError, MentionNotFound
from inbox.facets import FacetsRead, facets_read
from inbox.forms import (
    MAX_ID,
    PLAYBOOK_FORMS,
    REPLY_MAX_LENGTH,
    REVIEW_COMMENT_MAX_LENGTH,
    SAVED_VIEWS,
    AssignForm,
    BulkForm,
    CaseCloseForm,
    CaseDetailsForm,
    CaseForm,
    CaseResolveForm,
    CategoriseForm,
    IgnoreForm,
    ImprovementForm,
    ImprovementUpdateForm,
    ListRequest,
    NoteForm,
    RemovalOutcomeForm,
    RemovalRequestForm,
    ReplyForm,
    ReplyPostedForm,
    ReplyReviewForm,
    ReplyTemplateForm,
    RosterForm,
    VersionForm,
    list_request,
)
from inbox.models import Case, ImprovementAction, RemovalRequest, Reply, ReplyTemplate
from monitoring.models import Mention

PEOPLE_CACHE_SECONDS = 60
FACETS_PANE_SECONDS = 10 * 60


class AppRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


@require_safe
@permission_required("monitoring.view_mention", raise_exception=True)
@vary_on_headers("HX-Request", "HX-Target")
def mention_list(request: AppRequest) -> HttpResponse:
    """The inbox: filters, the list, and an empty detail pane. HTMX asks for the list or its next rows."""
    return _inbox_page(request, mention=None)


@require_safe
@permission_required("monitoring.view_mention", raise_exception=True)
@vary_on_headers("HX-Request", "HX-Target")
def mention_detail(request: AppRequest, mention_id: int) -> HttpResponse:
    """One mention beside the list; HTMX asks for the detail pane alone."""
    mention = _mention_or_404(request, mention_id)
    if request.htmx and request.htmx.target == "mention-detail":
        list_query = list_request(request.GET).query
        return render(request, "inbox/inbox.html#mention-detail", _detail_context(request, mention, list_query))
    return _inbox_page(request, mention=mention)


def _mention_or_404(request: AppRequest, mention_id: int) -> Mention:
    mention = selectors.mention_detail(user=request.user, mention_id=mention_id)
    if mention is None:
        raise Http404(_("This mention does not exist, or you may not see it."))
    return mention


def _inbox_page(request: AppRequest, *, mention: Mention | None, shown: dict[str, Any] | None = None) -> HttpResponse:
    """The list's page or one of its partials. A filter that cannot be read is left out and the filters
    pane says so; a page link that cannot be read gives the first page (or says so where more rows go)."""
    asked = list_request(request.GET)
    before, more_error = asked.before, asked.error_of("before")
    if request.htmx and more_error and request.htmx.target not in ("mention-list", "inbox-panes"):
        return render(request, "inbox/inbox.html#mention-more", {"more_error": more_error})
    page = selectors.mention_page(user=request.user, filters=asked.filters, before=before)
    list_query = asked.query
    context: dict[str, Any] = {
        "page": page,
        "filters": asked.filters,
        "filter_errors": asked.errors,
        "search_error": asked.error_of("q"),
        # The counts' request carries what was sent, so that the date fields there say what was wrong.
        "facets_query": asked.sent_query if asked.errors else list_query,
        "current_view": asked.view,
        "saved_views": [(key, label) for key, (label, _values) in SAVED_VIEWS.items()],
        "list_query": list_query,
        "people": _people(fresh=False),
        "ignore_reasons": Mention.IgnoreReason.choices,
        "category_choices": Mention.Category.choices,
        "search_ranks": selectors.search_ranks(),
    }
    template_name = "inbox/inbox.html"
    if request.htmx and before:
        template_name += "#mention-more"
    elif request.htmx and request.htmx.target in ("mention-list", "inbox-panes"):
        template_name += f"#{request.htmx.target}"
    elif mention is not None:
        context.update(_detail_context(request, mention, list_query) | (shown or {}))
    return render(request, template_name, context)


def _detail_context(request: AppRequest, mention: Mention, list_query: str) -> dict[str, Any]:
    user = request.user
    people = _people(fresh=False)
    if mention.assignee is not None and mention.assignee_id not in {person_id for person_id, _name in people}:
        people.append((mention.assignee.id, str(mention.assignee)))
    # The row sent along out of band is rendered as the list renders it (search terms marked).
    return {
        "filters": list_request(QueryDict(list_query)).filters,
        "mention": mention,
        "sightings": selectors.sightings_of(mention),
        "events": selectors.events_of(mention),
        "history": selectors.author_history(user=user, mention=mention),
        "others_here": presence.presence_of(kind=presence.MENTION, object_id=mention.id, user=user),
        "category_form": CategoriseForm(initial={"category": mention.effective_category}),
        "ignore_form": IgnoreForm(),
        "assign_form": AssignForm(initial={"assignee": mention.assignee_id}, people=people),
        "note_form": NoteForm(),
        "open_cases": selectors.cases_open(user=user),
        "list_query": list_query,
        "heartbeat": presence.HEARTBEAT,
    }


@require_safe
@permission_required("monitoring.view_mention", raise_exception=True)
def mention_facets(request: AppRequest) -> HttpResponse:
    """How many mentions each filter value has, given the other filters; read after the list, and kept
    between reads (``inbox.facets``).

    Drawing the pane (some thirty links, each toggling its value in the query) took as long as counting:
    the pane is kept too, by the counts' version, the language and the query sent.
    """
    asked = list_request(request.GET)
    filters = asked.filters
    read = facets_read(user=request.user, filters=filters, query=asked.query)
    drawn_key = (
        "inbox:facets-pane:"
        + hashlib.sha256(f"{read.version}:{get_language()}:{request.META.get('QUERY_STRING', '')}".encode()).hexdigest()
    )
    drawn = cache.get(drawn_key)
    if drawn is None:
        drawn = render_to_string("inbox/_facets.html", _facets_context(asked, read))
        cache.set(drawn_key, drawn, FACETS_PANE_SECONDS)
    return HttpResponse(drawn)


def _facets_context(asked: ListRequest, read: FacetsRead) -> dict[str, Any]:
    facets = selectors.facets_labelled(read.facets)
    groups = [
        (_("Status"), "status", facets.statuses),
        (_("Category"), "category", facets.categories),
        (_("Flags"), "flag", facets.flags),
        (_("Assigned to"), "assignee", facets.assignees),
        (_("Platform"), "platform", facets.platforms),
        (_("Source"), "source", facets.sources),
        (_("Language"), "language", facets.languages),
    ]
    return {
        "facet_groups": groups,
        "list_query": asked.query,
        "filters": asked.filters,
        "from_error": asked.error_of("from"),
        "to_error": asked.error_of("to"),
        "stale_since": read.stale_since,
    }


@require_safe
@permission_required("monitoring.view_mention", raise_exception=True)
def mention_newer(request: AppRequest) -> HttpResponse:
    """The "N new" bar: mentions matching the list's filters that arrived since it was read. A filter that
    cannot be read is left out, as on the list; without a mention to count from, the bar says to reload."""
    asked = list_request(request.GET)
    after = request.GET.get("after", "")
    if not (after.isascii() and after.isdigit() and int(after) <= MAX_ID):
        context = {"newer_error": _("This list cannot be kept up to date. Reload the page.")}
        return render(request, "inbox/inbox.html#mention-newer", context)
    count = selectors.mentions_newer(user=request.user, filters=asked.filters, after_id=int(after))
    return render(
        request,
        "inbox/inbox.html#mention-newer",
        {"newer_count": count, "newest_id": int(after), "list_query": asked.query},
    )


# Triage ----------------------------------------------------------------------------------------------


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def mention_categorise(request: AppRequest, mention_id: int) -> HttpResponse:
    form = CategoriseForm(request.POST)
    return _triage(
        request,
        mention_id,
        form,
        lambda data: services.mention_categorise(
            actor=request.user, mention_id=mention_id, category=data["category"], version=data["version"]
        ),
    )


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def mention_ignore(request: AppRequest, mention_id: int) -> HttpResponse:
    form = IgnoreForm(request.POST)
    return _triage(
        request,
        mention_id,
        form,
        lambda data: services.mention_ignore(
            actor=request.user, mention_id=mention_id, reason=data["reason"], version=data["version"]
        ),
        done=_("Ignored. It stays findable under “Ignored”."),
    )


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def mention_restore(request: AppRequest, mention_id: int) -> HttpResponse:
    form = CategoriseForm(request.POST)
    form.fields["category"].required = False
    return _triage(
        request,
        mention_id,
        form,
        lambda data: services.mention_restore(actor=request.user, mention_id=mention_id, version=data["version"]),
        done=_("Back in the inbox."),
    )


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def mention_assign(request: AppRequest, mention_id: int) -> HttpResponse:
    form = AssignForm(request.POST, people=_people())
    return _triage(
        request,
        mention_id,
        form,
        lambda data: services.mention_assign(
            actor=request.user, mention_id=mention_id, assignee_id=data["assignee"], version=data["version"]
        ),
    )


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def mention_note(request: AppRequest, mention_id: int) -> HttpResponse:
    form = NoteForm(request.POST)
    return _triage(
        request,
        mention_id,
        form,
        lambda data: services.mention_note_add(actor=request.user, mention_id=mention_id, text=data["text"]),
        done=_("Note added."),
    )


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def mention_case(request: AppRequest, mention_id: int) -> HttpResponse:
    form = CaseForm(request.POST)

    def run(data: dict[str, Any]) -> object:
        if data["case"]:
            return services.case_attach(
                actor=request.user, mention_id=mention_id, case_id=data["case"], version=data["version"]
            )
        return services.case_open(
            actor=request.user, mention_id=mention_id, title=data["title"], version=data["version"]
        )

    done = _("The mention is in a case now.")
    return _triage(request, mention_id, form, run, done=done, shown_as={"case_form": form})


def _triage(
    request: AppRequest,
    mention_id: int,
    form: Any,
    run: Callable[[dict[str, Any]], object],
    *,
    done: str = "",
    shown_as: dict[str, Any] | None = None,
) -> HttpResponse:
    """Run one triage change and show the mention again, with what happened or why nothing did.

    ``shown_as``: where the pane shows this form (its context names and the form); a refused form is then
    shown again there with what was typed.
    """
    error = ""
    if not form.is_valid():
        error = " ".join(str(m) for messages_ in form.errors.values() for m in messages_)
    else:
        try:
            run(form.cleaned_data)
        except MentionNotFound as exc:
            raise Http404(str(exc)) from exc
        except InboxError as exc:
            error = str(exc)
    shown = (shown_as or {}) if error else {}
    if not request.htmx:
        if error:
            messages.error(request, error)
            if shown:
                return _inbox_page(request, mention=_mention_or_404(request, mention_id), shown=shown)
        elif done:
            messages.success(request, done)
        return redirect(reverse("inbox:mention-detail", args=[mention_id]) + _return_query(request))
    mention = _mention_or_404(request, mention_id)
    list_query = _return_query(request).lstrip("?")
    outcome = {"error": error, "done": "" if error else done, "is_oob": True}
    context = _detail_context(request, mention, list_query) | outcome | shown
    response = render(request, "inbox/inbox.html#mention-detail", context)
    return trigger_client_event(response, "mention-changed", {"id": mention_id}) if not error else response


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def mention_bulk(request: AppRequest) -> HttpResponse:
    """One change to the selected mentions; the list comes back with an Undo."""
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Select mentions and choose what to do with them."))
    else:
        try:
            outcome = services.mentions_bulk_triage(
                actor=request.user,
                mention_ids=form.cleaned_data["ids"],
                action=form.cleaned_data["action"],
                value=form.cleaned_data["value"],
            )
        except InboxError as exc:
            messages.error(request, str(exc))
        else:
            text = ngettext("%(count)d mention changed.", "%(count)d mentions changed.", outcome.changed) % {
                "count": outcome.changed
            }
            if outcome.skipped:
                text += " " + ngettext("%(count)d left as it was.", "%(count)d left as they were.", outcome.skipped) % {
                    "count": outcome.skipped
                }
            messages.success(request, text, extra_tags="undoable")
    return redirect(reverse("inbox:mention-list") + _return_query(request))


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def triage_undo(request: AppRequest) -> HttpResponse:
    """Take back one's own last triage change."""
    try:
        outcome = services.batch_undo(actor=request.user)
    except InboxError as exc:
        messages.error(request, str(exc))
    else:
        text = ngettext("Undone for %(count)d mention.", "Undone for %(count)d mentions.", outcome.restored) % {
            "count": outcome.restored
        }
        if outcome.kept:
            text += " " + ngettext(
                "%(count)d was changed by somebody since and stays as it is.",
                "%(count)d were changed by somebody since and stay as they are.",
                outcome.kept,
            ) % {"count": outcome.kept}
        messages.success(request, text)
    return redirect(reverse("inbox:mention-list") + _return_query(request))


@require_POST
@permission_required("monitoring.view_mention", raise_exception=True)
def mention_presence(request: AppRequest, mention_id: int) -> HttpResponse:
    """An open detail pane reports itself (viewing, replying or noting) and gets back who else is there."""
    if selectors.mention_detail(user=request.user, mention_id=mention_id) is None:
        raise Http404(_("This mention does not exist, or you may not see it."))
    url = reverse("inbox:mention-presence", args=[mention_id])
    return _presence(request, presence.MENTION, mention_id, url)


def _presence(request: AppRequest, kind: str, object_id: int, url: str) -> HttpResponse:
    """Record the report of an open page and answer with who else is there; "left" takes one off at once."""
    state = request.POST.get("state", presence.VIEWING)
    if state == "left":
        presence.presence_leave(kind=kind, object_id=object_id, user=request.user)
        return HttpResponse(status=204)
    others = presence.presence_report(kind=kind, object_id=object_id, user=request.user, state=state)
    return render(request, "inbox/_presence.html#presence", _presence_context(kind, object_id, url, others))


def _presence_context(kind: str, object_id: int, url: str, others: list[presence.Presence]) -> dict[str, Any]:
    return {
        "others_here": others,
        "presence_id": f"{kind}-presence",
        "presence_url": url,
        "heartbeat": presence.HEARTBEAT,
    }


# Pieces ----------------------------------------------------------------------------------------------


def _people(*, fresh: bool = True) -> list[tuple[int, str]]:
    """Who mentions and cases can be assigned to. The list page's bulk bar takes a copy each process keeps
    a minute (``fresh=False``); forms that show or check one person's assignment read it anew."""
    kept = caches["fragments"]
    people = None if fresh else kept.get("inbox:people")
    if people is None:
        people = [(person.id, str(person)) for person in selectors.assignable_people()]
        kept.set("inbox:people", people, PEOPLE_CACHE_SECONDS)
    return list(people)


def _return_query(request: AppRequest) -> str:
    """The list's filters sent back with a form, to return to the same list."""
    query = request.POST.get("return_query", "").lstrip("?")
    return f"?{query}" if query else ""


# Cases -----------------------------------------------------------------------------------------------


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
    return _presence(request, presence.CASE, case_id, reverse("inbox:case-presence", args=[case_id]))


def _case_page(request: AppRequest, case_id: int, shown: dict[str, Any]) -> HttpResponse:
    """The case page; ``shown`` replaces parts of its context (a form sent with mistakes)."""
    view = selectors.case_detail(user=request.user, case_id=case_id, language=(get_language() or "nl")[:2])
    if view is None:
        raise Http404(_("This case does not exist, or you may not see it."))
    return render(request, "inbox/case_detail.html", _case_context(request, view) | shown)


def _case_context(request: AppRequest, view: selectors.CaseView) -> dict[str, Any]:
    case, user = view.case, request.user
    people = _people()
    first = view.mentions[0] if view.mentions else None
    others = presence.presence_of(kind=presence.CASE, object_id=case.id, user=user)
    return _presence_context(presence.CASE, case.id, reverse("inbox:case-presence", args=[case.id]), others) | {
        "case": case,
        "view": view,
        "now": timezone.now(),
        "statuses": [(value, label) for value, label in Case.Status.choices],
        "channels": Reply.Channel.choices,
        "reply_max_length": REPLY_MAX_LENGTH,
        "note_max_length": services.NOTE_MAX_LENGTH,
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
        },
        "details_form": CaseDetailsForm(
            instance=case,
            initial={"version": case.version},
            people=people,
            scenarios=[(scenario.id, scenario.title) for scenario in view.scenarios],
        ),
        "resolve_form": CaseResolveForm(),
        "close_form": CaseCloseForm(),
        "improvement_form": ImprovementForm(people=people, initial={"owner": user.id}),
        "removal_form": RemovalRequestForm(initial={"platform": first.get_platform_display() if first else ""}),
        "removal_outcomes": RemovalRequest.Outcome.choices,
        "can_approve": selectors.is_approver(user, case.organisation),
        "may_close": selectors.may_close(user, case),
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
    scenarios = [
        (scenario.id, scenario.title) for scenario in selectors.scenarios_for(user=request.user, case_id=case_id)
    ]
    form = CaseDetailsForm(request.POST, people=_people(), scenarios=scenarios)

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
        return services.reply_save(
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
        lambda data: services.reply_request_approval(actor=request.user, reply_id=reply_id),
        _("Sent for approval."),
    )


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def reply_review(request: AppRequest, reply_id: int) -> HttpResponse:
    reply = _reply_or_404(request, reply_id)
    form = ReplyReviewForm(request.POST)

    def run(data: dict[str, Any]) -> object:
        if data["decision"] == "approve":
            return services.reply_approve(actor=request.user, reply_id=reply_id, comment=data["comment"])
        return services.reply_comment(actor=request.user, reply_id=reply_id, comment=data["comment"])

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
        lambda data: services.reply_mark_posted(
            actor=request.user, reply_id=reply_id, link=data["link"], platform_posted_at=data["platform_posted_at"]
        ),
        _("Logged as sent."),
        shown_as={"posted_form": form, "posted_reply_id": reply_id},
    )


@require_POST
@permission_required("monitoring.triage_mention", raise_exception=True)
def improvement_add(request: AppRequest, case_id: int) -> HttpResponse:
    form = ImprovementForm(request.POST, people=_people())
    return _case_step(
        request,
        case_id,
        form,
        lambda data: services.improvement_add(
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
        services.improvement_update(
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
        lambda data: services.removal_request_add(
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


# The playbook ----------------------------------------------------------------------------------------


@require_safe
@permission_required("monitoring.view_mention", raise_exception=True)
def playbook(request: AppRequest) -> HttpResponse:
    """The organisation's agreements for answering: everybody reads them, the board changes them."""
    return _playbook_page(request, _organisation_or_404())


def _playbook_page(request: AppRequest, organisation: Organisation, **refused: Any) -> HttpResponse:
    """The playbook page; ``refused`` puts a form sent with mistakes in its place (``roster_form``,
    ``template_form`` or ``refused_kind`` with ``refused_form``), its errors at its fields and what was typed
    kept."""
    book = selectors.playbook_of(user=request.user, organisation=organisation)
    if book is None:
        raise Http404(_("There is no organisation yet."))
    people = _people_with_a_role()
    forms_ = {kind: form(prefix=kind, people=people) for kind, form in PLAYBOOK_FORMS.items()}
    if "refused_kind" in refused:
        forms_[refused.pop("refused_kind")] = refused.pop("refused_form")
    # A refused change to an existing template is shown in that template's place, a new one under "New".
    template_form = refused.pop("template_form", None)
    sent_id = template_form.data.get("template-template_id", "") if template_form is not None else ""
    edited_id = sent_id if sent_id in {str(template.id) for template in book.templates} else ""
    context = {
        "book": book,
        "roster_form": RosterForm(
            prefix="roster",
            people=people,
            initial={
                "owner": book.organisation.webcare_owner_id,
                "deputy": book.organisation.webcare_deputy_id,
                "contact_phone": book.organisation.contact_phone,
                "contact_email": book.organisation.contact_email,
            },
        ),
        # Each form has its own prefix: several have a title or a language, and ids must stay unique.
        "forms": forms_,
        "template_form": template_form
        if template_form is not None and not edited_id
        else ReplyTemplateForm(prefix="template", organisation=book.organisation),
        "edited_template_form": template_form if edited_id else None,
        "edited_template_id": edited_id,
        "purposes": ReplyTemplate.Purpose.choices,
    } | refused
    return render(request, "inbox/playbook.html", context)


def _organisation_or_404() -> Organisation:
    organisation = organisation_current()
    if organisation is None:
        raise Http404(_("There is no organisation yet."))
    return organisation


def _people_with_a_role() -> list[tuple[int, str]]:
    return [(person.id, str(person)) for person in selectors.people_with_a_role()]


def _playbook_step(
    request: AppRequest,
    organisation: Organisation,
    form: Any,
    run: Callable[[Organisation, dict[str, Any]], object],
    done: str,
    *,
    shown_as: dict[str, Any],
) -> HttpResponse:
    """Run one change to the playbook; a form with mistakes, or one the service refuses, comes back on the
    page where ``shown_as`` puts it, with what was typed."""
    if form.is_valid():
        try:
            run(organisation, form.cleaned_data)
        except InboxError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("inbox:playbook")
    messages.error(request, _("Not saved. The marked form below says what to change."))
    return _playbook_page(request, organisation, **shown_as)


@require_POST
@permission_required("accounts.appoint_roster", raise_exception=True)
def playbook_roster(request: AppRequest) -> HttpResponse:
    form = RosterForm(request.POST, prefix="roster", people=_people_with_a_role())
    return _playbook_step(
        request,
        _organisation_or_404(),
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
    )


@require_POST
@permission_required("accounts.manage_playbook", raise_exception=True)
def playbook_add(request: AppRequest, kind: str) -> HttpResponse:
    if kind not in PLAYBOOK_FORMS:
        raise Http404(kind)
    form = PLAYBOOK_FORMS[kind](request.POST, prefix=kind, people=_people_with_a_role())
    return _playbook_step(
        request,
        _organisation_or_404(),
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
    organisation = _organisation_or_404()
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
    organisation = _organisation_or_404()
    form = ReplyTemplateForm(request.POST, prefix="template", organisation=organisation)
    return _playbook_step(
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


# Notifications ---------------------------------------------------------------------------------------


@require_safe
def notification_badge(request: AppRequest) -> HttpResponse:
    """The bell in the top bar: how many notifications wait. Read apart from the page, every minute."""
    count = selectors.notifications_unread_count(user=request.user)
    return render(request, "inbox/_notification_badge.html", {"unread": count})


@require_safe
def notification_list(request: AppRequest) -> HttpResponse:
    """What colleagues asked of you: mentions in notes, replies to check, approvals. Opening it marks all seen."""
    notifications = selectors.notifications_recent(user=request.user)
    services.notifications_mark_read(user=request.user)
    return render(request, "inbox/notification_list.html", {"notifications": notifications})


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
        lambda data: services.removal_request_outcome(
            actor=request.user, request_id=request_id, outcome=data["outcome"]
        ),
        _("Recorded."),
    )
