"""The inbox screen: the mention list, its filters pane, a mention's detail and the triage actions."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.cache import cache
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from inbox import presence as inbox_presence
from inbox.cases import selectors as case_selectors
from inbox.cases.forms import NoteForm
from inbox.cases.views import people_choices
from inbox.exceptions import InboxError, MentionNotFound
from inbox.http import MAX_ID, AppRequest
from inbox.presence import presence_answer
from inbox.triage import due, facets, selectors, services
from inbox.triage.facets import FacetsRead, facets_read
from inbox.triage.forms import (
    SAVED_VIEWS,
    AssignForm,
    BulkForm,
    CaseForm,
    CategoriseForm,
    IgnoreForm,
    ListRequest,
    list_request,
)
from monitoring.models import Mention

FACETS_PANE_SECONDS = 10 * 60


@require_safe
@permission_required("monitoring.view_mention", raise_exception=True)
@vary_on_headers("HX-Request", "HX-Target")
def mention_list(request: AppRequest) -> HttpResponse:
    """The inbox: filters, the list, and an empty detail pane. HTMX asks for the list or its next rows."""
    return _inbox_page(request, mention=None)


@require_safe
@permission_required("monitoring.view_mention", raise_exception=True)
def due_list(request: AppRequest) -> HttpResponse:
    """Open cases and complaints, late ones first, then those nearly late, then the rest, by due time."""
    context = {"items": due.due_list(user=request.user), "page_size": due.PAGE_SIZE}
    return render(request, "inbox/due.html", context)


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
        "people": people_choices(request.user, fresh=False),
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
    people = people_choices(request.user, fresh=False)
    if mention.assignee is not None and mention.assignee_id not in {person_id for person_id, _name in people}:
        people.append((mention.assignee.id, str(mention.assignee)))
    # The row sent along out of band is rendered as the list renders it (search terms marked).
    return {
        "filters": list_request(QueryDict(list_query)).filters,
        "mention": mention,
        "sightings": selectors.sightings_of(mention),
        "events": selectors.events_of(mention),
        "history": selectors.author_history(user=user, mention=mention),
        "others_here": inbox_presence.presence_of(kind=inbox_presence.MENTION, object_id=mention.id, user=user),
        "category_form": CategoriseForm(initial={"category": mention.effective_category}),
        "ignore_form": IgnoreForm(),
        "assign_form": AssignForm(initial={"assignee": mention.assignee_id}, people=people),
        "note_form": NoteForm(),
        # Some fifty choices: their labels made here, not by the template once per option.
        "open_cases": [
            (case_id, _("Add to %(case)s") % {"case": Truncator(name).chars(60)})
            for case_id, name in case_selectors.cases_open(user=user)
        ],
        "list_query": list_query,
        "heartbeat": inbox_presence.HEARTBEAT,
    }


@require_safe
@permission_required("monitoring.view_mention", raise_exception=True)
def mention_facets(request: AppRequest) -> HttpResponse:
    """How many mentions each filter value has, given the other filters; read after the list, and kept
    between reads (``inbox.triage.facets``).

    Drawing the pane (some thirty links, each toggling its value in the query) took as long as counting:
    the pane is kept too, by the counts' version, the language and the query sent.
    """
    asked = list_request(request.GET)
    filters = asked.filters
    read = facets_read(user=request.user, filters=filters, query=asked.query)
    drawn_key = (
        "inbox:facets-pane:"
        + hashlib.sha256(
            f"{facets.reader_of(request.user, filters)}:{read.version}:{get_language()}:"
            f"{request.META.get('QUERY_STRING', '')}".encode()
        ).hexdigest()
    )
    drawn = cache.get(drawn_key)
    if drawn is None:
        drawn = render_to_string("inbox/_facets.html", _facets_context(asked, read, request.get_full_path()))
        cache.set(drawn_key, drawn, FACETS_PANE_SECONDS)
    return HttpResponse(drawn)


def _facets_context(asked: ListRequest, read: FacetsRead, url: str) -> dict[str, Any]:
    """The pane's context; ``url``: where it is read from (a pane still being counted asks there again)."""
    groups = []
    if read.facets is not None:
        labelled = selectors.facets_labelled(read.facets)
        groups = [
            (_("Status"), "status", labelled.statuses),
            (_("Category"), "category", labelled.categories),
            (_("Flags"), "flag", labelled.flags),
            (_("Assigned to"), "assignee", labelled.assignees),
            (_("Platform"), "platform", labelled.platforms),
            (_("Source"), "source", labelled.sources),
            (_("Language"), "language", labelled.languages),
        ]
    return {
        "counting": read.facets is None,
        "counting_url": url,
        "counting_retry_ms": facets.COUNTING_RETRY_MS,
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
    form = AssignForm(request.POST, people=people_choices(request.user))
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
    if not selectors.mention_is_visible(user=request.user, mention_id=mention_id):
        raise Http404(_("This mention does not exist, or you may not see it."))
    url = reverse("inbox:mention-presence", args=[mention_id])
    return presence_answer(request, inbox_presence.MENTION, mention_id, url)


def _return_query(request: AppRequest) -> str:
    """The list's filters sent back with a form, to return to the same list."""
    query = request.POST.get("return_query", "").lstrip("?")
    return f"?{query}" if query else ""
