"""The manager's report: whether we answer fast enough and whether complaints are really solved, and behind each
number the list of cases or mentions it counts. Managers and the board read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from inbox.cases.models import Case
from inbox.http import AppRequest
from inbox.reports import charts, selectors
from inbox.reports.query import NOBODY, NOT_SET, PERIODS, PERMISSION, ReportQuery, query_from
from inbox.reports.templatetags.reports_tags import drill, percent, span
from monitoring.feeds.platforms import Platform
from monitoring.models import Mention

PAGE_SIZE = 100  # like the case list
TIMED = "first_response_timed"
# What each drill-down list shows, as its heading.
TITLES = {
    "mentions": gettext_lazy("Mentions received"),
    "complaints": gettext_lazy("Complaints received"),
    "cases": gettext_lazy("Cases"),
    "first_response_timed": gettext_lazy("Cases answered, with the time it took"),
    "first_response_met": gettext_lazy("Cases answered within the first-response target"),
    "first_response_breached": gettext_lazy("Cases that missed the first-response target"),
    "first_response_decided": gettext_lazy("Cases whose first-response target was met or missed"),
    "resolution_timed": gettext_lazy("Cases resolved, with the time it took"),
    "resolution_met": gettext_lazy("Cases resolved within the resolution target"),
    "resolution_breached": gettext_lazy("Cases that missed the resolution target"),
    "resolution_decided": gettext_lazy("Cases whose resolution target was met or missed"),
    "first_response_0_1h": gettext_lazy("Cases answered within an hour"),
    "first_response_1_4h": gettext_lazy("Cases answered in 1 to 4 hours"),
    "first_response_4_8h": gettext_lazy("Cases answered in 4 to 8 hours"),
    "first_response_8_24h": gettext_lazy("Cases answered in 8 to 24 hours"),
    "first_response_24h": gettext_lazy("Cases answered after more than 24 hours"),
    "backlog": gettext_lazy("Cases open at the end of the period"),
    "satisfaction_asked": gettext_lazy("Resolved cases where we asked whether it really solves it"),
    "satisfied": gettext_lazy("Resolved cases with a satisfied customer"),
    "closed": gettext_lazy("Closed cases"),
    "followed_up": gettext_lazy("Closed cases with a public follow-up"),
    "removal_requested": gettext_lazy("Cases with a removal request"),
    "removal_pending": gettext_lazy("Cases with a removal request waiting for the platform"),
    "removal_removed": gettext_lazy("Cases with content the platform removed"),
    "removal_refused": gettext_lazy("Cases with a removal request the platform refused"),
    "improvement_done": gettext_lazy("Cases with an improvement made"),
}


def _query(request: AppRequest) -> tuple[ReportQuery, list[str]]:
    zone = selectors.zone_of(request.user)
    return query_from(request.GET, today=timezone.localdate(timezone=ZoneInfo(zone)), zone=zone)


@require_safe
@permission_required(PERMISSION, raise_exception=True)
def report_page(request: AppRequest) -> HttpResponse:
    """The report for the period and filters in the URL."""
    query, problems = _query(request)
    report = selectors.report(request.user, query, timezone.now())
    context = {
        "report": report,
        "query": query,
        "problems": problems,
        "periods": PERIODS,
        "choices": _filter_choices(request),
        "trends": _trends(report),
    }
    with timezone.override(query.zone):  # days and times as the organisation reads them
        return render(request, "reports/report.html", context)


def _filter_choices(request: AppRequest) -> dict[str, list[tuple[str, str]]]:
    people = [(str(person.id), str(person)) for person in selectors.people_of(request.user)]
    return {
        "platform": [(str(value), str(label)) for value, label in Platform.choices],
        "source": [(str(source.id), source.name) for source in selectors.sources_of(request.user)],
        "category": [(str(value), str(label)) for value, label in Mention.Category.choices],
        "assignee": [*people, (str(NOBODY), _("Nobody"))],
        "complainer": [*((str(v), str(label)) for v, label in Case.ComplainerType.choices), (NOT_SET, _("Not set"))],
    }


@dataclass(frozen=True)
class Trend:
    """One chart with its table (rows: a label and cells of a value and the address of its list, if any)."""

    key: str
    title: str
    svg: str
    summary: str
    headers: list[str]
    rows: list[tuple[str, list[tuple[str, str]]]]


def _week_label(day: date) -> str:
    return date_format(day, "j M")


def _trends(report: selectors.Report) -> list[Trend]:
    """The weekly charts: volume, median first response, share within target, and each source's polling delay."""
    query, weeks = report.query, report.weeks
    labels = [_week_label(week.start) for week in weeks]

    def cell(week: selectors.Week, figure: str, text: str) -> tuple[str, str]:
        return text, drill(query, figure, week.params(query))

    def hours(value: float) -> str:
        return _("%(hours).0f h") % {"hours": value}

    volume = [charts.Series(_("Mentions"), [w.mentions for w in weeks])]
    volume.append(charts.Series(_("Complaints"), [w.complaints for w in weeks]))
    busiest = max(weeks, key=lambda w: w.mentions, default=None)
    medians = [w.cases.first_response.median for w in weeks]
    answered = [m for m in medians if m is not None]
    within = [
        charts.Series(_("First response"), [w.cases.first_response_within for w in weeks]),
        charts.Series(_("Resolution"), [w.cases.resolution_within for w in weeks]),
    ]
    delays = sorted(report.delays, key=lambda d: -sum(1 for m in d.medians if m is not None))[:6]
    trends = [
        Trend(
            "volume",
            _("Mentions and complaints per week"),
            charts.bar_chart("volume", _("Mentions and complaints per week"), labels, volume, lambda v: f"{v:.0f}"),
            _("%(mentions)d mentions came in, %(complaints)d of them complaints; the busiest week began %(week)s.")
            % {
                "mentions": report.current.mentions,
                "complaints": report.current.complaints,
                "week": _week_label(busiest.start) if busiest else "—",
            },
            [_("Week"), _("Mentions"), _("Complaints")],
            [
                (label, [cell(w, "mentions", str(w.mentions)), cell(w, "complaints", str(w.complaints))])
                for label, w in zip(labels, weeks, strict=True)
            ],
        ),
        Trend(
            "first-response",
            _("Median first response per week"),
            charts.line_chart(
                "first-response",
                _("Median first response per week"),
                labels,
                [charts.Series(_("Median first response"), [m.total_seconds() / 3600 if m else None for m in medians])],
                hours,
            ),
            _("The median first response went from %(first)s in the first week with answers to %(last)s in the last.")
            % {"first": span(answered[0]), "last": span(answered[-1])}
            if answered
            else _("No case of this period was answered yet."),
            [_("Week"), _("Median first response"), _("Answered")],
            [
                (label, [(span(w.cases.first_response.median), ""), cell(w, TIMED, str(w.cases[TIMED]))])
                for label, w in zip(labels, weeks, strict=True)
            ],
        ),
        Trend(
            "within-target",
            _("Share within target per week"),
            charts.line_chart(
                "within-target", _("Share within target per week"), labels, within, lambda v: f"{v:.0f}%", top=100
            ),
            _("Over the period, %(first)s of first responses and %(resolution)s of resolutions were within target.")
            % {
                "first": percent(report.current.cases.first_response_within),
                "resolution": percent(report.current.cases.resolution_within),
            },
            [_("Week"), _("First response within target"), _("Resolution within target")],
            [
                (
                    label,
                    [
                        cell(w, "first_response_met", percent(w.cases.first_response_within)),
                        cell(w, "resolution_met", percent(w.cases.resolution_within)),
                    ],
                )
                for label, w in zip(labels, weeks, strict=True)
            ],
        ),
    ]
    if delays:
        minutes: Callable[[float], str] = lambda v: _("%(minutes).0f min") % {"minutes": v}  # noqa: E731
        lines = [charts.Series(d.name, [m.total_seconds() / 60 if m else None for m in d.medians]) for d in delays]
        slowest = max(delays, key=lambda d: max((m for m in d.medians if m is not None), default=None) or 0)
        trends.append(
            Trend(
                "polling-delay",
                _("Polling delay per source (median per week)"),
                charts.line_chart("polling-delay", _("Polling delay per source"), labels, lines, minutes),
                _("How long after publication our sources found a mention; the slowest source was %(source)s.")
                % {"source": slowest.name},
                [_("Week"), *(d.name for d in delays)],
                [(label, [(span(d.medians[index]), "") for d in delays]) for index, label in enumerate(labels)],
            )
        )
    return trends


def _page_number(request: AppRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 6 and int(raw) > 0 else 1


def _list(request: AppRequest, of: str, template: str) -> HttpResponse:
    query, problems = _query(request)
    name = request.GET.get("figure", "")
    rows = selectors.figure_rows(request.user, query, name, timezone.now())
    if rows is None or selectors.FIGURES[name].of != of:
        raise Http404(_("This figure does not exist."))
    number = _page_number(request)
    start = (number - 1) * PAGE_SIZE
    if of == selectors.CASES:
        rows = rows.select_related("assignee").order_by("-reported_at", "-id")
    else:
        rows = rows.select_related("source").order_by("-published_at", "-id")
    found = list(rows[start : start + PAGE_SIZE + 1])
    context: dict[str, Any] = {
        "query": query,
        "problems": problems,
        "figure": name,
        "title": TITLES[name],
        "total": rows.count(),
        "rows": found[:PAGE_SIZE],
        "number": number,
        "has_more": len(found) > PAGE_SIZE,
    }
    with timezone.override(query.zone):
        return render(request, template, context)


@require_safe
@permission_required(PERMISSION, raise_exception=True)
def report_cases(request: AppRequest) -> HttpResponse:
    """The cases behind one of the report's numbers (``?figure=``, with the report's period and filters)."""
    return _list(request, selectors.CASES, "reports/report_cases.html")


@require_safe
@permission_required(PERMISSION, raise_exception=True)
def report_mentions(request: AppRequest) -> HttpResponse:
    """The mentions behind one of the report's numbers."""
    return _list(request, selectors.MENTIONS, "reports/report_mentions.html")
