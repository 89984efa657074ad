from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from accounts.models import User
from accounts.selectors import organisation_current
from monitoring import selectors, services, tasks
from monitoring.demo import demo_feed_render
from monitoring.exceptions import MonitoringError
from monitoring.forms import QuickAddForm, SourceForm, WatchTermsForm
from monitoring.models import Source


class AppRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


@login_not_required  # fetched by our own worker, which does not sign in
@require_safe
def demo_feed(request: HttpRequest, name: str) -> HttpResponse:
    """A bundled sample feed, only while the demo is on (``WEBCARE_DEMO``)."""
    feed = demo_feed_render(name) if settings.WEBCARE_DEMO else None
    if feed is None:
        raise Http404
    if request.headers.get("If-None-Match") == feed.etag:
        return HttpResponseNotModified(headers={"ETag": feed.etag})
    return HttpResponse(feed.content, content_type=feed.content_type, headers={"ETag": feed.etag})


@require_safe
@permission_required("monitoring.change_source", raise_exception=True)
@vary_on_headers("HX-Request")
def source_list(request: AppRequest) -> HttpResponse:
    """Source health: what each source last did, failing and paused ones first."""
    template_name = "monitoring/source_list.html"
    if request.htmx:
        template_name += "#source-table"
    return render(request, template_name, {"sources": selectors.sources_for_health(request.user)})


@require_safe
@permission_required("monitoring.change_source", raise_exception=True)
def source_detail(request: AppRequest, source_id: int) -> HttpResponse:
    source = get_object_or_404(selectors.sources_for_health(request.user), id=source_id)
    log = selectors.source_fetch_log(request.user, source.id)
    return render(request, "monitoring/source_detail.html", {"source": source, "fetch_log": log})


@require_POST
@permission_required("monitoring.change_source", raise_exception=True)
def source_poll_now(request: AppRequest, source_id: int) -> HttpResponse:
    source = get_object_or_404(selectors.sources_for_health(request.user), id=source_id, is_active=True)
    return _poll_and_report(
        request, source, _("“%(name)s” is being polled now; this page shows the result in a moment."), force=True
    )


_QUEUE_DOWN = gettext_lazy(
    "The task queue cannot be reached right now, so “%(name)s” is not polled at once. Nothing is lost: "
    "it is polled at its next turn when the queue is back."
)


def _poll_and_report(request: AppRequest, source: Source, done: str, *, force: bool = False) -> HttpResponse:
    """Queue a poll of ``source``, say ``done`` (or that the queue is down), and go back to the list."""
    if tasks.source_poll_enqueue(source.id, force=force):
        messages.success(request, done % {"name": source.name})
    else:
        messages.warning(request, _QUEUE_DOWN % {"name": source.name})
    return redirect("monitoring:source-list")


@require_POST
@permission_required("monitoring.change_source", raise_exception=True)
def source_resume(request: AppRequest, source_id: int) -> HttpResponse:
    source = get_object_or_404(selectors.sources_for_health(request.user), id=source_id)
    services.source_resume(source_id=source.id, actor=request.user)
    return _poll_and_report(request, source, _("“%(name)s” is active again and is polled now."))


@require_http_methods(["GET", "POST"])
@permission_required("monitoring.add_source", raise_exception=True)
def source_add(request: AppRequest) -> HttpResponse:
    """Add a source: its address is fetched once first (the "Check" button does only that)."""
    form = SourceForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            preview = services.source_preview(url=form.cleaned_data["url"])
        except MonitoringError as exc:
            form.add_error("url", str(exc))
        else:
            if "save" in request.POST:
                return _source_save(request, form, preview)
    template_name = "monitoring/source_add.html"
    if request.htmx:
        template_name += "#source-check"
    return render(request, template_name, {"form": form, "preview": preview})


def _source_save(request: AppRequest, form: SourceForm, preview: services.SourcePreview) -> HttpResponse:
    organisation = organisation_current()
    if organisation is None:
        raise Http404
    try:
        source = services.source_create(
            organisation=organisation,
            name=form.cleaned_data["name"] or preview.title or form.cleaned_data["url"],
            kind=form.cleaned_data["kind"],
            url=form.cleaned_data["url"],
            actor=request.user,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(request, "monitoring/source_add.html", {"form": form, "preview": preview})
    return _poll_and_report(request, source, _("“%(name)s” was added and is polled now."))


@require_http_methods(["GET", "POST"])
@permission_required("monitoring.triage_mention", raise_exception=True)
def mention_quick_add(request: AppRequest) -> HttpResponse:
    """Add a mention seen where no feed reaches; the same link twice is kept once."""
    form = QuickAddForm(request.POST or None)
    organisation = organisation_current()
    if request.method == "POST" and form.is_valid() and organisation is not None:
        try:
            added = services.mention_quick_add(organisation=organisation, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if added.is_new:
                messages.success(request, _("The mention was added to the inbox."))
            else:
                messages.info(request, _("This link was already in the inbox; nothing was added twice."))
            return redirect("inbox:mention-list")
    return render(request, "monitoring/quick_add.html", {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required("monitoring.change_source", raise_exception=True)
def watch_terms(request: AppRequest) -> HttpResponse:
    """The organisation's include and exclude words for feeds that are not a search already."""
    organisation = organisation_current()
    if organisation is None:
        raise Http404
    current = selectors.watch_terms_for(organisation)
    initial = {"include": current.include, "exclude": current.exclude} if current else {}
    form = WatchTermsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.watch_terms_save(organisation=organisation, **form.cleaned_data)
        messages.success(request, _("The watch terms are saved; they apply to what is found from now on."))
        return redirect("monitoring:source-list")
    return render(request, "monitoring/watch_terms.html", {"form": form})


@require_safe
def help_google_alerts(request: AppRequest) -> HttpResponse:
    return render(request, "monitoring/help_google_alerts.html")
