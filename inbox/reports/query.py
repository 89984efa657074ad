"""What a report is about: a period (this week, the last four weeks, this month, this quarter, or custom days)
and filters, read from the page's URL so that a report can be bookmarked and shared; and the cases and mentions
it counts. The page's figures, its drill-down lists and the exports all start from ``cases_in_report`` and
``mentions_in_report``, so that they cannot disagree.

A case belongs to the period in which it was said in public (``reported_at``), a mention to the one in which it
was published; days are the organisation's days (its time zone), the end day included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.db import connection, models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.selectors import organisation_id_of
from inbox.cases.models import Case, CaseMention
from inbox.reports.models import CaseLine
from monitoring.models import Mention

PERMISSION = "accounts.view_reports"

WEEK, FOUR_WEEKS, MONTH, QUARTER, CUSTOM = "week", "4weeks", "month", "quarter", "custom"
PERIODS = (
    (WEEK, gettext_lazy("This week")),
    (FOUR_WEEKS, gettext_lazy("Last 4 weeks")),
    (MONTH, gettext_lazy("This month")),
    (QUARTER, gettext_lazy("This quarter")),
    (CUSTOM, gettext_lazy("Custom")),
)
# A custom period may not start before this, nor last longer than this: a report of everything since the year 1
# is nobody's question, and a bound keeps every figure's query bounded.
EARLIEST = date(2000, 1, 1)
LONGEST = timedelta(days=3 * 366)

FILTERS = ("platform", "source", "category", "assignee", "tag", "complainer")
# The filters' values for "nobody" (a case without an assignee) and "not set" (without a complainer type): what
# the breakdowns' rows of those cases link to.
NOBODY = 0
NOT_SET = "none"


@dataclass(frozen=True)
class ReportQuery:
    """A report's period (``start`` to ``end``, both included, in the organisation's days) and its filters
    (empty: all)."""

    period: str
    start: date
    end: date
    zone: str = "Europe/Amsterdam"
    platform: str = ""
    source: int | None = None
    category: str = ""
    assignee: int | None = None
    tag: str = ""
    complainer: str = ""

    @property
    def since(self) -> datetime:
        """The first moment of the period."""
        return datetime.combine(self.start, time.min, tzinfo=ZoneInfo(self.zone))

    @property
    def until(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=ZoneInfo(self.zone))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def has_filters(self) -> bool:
        return any(getattr(self, name) not in ("", None) for name in FILTERS)

    def previous(self) -> ReportQuery:
        """The period of the same length just before this one (for a calendar month or quarter: the one
        before), with the same filters: what the page compares with."""
        if self.period == MONTH:
            start = self.start - relativedelta(months=1)
            return replace(self, start=start, end=self.start - timedelta(days=1))
        if self.period == QUARTER:
            start = self.start - relativedelta(months=3)
            return replace(self, start=start, end=self.start - timedelta(days=1))
        return replace(self, start=self.start - timedelta(days=self.days), end=self.start - timedelta(days=1))

    def params(self, **changes: object) -> dict[str, str]:
        """The query string that selects this report (with ``changes``), for links: only what differs from an
        empty filter, so URLs stay short."""
        query = replace(self, **changes) if changes else self  # type: ignore[arg-type]
        params = {"period": query.period}
        if query.period == CUSTOM:
            params |= {"from": query.start.isoformat(), "to": query.end.isoformat()}
        for name in FILTERS:
            value = getattr(query, name)
            if value not in ("", None):
                params[name] = str(value)
        return params


def period_bounds(period: str, today: date) -> tuple[date, date]:
    """The first and last day of a named period that contains ``today`` (the last four weeks end today)."""
    if period == WEEK:
        start = today - timedelta(days=today.weekday())
        return start, start + timedelta(days=6)
    if period == MONTH:
        start = today.replace(day=1)
        return start, start + relativedelta(months=1) - timedelta(days=1)
    if period == QUARTER:
        start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        return start, start + relativedelta(months=3) - timedelta(days=1)
    return today - timedelta(days=27), today


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value and len(value) <= 10 else None
    except ValueError:
        return None


def _id(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def query_from(params: Mapping[str, str], *, today: date, zone: str) -> tuple[ReportQuery, list[str]]:
    """The report a URL's query string selects, and what in it was not understood (in plain words): a bad
    value falls back to the default (the last four weeks; no filter) and is named, never an error page."""
    problems: list[str] = []
    period = params.get("period", FOUR_WEEKS)
    if period not in dict(PERIODS):
        problems.append(_("The period was not understood; showing the last 4 weeks."))
        period = FOUR_WEEKS
    if period == CUSTOM:
        start, end = _date(params.get("from", "")), _date(params.get("to", ""))
        if start is None or end is None or start > end or start < EARLIEST or end > today + timedelta(days=1):
            problems.append(_("Choose a first and a last day between 2000 and today, the first before the last."))
            period, (start, end) = FOUR_WEEKS, period_bounds(FOUR_WEEKS, today)
        elif end - start > LONGEST:
            problems.append(_("A report covers three years at most; showing the last three years of it."))
            start = end - LONGEST
    else:
        start, end = period_bounds(period, today)
    values: dict[str, object] = {}
    for name in FILTERS:
        raw = params.get(name, "")[:100]
        if not raw or "\x00" in raw:
            continue
        if name in ("source", "assignee"):
            number = _id(raw)
            if number is None:
                problems.append(_("A filter was not understood and is left out."))
                continue
            values[name] = number
        else:
            values[name] = raw.strip()
    return ReportQuery(period=period, start=start, end=end, zone=zone, **values), problems  # type: ignore[arg-type]


def may_read_reports(user: User) -> bool:
    return user.is_authenticated and user.organisation_id is not None and user.has_perm(PERMISSION)


def cases_in_report(user: User, query: ReportQuery) -> QuerySet[Case]:
    """The cases ``query`` counts: of ``user``'s organisation, said in public in the period, through its
    filters. None for somebody who may not read reports. Runs no query (a queryset)."""
    if not may_read_reports(user):
        return Case.objects.none()
    return cases_of_organisation(organisation_id_of(user), query)


def cases_of_organisation(organisation_id: int, query: ReportQuery) -> QuerySet[Case]:
    """``cases_in_report`` as the organisation's own reader sees them, without a person (a command, a
    scheduled e-mail): the caller answers for who gets to read them. Runs no query (a queryset)."""
    cases = Case.objects.filter(
        organisation_id=organisation_id, reported_at__gte=query.since, reported_at__lt=query.until
    )
    return _case_filters(cases, query)


def lines_in_report(user: User, query: ReportQuery) -> QuerySet[CaseLine]:
    """The lines (``CaseLine``) of the cases ``query`` counts: what the figures are counted from. None for somebody
    who may not read reports. Runs no query (a queryset)."""
    if not may_read_reports(user):
        return CaseLine.objects.none()
    return lines_of_organisation(organisation_id_of(user), query)


def lines_of_organisation(organisation_id: int, query: ReportQuery) -> QuerySet[CaseLine]:
    """``lines_in_report`` without a person (``cases_of_organisation``). Runs no query (a queryset)."""
    return _lines(organisation_id, query, reported_at__gte=query.since, reported_at__lt=query.until)


def lines_open_at(user: User, query: ReportQuery, *moments: datetime) -> QuerySet[CaseLine]:
    """``cases_open_at`` as case lines, one per case. None for somebody who may not read reports. Runs no query (a
    queryset)."""
    if not may_read_reports(user):
        return CaseLine.objects.none()
    condition = open_at(moments[0])
    for at in moments[1:]:
        condition |= open_at(at)
    lines = _lines(organisation_id_of(user), query, reported_at__lt=max(moments))
    return lines.filter(condition, first_of_case=True)


def _lines(organisation_id: int, query: ReportQuery, **said: datetime) -> QuerySet[CaseLine]:
    """The organisation's case lines of cases said in public as ``said`` (lookups on ``reported_at``), through
    ``query``'s filters as ``_case_filters`` reads them: on the lines' own columns where they have them."""
    lines = _people_filters(CaseLine.objects.filter(organisation_id=organisation_id, **said), query)
    if query.tag:
        tagged = replace(query, platform="", source=None, category="", assignee=None, complainer="")
        lines = lines.filter(
            case_id__in=_case_filters(Case.objects.filter(organisation_id=organisation_id), tagged).values("id")
        )
    places = [
        f"{kind}:{value}"
        for kind, value in (("p", query.platform), ("s", query.source), ("c", query.category))
        if value not in ("", None)
    ]
    if len(places) == 1 and connection.vendor == "postgresql":
        # A case on a platform, from a source, of a category: every line of it counts. Its lines name all three of
        # its mentions (an index finds them).
        lines = lines.filter(places__contains=places)
    elif places:
        # More than one (one mention must be on the platform and from the source), or SQLite: through its lines.
        matching = CaseLine.objects.filter(organisation_id=organisation_id, **said)
        lines = lines.filter(case_id__in=place_filters(matching, query).values("case_id"))
    return lines


def open_at(at: datetime) -> Q:
    """A case open at the moment ``at``, whenever it was said in public (before ``at``); one reopened later counts
    from its last closing."""
    return Q(reported_at__lt=at) & (Q(closed_at__isnull=True) | Q(closed_at__gt=at))


def cases_open_at(user: User, query: ReportQuery, at: datetime) -> QuerySet[Case]:
    """The cases through ``query``'s filters that were open at the moment ``at``: the backlog. None for somebody
    who may not read reports. Runs no query (a queryset)."""
    if not may_read_reports(user):
        return Case.objects.none()
    return _case_filters(Case.objects.filter(open_at(at), organisation_id=organisation_id_of(user)), query)


RowsT = TypeVar("RowsT", bound=models.Model)


def _people_filters(rows: QuerySet[RowsT], query: ReportQuery) -> QuerySet[RowsT]:
    """The assignee and complainer-type filters, on rows with the cases' columns of them (cases, case lines)."""
    if query.assignee == NOBODY:
        rows = rows.filter(assignee_id__isnull=True)
    elif query.assignee is not None:
        rows = rows.filter(assignee_id=query.assignee)
    if query.complainer == NOT_SET:
        rows = rows.filter(complainer_type="")
    elif query.complainer:
        rows = rows.filter(complainer_type=query.complainer)
    return rows


def place_filters(rows: QuerySet[RowsT], query: ReportQuery) -> QuerySet[RowsT]:
    """The platform, source and category filters, on rows with such columns (links, case lines, mention days)."""
    if query.platform:
        rows = rows.filter(platform=query.platform)
    if query.source is not None:
        rows = rows.filter(source_id=query.source)
    if query.category:
        rows = rows.filter(category=query.category)
    return rows


def _case_filters(cases: QuerySet[Case], query: ReportQuery) -> QuerySet[Case]:
    cases = _people_filters(cases, query)
    if query.tag:
        # Tags are a comma-separated list: a whole tag, wherever it stands in it.
        tag = query.tag
        cases = cases.filter(
            Q(tags__iexact=tag)
            | Q(tags__istartswith=f"{tag},")
            | Q(tags__iendswith=f",{tag}")
            | Q(tags__iendswith=f", {tag}")
            | Q(tags__icontains=f",{tag},")
            | Q(tags__icontains=f", {tag},")
        )
    if query.platform or query.source is not None or query.category:
        # A case is on a platform, from a source, of a category through the mentions it holds, as its links keep
        # them: an uncorrelated ``IN``, read once into a hash, where ``EXISTS`` asked once per case.
        cases = cases.filter(pk__in=place_filters(CaseMention.objects.all(), query).values("case_id"))
    return cases


def mentions_in_report(user: User, query: ReportQuery) -> QuerySet[Mention]:
    """The mentions ``query`` counts: of ``user``'s organisation, published in the period, through its filters
    (an assignee, tag or complainer type: the mentions of such cases). None for somebody who may not read
    reports. Runs no query (a queryset)."""
    if not may_read_reports(user):
        return Mention.objects.none()
    return mentions_of_organisation(organisation_id_of(user), query)


def mentions_of_organisation(organisation_id: int, query: ReportQuery) -> QuerySet[Mention]:
    """``mentions_in_report`` as the organisation's own reader sees them, without a person (a command, a
    scheduled e-mail): the caller answers for who gets to read them. Runs no query (a queryset)."""
    mentions = Mention.objects.filter(
        organisation_id=organisation_id, published_at__gte=query.since, published_at__lt=query.until
    )
    if query.platform:
        mentions = mentions.filter(platform=query.platform)
    if query.source is not None:
        mentions = mentions.filter(source_id=query.source)
    if query.category:
        mentions = mentions.filter(Q(category=query.category) | Q(category="", suggested_category=query.category))
    if query.assignee is not None or query.tag or query.complainer:
        cases = _case_filters(Case.objects.all(), replace(query, platform="", source=None, category=""))
        mentions = mentions.filter(case_link__case__in=cases)
    return mentions
