from __future__ import annotations

from typing import Any

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
from accounts.selectors import organisation_of
from monitoring import selectors, tasks
from monitoring.demo import demo_feed_render
from monitoring.exceptions import MonitoringError, SourceRetired
from monitoring.forms import (
    QuickAddForm,
    SourceAddressForm,
    SourceForm,
    SourceIntervalForm,
    SourceRenameForm,
    WatchTermsForm,
)
from monitoring.models import Source
from monitoring.services import quick_add, sources
from monitoring.services.watch_terms import watch_terms_save


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
    """Source health: what each source last did, failing and paused ones first; retired ones apart."""
    template_name = "monitoring/source_list.html"
    context: dict[str, Any] = {"sources": selectors.sources_for_health(request.user)}
    if request.htmx:
        template_name += "#source-table"
    else:
        context["retired"] = selectors.sources_retired(request.user)
    return render(request, template_name, context)


@require_safe
@permission_required("monitoring.view_source", raise_exception=True)
def source_detail(request: AppRequest, source_id: int) -> HttpResponse:
    """A source's health and history; the board also manages it here."""
    return _source_page(request, source_id)


def _source_page(request: AppRequest, source_id: int, **forms: Any) -> HttpResponse:
    """The source page, with ``forms`` (a refused one, bound) in place of the empty management forms."""
    source = get_object_or_404(selectors.sources_readable(request.user), id=source_id)
    context: dict[str, Any] = {
        "source": source,
        "fetch_log": selectors.source_fetch_log(request.user, source.id),
        "events": selectors.source_events(request.user, source.id),
        "can_manage": request.user.has_perm("monitoring.change_source"),
    }
    if context["can_manage"]:
        context["rename_form"] = forms.get("rename_form") or SourceRenameForm(initial={"name": source.name})
        context["interval_form"] = forms.get("interval_form") or SourceIntervalForm(
            initial={"poll_interval_minutes": source.poll_interval_minutes}
        )
        context["address_form"] = forms.get("address_form") or SourceAddressForm(
            initial={"url": source.url}, kind=source.kind
        )
    return render(request, "monitoring/source_detail.html", context, status=200)


def _source_for_change(request: AppRequest, source_id: int) -> Source:
    return get_object_or_404(selectors.sources_readable(request.user), id=source_id)


def _back_to(source: Source) -> HttpResponse:
    return redirect("monitoring:source-detail", source.id)


@require_POST
@permission_required("monitoring.change_source", raise_exception=True)
def source_rename(request: AppRequest, source_id: int) -> HttpResponse:
    source = _source_for_change(request, source_id)
    form = SourceRenameForm(request.POST)
    if form.is_valid():
        try:
            source = sources.source_rename(source_id=source.id, name=form.cleaned_data["name"], actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The source is now called “%(name)s”.") % {"name": source.name})
            return _back_to(source)
    return _source_page(request, source.id, rename_form=form)


@require_POST
@permission_required("monitoring.change_source", raise_exception=True)
def source_interval(request: AppRequest, source_id: int) -> HttpResponse:
    source = _source_for_change(request, source_id)
    form = SourceIntervalForm(request.POST)
    if form.is_valid():
        minutes = form.cleaned_data["poll_interval_minutes"]
        try:
            sources.source_interval_change(source_id=source.id, minutes=minutes, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("“%(name)s” is now polled every %(minutes)d minutes.") % {
                "name": source.display_name, "minutes": minutes
            })  # fmt: skip
            return _back_to(source)
    return _source_page(request, source.id, interval_form=form)


@require_POST
@permission_required("monitoring.change_source", raise_exception=True)
def source_address(request: AppRequest, source_id: int) -> HttpResponse:
    """Point a source at a new address, checked by fetching it once, exactly as when adding a source."""
    source = _source_for_change(request, source_id)
    form = SourceAddressForm(request.POST, kind=source.kind)
    if _address_checked(form) is not None:
        url = form.cleaned_data["url"]
        try:
            sources.source_address_change(source_id=source.id, url=url, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The feed address is now %(url)s; it is polled again within a minute.") % {"url": url}
            )
            return _back_to(source)
    return _source_page(request, source.id, address_form=form)


def _address_checked(form: SourceForm | SourceAddressForm) -> sources.SourcePreview | None:
    """What the address in a valid ``form`` holds, fetched once through the guard; ``None`` (with the
    error at ``url``) when the form is invalid or the address gives no feed we can read."""
    if not form.is_valid():
        return None
    try:
        return sources.source_preview(url=form.cleaned_data["url"])
    except MonitoringError as exc:
        form.add_error("url", str(exc))
        return None


@require_POST
@permission_required("monitoring.change_source", raise_exception=True)
def source_pause(request: AppRequest, source_id: int) -> HttpResponse:
    source = _source_for_change(request, source_id)
    try:
        sources.source_pause(source_id=source.id, actor=request.user)
    except SourceRetired as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("“%(name)s” is paused.") % {"name": source.display_name})
    return _back_to(source)


@require_POST
@permission_required("monitoring.change_source", raise_exception=True)
def source_resume(request: AppRequest, source_id: int) -> HttpResponse:
    source = _source_for_change(request, source_id)
    try:
        sources.source_resume(source_id=source.id, actor=request.user)
    except SourceRetired as exc:
        messages.error(request, str(exc))
        return _back_to(source)
    back = "monitoring:source-detail" if request.POST.get("back") == "source" else "monitoring:source-list"
    return _poll_and_report(request, source, _("“%(name)s” is active again and is polled now."), back=back)


@require_POST
@permission_required("monitoring.change_source", raise_exception=True)
def source_retire(request: AppRequest, source_id: int) -> HttpResponse:
    source = _source_for_change(request, source_id)
    sources.source_retire(source_id=source.id, actor=request.user)
    messages.success(
        request,
        _("“%(name)s” is retired: it is no longer polled, and what it found stays in the inbox.")
        % {"name": source.display_name},
    )
    return _back_to(source)


@require_POST
@permission_required("monitoring.change_source", raise_exception=True)
def source_restore(request: AppRequest, source_id: int) -> HttpResponse:
    source = _source_for_change(request, source_id)
    sources.source_restore(source_id=source.id, actor=request.user)
    messages.success(request, _("“%(name)s” is back and is polled again soon.") % {"name": source.display_name})
    return _back_to(source)


@require_POST
@permission_required("monitoring.change_source", raise_exception=True)
def source_poll_now(request: AppRequest, source_id: int) -> HttpResponse:
    source = get_object_or_404(selectors.sources_for_health(request.user), id=source_id, is_active=True)
    back = "monitoring:source-detail" if request.POST.get("back") == "source" else "monitoring:source-list"
    return _poll_and_report(
        request,
        source,
        _("“%(name)s” is being polled now; this page shows the result in a moment."),
        force=True,
        back=back,
    )


_QUEUE_DOWN = gettext_lazy(
    "The task queue cannot be reached right now, so “%(name)s” is not polled at once. Nothing is lost: "
    "it is polled at its next turn when the queue is back."
)


def _poll_and_report(
    request: AppRequest,
    source: Source,
    done: str,
    *,
    force: bool = False,
    back: str = "monitoring:source-list",
    url: str = "",
) -> HttpResponse:
    """Queue a poll of ``source``, say ``done`` (or that the queue is down), and go back to ``back``.

    ``done`` may name the source (``%(name)s``) and ``url`` (``%(url)s``).
    """
    if tasks.source_poll_enqueue(source.id, force=force):
        messages.success(request, done % {"name": source.display_name, "url": url})
    else:
        messages.warning(request, _QUEUE_DOWN % {"name": source.display_name})
    if back == "monitoring:source-detail":
        return redirect(back, source.id)
    return redirect(back)


@require_http_methods(["GET", "POST"])
@permission_required("monitoring.add_source", raise_exception=True)
def source_add(request: AppRequest) -> HttpResponse:
    """Add a source: its address is fetched once first (the "Check" button does only that)."""
    form = SourceForm(request.POST or None)
    preview = _address_checked(form) if request.method == "POST" else None
    if preview is not None and "save" in request.POST:
        return _source_save(request, form, preview)
    template_name = "monitoring/source_add.html"
    if request.htmx:
        template_name += "#source-check"
    return render(request, template_name, {"form": form, "preview": preview})


def _source_save(request: AppRequest, form: SourceForm, preview: sources.SourcePreview) -> HttpResponse:
    organisation = organisation_of(request.user)
    if organisation is None:
        raise Http404
    try:
        source = sources.source_create(
            organisation=organisation,
            name=form.cleaned_data["name"] or preview.title or form.cleaned_data["url"],
            kind=form.cleaned_data["kind"],
            url=form.cleaned_data["url"],
            poll_interval_minutes=form.cleaned_data["poll_interval_minutes"],
            actor=request.user,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(request, "monitoring/source_add.html", {"form": form, "preview": preview})
    if form.derived_url:
        done = _("“%(name)s” was added with the feed address %(url)s and is polled now.")
        return _poll_and_report(request, source, done, url=source.url)
    return _poll_and_report(request, source, _("“%(name)s” was added and is polled now."))


@require_http_methods(["GET", "POST"])
@permission_required("monitoring.triage_mention", raise_exception=True)
def mention_quick_add(request: AppRequest) -> HttpResponse:
    """Add a mention seen where no feed reaches; the same link twice is kept once."""
    form = QuickAddForm(request.POST or None)
    organisation = organisation_of(request.user)
    if request.method == "POST" and form.is_valid() and organisation is not None:
        try:
            added = quick_add.mention_quick_add(organisation=organisation, actor=request.user, **form.cleaned_data)
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
    organisation = organisation_of(request.user)
    if organisation is None:
        raise Http404
    current = selectors.watch_terms_for(organisation)
    initial = {"include": current.include, "exclude": current.exclude} if current else {}
    form = WatchTermsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        watch_terms_save(organisation=organisation, **form.cleaned_data)
        messages.success(request, _("The watch terms are saved; they apply to what is found from now on."))
        return redirect("monitoring:source-list")
    return render(request, "monitoring/watch_terms.html", {"form": form})


@require_safe
def help_google_alerts(request: AppRequest) -> HttpResponse:
    return render(request, "monitoring/help_google_alerts.html")
