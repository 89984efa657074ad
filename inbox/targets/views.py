"""The opening hours and targets page: everybody with a role reads it, the board and managers change it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from accounts.models import Organisation
from accounts.selectors import organisation_or_404
from inbox.exceptions import TargetsRefused
from inbox.http import AppRequest
from inbox.targets import rules, selectors, services
from inbox.targets.forms import BlockForm, ClosedDayForm, HolidaysForm, OverrideForm, TargetsForm, hours_shown

PERMISSION = "targets.change_targets"


@require_safe
@permission_required("monitoring.view_mention", raise_exception=True)
@vary_on_headers("HX-Request")
def targets(request: AppRequest) -> HttpResponse:
    """The page; HTMX asks for the worked example alone, for a moment (``at``) and the targets as typed."""
    if request.htmx:
        page = _page_or_404(request)
        context = _example_context(request, page.plan)
        with timezone.override(context["example_plan"].schedule.zone):  # the times as the organisation reads them
            return render(request, "inbox/targets.html#targets-example", context)
    return _targets_page(request)


def _page_or_404(request: AppRequest) -> selectors.TargetsPage:
    page = selectors.targets_page(user=request.user)
    if page is None:
        raise Http404(_("There is no organisation yet."))
    return page


def _targets_page(request: AppRequest, **refused: Any) -> HttpResponse:
    """The page; ``refused`` puts a form sent with mistakes in its place, with what was typed."""
    page = _page_or_404(request)
    row = page.settings
    context: dict[str, Any] = {
        "page": page,
        "may_edit": request.user.has_perm(PERMISSION),
        "targets_form": TargetsForm(
            prefix="targets",
            initial={
                "first_response_open": hours_shown(row.first_response_open_minutes),
                "first_response_closed": hours_shown(row.first_response_closed_minutes),
                "resolution_days": row.resolution_days,
                "counts": "clock" if row.counts_clock_hours else "open",
                "time_zone": row.time_zone,
            },
        ),
        "block_form": BlockForm(prefix="block"),
        "closed_form": ClosedDayForm(prefix="closed"),
        "override_form": OverrideForm(prefix="override"),
        "holidays_form": _holidays_form(page),
    } | _example_context(request, page.plan)
    with timezone.override(context["example_plan"].schedule.zone):  # the times as the organisation reads them
        return render(request, "inbox/targets.html", context | refused)


def _holidays_form(page: selectors.TargetsPage, data: Any = None) -> HolidaysForm:
    keys = [(holiday.key, holiday.name) for holiday in page.holidays]
    closed = [holiday.key for holiday in page.holidays if holiday.is_closed]
    return HolidaysForm(data, prefix="holidays", keys=keys, initial={"closed_on": closed})


def _example_context(request: AppRequest, plan: rules.Plan) -> dict[str, Any]:
    """The worked examples under the targets as saved, or as typed in the targets form (not saved yet), and
    the due times of a complaint published at the moment ``at`` the reader chose."""
    typed = TargetsForm(request.GET, prefix="targets") if "targets-counts" in request.GET else None
    if typed is not None and typed.is_valid():
        plan = _plan_with(plan, typed.cleaned_data)
    now = timezone.now()
    chosen: datetime | None = None
    sent = request.GET.get("at", "")
    try:
        chosen = datetime.fromisoformat(sent).replace(tzinfo=plan.schedule.tzinfo) if sent else None
        if chosen is not None and abs(chosen - now) > timedelta(days=3660):
            chosen = None
    except (ValueError, OverflowError):
        chosen = None
    examples = selectors.examples(plan, now)
    if chosen is not None:
        examples.insert(0, selectors.Example(published_at=chosen, due=rules.due(plan, chosen)))
    return {
        "examples": examples,
        "example_plan": plan,
        "chosen_at": chosen.strftime("%Y-%m-%dT%H:%M") if chosen else "",
        "at_error": bool(sent) and chosen is None,
    }


def _plan_with(plan: rules.Plan, data: dict[str, Any]) -> rules.Plan:
    schedule = replace(plan.schedule, zone=data["time_zone"], clock_hours=data["counts"] == "clock")
    targets = replace(
        plan.targets,
        first_response_open=timedelta(minutes=data["first_response_open"]),
        first_response_closed=timedelta(minutes=data["first_response_closed"]),
        resolution_days=data["resolution_days"],
    )
    return replace(plan, schedule=schedule, targets=targets)


def _step(
    request: AppRequest,
    form: Any,
    run: Callable[[Organisation, dict[str, Any]], object],
    done: str,
    *,
    shown_as: str,
) -> HttpResponse:
    """Run one change; a form with mistakes, or one the service refuses, comes back on the page in its place
    (``shown_as``) with its errors at its fields and what was typed."""
    organisation = organisation_or_404(request.user)
    if form.is_valid():
        try:
            run(organisation, form.cleaned_data)
        except TargetsRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, done)
            return redirect("inbox:targets")
    messages.error(request, _("Not saved. The marked form below says what to change."))
    return _targets_page(request, **{shown_as: form})


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def targets_update(request: AppRequest) -> HttpResponse:
    form = TargetsForm(request.POST, prefix="targets")
    return _step(
        request,
        form,
        lambda org, data: services.targets_set(
            actor=request.user,
            organisation=org,
            time_zone=data["time_zone"],
            counts_clock_hours=data["counts"] == "clock",
            first_response_open_minutes=data["first_response_open"],
            first_response_closed_minutes=data["first_response_closed"],
            resolution_days=data["resolution_days"],
        ),
        _("Saved. Open cases get their due times worked out again."),
        shown_as="targets_form",
    )


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def targets_block_add(request: AppRequest) -> HttpResponse:
    form = BlockForm(request.POST, prefix="block")
    return _step(
        request,
        form,
        lambda org, data: services.opening_block_add(
            actor=request.user,
            organisation=org,
            weekday=data["weekday"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
        ),
        _("The opening hours are saved."),
        shown_as="block_form",
    )


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def targets_block_remove(request: AppRequest, block_id: int) -> HttpResponse:
    services.opening_block_remove(actor=request.user, organisation=organisation_or_404(request.user), block_id=block_id)
    messages.success(request, _("The opening hours are saved."))
    return redirect("inbox:targets")


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def targets_holidays(request: AppRequest) -> HttpResponse:
    page = _page_or_404(request)
    form = _holidays_form(page, request.POST)
    shown = [holiday.key for holiday in page.holidays]
    return _step(
        request,
        form,
        lambda org, data: services.holidays_set(
            actor=request.user, organisation=org, closed_on=data["closed_on"], shown=shown
        ),
        _("The holidays are saved."),
        shown_as="holidays_form",
    )


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def targets_closed_add(request: AppRequest) -> HttpResponse:
    form = ClosedDayForm(request.POST, prefix="closed")
    return _step(
        request,
        form,
        lambda org, data: services.closed_day_add(
            actor=request.user, organisation=org, day=data["day"], label=data["label"]
        ),
        _("The closed day is saved."),
        shown_as="closed_form",
    )


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def targets_closed_remove(request: AppRequest, closed_day_id: int) -> HttpResponse:
    organisation = organisation_or_404(request.user)
    services.closed_day_remove(actor=request.user, organisation=organisation, closed_day_id=closed_day_id)
    messages.success(request, _("The closed day is taken out."))
    return redirect("inbox:targets")


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def targets_override_add(request: AppRequest) -> HttpResponse:
    form = OverrideForm(request.POST, prefix="override")

    def run(org: Organisation, data: dict[str, Any]) -> object:
        kind, value = form.kind_and_value()
        return services.target_override_add(
            actor=request.user,
            organisation=org,
            kind=kind,
            value=value,
            first_response_minutes=data["first_response"],
            resolution_days=data["resolution_days"],
        )

    return _step(request, form, run, _("The target is saved."), shown_as="override_form")


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def targets_override_remove(request: AppRequest, override_id: int) -> HttpResponse:
    organisation = organisation_or_404(request.user)
    services.target_override_remove(actor=request.user, organisation=organisation, override_id=override_id)
    messages.success(request, _("The target is taken out."))
    return redirect("inbox:targets")
