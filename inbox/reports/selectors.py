"""The report's figures: how fast we answer and whether complaints are really solved, for a ``ReportQuery``.

Each figure is a condition on the cases (or mentions) of the report, named once in ``FIGURES``: the page counts
the rows that meet it and its drill-down list shows them (``figure_rows``), so a number and its list never
disagree. The database does the counting: one query per summary, grouping in SQL, with ``percentile_cont`` for
the medians and 90th percentiles on PostgreSQL (on SQLite, the development default, from the sorted values).
Durations are the ones stored on the case when the milestone happened (``first_response_took``,
``resolution_took``: opening or clock hours, as the targets count), so a report never walks calendars.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Min,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import organisation_id_of
from inbox.cases.models import Case, ImprovementAction, RemovalRequest
from inbox.reports import days
from inbox.reports.query import (
    CUSTOM,
    NOBODY,
    NOT_SET,
    ReportQuery,
    cases_in_report,
    cases_open_at,
    may_read_reports,
    mentions_in_report,
)
from monitoring.feeds.platforms import Platform
from monitoring.models import Mention, Source
from webcare.queries import transaction_settings

CASES, MENTIONS = "cases", "mentions"
HOUR = timedelta(hours=1)
# The first-response distribution: (figure, from, to) in hours; None: no upper bound.
BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("first_response_0_1h", 0, 1),
    ("first_response_1_4h", 1, 4),
    ("first_response_4_8h", 4, 8),
    ("first_response_8_24h", 8, 24),
    ("first_response_24h", 24, None),
)
REMOVAL_OUTCOMES = tuple(RemovalRequest.Outcome.values)


@dataclass(frozen=True)
class Figure:
    """What a figure counts: rows of ``of`` (cases or mentions) that meet ``condition`` (given the moment the
    report is made, for targets still running). ``is_backlog``: the cases open at the period's end, whenever
    they were said in public, instead of the cases of the period."""

    of: str
    condition: Callable[[datetime], Q]
    is_backlog: bool = False


def _at_or_waiting(now: datetime) -> Coalesce:
    # While a case waits on the complainant its clock stands still (as ``Case.targets`` reads it).
    return Coalesce(F("waiting_since"), Value(now, output_field=DateTimeField()))


def _first_response_met(now: datetime) -> Q:
    return Q(
        first_response_due_at__isnull=False,
        first_response_at__isnull=False,
        first_response_at__lte=F("first_response_due_at"),
    )


def _first_response_breached(now: datetime) -> Q:
    late = Q(first_response_at__gt=F("first_response_due_at"))
    running_late = Q(first_response_at__isnull=True, first_response_due_at__lte=_at_or_waiting(now))
    return Q(first_response_due_at__isnull=False) & (late | running_late)


def _resolution_met(now: datetime) -> Q:
    return Q(resolution_due_at__isnull=False, resolved_at__isnull=False, resolved_at__lte=F("resolution_due_at"))


def _resolution_breached(now: datetime) -> Q:
    late = Q(resolved_at__gt=F("resolution_due_at"))
    handled = Q(status__in=(Case.Status.RESOLVED, Case.Status.CLOSED))
    running_late = Q(resolved_at__isnull=True, resolution_due_at__lte=_at_or_waiting(now)) & ~handled
    return Q(resolution_due_at__isnull=False) & (late | running_late)


def _complaint(now: datetime) -> Q:
    complaint = Mention.Category.COMPLAINT
    return Q(category=complaint) | Q(category="", suggested_category=complaint)


def _bucket(low: int, high: int | None) -> Callable[[datetime], Q]:
    def condition(now: datetime) -> Q:
        within = Q(first_response_took__gte=low * HOUR)
        return within & Q(first_response_took__lt=high * HOUR) if high is not None else within

    return condition


# Cases with a removal request or an improvement: an uncorrelated ``IN``, which PostgreSQL reads once into a hash
# for all cases, where ``EXISTS`` asked once per case.
def _removal(outcome: str | None) -> Callable[[datetime], Q]:
    def condition(now: datetime) -> Q:
        requests = RemovalRequest.objects.filter(outcome=outcome) if outcome else RemovalRequest.objects.all()
        return Q(pk__in=requests.values("case_id"))

    return condition


def _improvement_done(now: datetime) -> Q:
    return Q(pk__in=ImprovementAction.objects.filter(state=ImprovementAction.State.DONE).values("case_id"))


def _always(now: datetime) -> Q:
    return Q()


FIGURES: dict[str, Figure] = {
    "mentions": Figure(MENTIONS, _always),
    "complaints": Figure(MENTIONS, _complaint),
    "cases": Figure(CASES, _always),
    # Answered, with the time it took: what the median and the 90th percentile are of.
    "first_response_timed": Figure(CASES, lambda now: Q(first_response_took__isnull=False)),
    "first_response_met": Figure(CASES, _first_response_met),
    "first_response_breached": Figure(CASES, _first_response_breached),
    # Decided: met or missed. Cases without a due time, and answers still in time, are left out.
    "first_response_decided": Figure(CASES, lambda now: _first_response_met(now) | _first_response_breached(now)),
    "resolution_timed": Figure(CASES, lambda now: Q(resolution_took__isnull=False)),
    "resolution_met": Figure(CASES, _resolution_met),
    "resolution_breached": Figure(CASES, _resolution_breached),
    "resolution_decided": Figure(CASES, lambda now: _resolution_met(now) | _resolution_breached(now)),
    **{name: Figure(CASES, _bucket(low, high)) for name, low, high in BUCKETS},
    "backlog": Figure(CASES, _always, is_backlog=True),
    "satisfaction_asked": Figure(CASES, lambda now: Q(resolved_at__isnull=False, satisfaction_asked=True)),
    "satisfied": Figure(
        CASES,
        lambda now: Q(resolved_at__isnull=False, satisfaction_asked=True, satisfaction=Case.Satisfaction.SATISFIED),
    ),
    "closed": Figure(CASES, lambda now: Q(status=Case.Status.CLOSED)),
    "followed_up": Figure(CASES, lambda now: Q(status=Case.Status.CLOSED) & ~Q(public_followup_url="")),
    "removal_requested": Figure(CASES, _removal(None)),
    **{f"removal_{outcome}": Figure(CASES, _removal(outcome)) for outcome in REMOVAL_OUTCOMES},
    "improvement_done": Figure(CASES, _improvement_done),
}
# The case figures a summary counts (all but the backlog, which is a set of cases of its own).
_COUNTED = tuple(name for name, figure in FIGURES.items() if figure.of == CASES and not figure.is_backlog)


def end_of(query: ReportQuery, now: datetime) -> datetime:
    """The moment the backlog is counted at: the end of the period, or now while it runs."""
    return min(query.until, now)


def figure_rows(user: User, query: ReportQuery, name: str, now: datetime) -> QuerySet[Any] | None:
    """The rows behind the figure ``name`` (cases or mentions, see ``FIGURES[name].of``) of ``query`` as
    ``user`` may read it; None for a figure that does not exist. Runs no query (a queryset)."""
    figure = FIGURES.get(name)
    if figure is None:
        return None
    if figure.of == MENTIONS:
        return mentions_in_report(user, query).filter(figure.condition(now))
    if figure.is_backlog:
        return cases_open_at(user, query, end_of(query, now))
    return cases_in_report(user, query).filter(figure.condition(now))


# Summaries ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """The median and the 90th percentile of some durations; None: there were none."""

    median: timedelta | None = None
    p90: timedelta | None = None


@dataclass(frozen=True)
class CaseSummary:
    """A set of cases: how many, how many meet each figure of ``FIGURES``, and how long their first
    responses and resolutions took."""

    count: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    first_response: Spread = Spread()
    resolution: Spread = Spread()

    def __getitem__(self, name: str) -> int:
        # A KeyError for anything but a figure: templates then read the attribute of that name.
        if name not in FIGURES:
            raise KeyError(name)
        return self.counts.get(name, 0)

    def share(self, part: str, whole: str) -> float | None:
        """``part`` as a percentage of ``whole``; None when ``whole`` is none (shown as "—")."""
        return 100 * self[part] / self[whole] if self[whole] else None

    @property
    def first_response_within(self) -> float | None:
        return self.share("first_response_met", "first_response_decided")

    @property
    def resolution_within(self) -> float | None:
        return self.share("resolution_met", "resolution_decided")

    @property
    def satisfied_share(self) -> float | None:
        return self.share("satisfied", "satisfaction_asked")

    @property
    def followed_up_share(self) -> float | None:
        return self.share("followed_up", "closed")


def _percentile(values: list[Any], fraction: float) -> Any:
    """``percentile_cont`` as PostgreSQL computes it, over sorted ``values`` (None for none)."""
    if not values:
        return None
    position = fraction * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


# The durations a summary measures (a column of the rows: the fractions of it worked out): the median and the 90th
# percentile of the first response and of the resolution.
SPREADS: dict[str, tuple[float, ...]] = {"took_first": (0.5, 0.9), "took_resolution": (0.5, 0.9)}


def _percentiles(spreads: dict[str, tuple[float, ...]]) -> list[str]:
    quote = connection.ops.quote_name
    return [
        f"percentile_cont(ARRAY[{', '.join(map(str, fractions))}]) WITHIN GROUP (ORDER BY {quote(name)})"
        for name, fractions in spreads.items()
    ]


def _summarise(
    rows: QuerySet[Any], keys: list[str], flags: list[str], spreads: dict[str, tuple[float, ...]]
) -> dict[tuple[Any, ...], tuple[int, list[int], list[tuple[Any, ...]]]]:
    """Group ``rows`` (a ``values()`` queryset with the columns ``keys``, the booleans ``flags`` and the
    durations ``spreads``) by ``keys``: per group, the number of rows, how many have each flag, and each
    duration's percentiles (``spreads``: the fractions of each). Runs one query. Without keys, one group (also
    when there are no rows)."""
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # ``none()``: somebody who may not read reports
        nothing = [(None,) * len(fractions) for fractions in spreads.values()]
        return {(): (0, [0] * len(flags), nothing)} if not keys else {}
    if connection.vendor == "postgresql":
        quoted = [connection.ops.quote_name(name) for name in keys]
        columns = [
            *quoted,
            "COUNT(*)",
            *(f"COUNT(*) FILTER (WHERE {connection.ops.quote_name(flag)})" for flag in flags),
            *_percentiles(spreads),
        ]
        group = f" GROUP BY {', '.join(quoted)}" if keys else ""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(columns)} FROM ({sql}) AS report_rows{group}", params)  # noqa: S608
            found = cursor.fetchall()
        result = {}
        for row in found:
            key, rest = tuple(row[: len(keys)]), row[len(keys) :]
            result[key] = (rest[0], list(rest[1 : 1 + len(flags)]), _measured(rest[1 + len(flags) :], spreads))
        return result
    return _summarise_in_python(rows, keys, flags, spreads)  # SQLite (development only)


def _measured(values: Iterable[Any], spreads: dict[str, tuple[float, ...]]) -> list[tuple[Any, ...]]:
    """PostgreSQL's percentile arrays, one per duration (NULL when there were none)."""
    return [
        tuple(value) if value else (None,) * len(fractions)
        for value, fractions in zip(values, spreads.values(), strict=True)
    ]


def _summarise_in_python(
    rows: Iterable[dict[str, Any]], keys: list[str], flags: list[str], spreads: dict[str, tuple[float, ...]]
) -> dict[tuple[Any, ...], tuple[int, list[int], list[tuple[Any, ...]]]]:
    """``_summarise`` from the rows themselves."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(row[name] for name in keys)].append(row)
    if not keys:
        groups.setdefault((), [])
    summed = {}
    for key, members in groups.items():
        counted = [sum(1 for row in members if row[flag]) for flag in flags]
        measured = []
        for name, fractions in spreads.items():
            values = sorted(row[name] for row in members if row[name] is not None)
            measured.append(tuple(_percentile(values, fraction) for fraction in fractions))
        summed[key] = (len(members), counted, measured)
    return summed


# What a breakdown's row and a week show: the cases answered and within the targets, and the median first response
# (the headline shows the rest). Each figure or percentile more is worked out for every row of every breakdown: a
# sort per breakdown for each percentile.
ROW_FIGURES = (
    "first_response_timed",
    "first_response_met",
    "first_response_breached",
    "first_response_decided",
    "resolution_met",
    "resolution_decided",
)
ROW_SPREADS: dict[str, tuple[float, ...]] = {"took_first": (0.5,)}


def _case_rows(cases: QuerySet[Case], now: datetime, keys: dict[str, Any], figures: tuple[str, ...]) -> QuerySet[Any]:
    flags = {f"is_{name}": ExpressionWrapper(FIGURES[name].condition(now), BooleanField()) for name in figures}
    rows = cases.order_by().annotate(
        **keys, **flags, took_first=F("first_response_took"), took_resolution=F("resolution_took")
    )
    return rows.values("id", *keys, *flags, "took_first", "took_resolution")


def _case_summary(
    count: int, counted: list[int], measured: list[tuple[Any, ...]], figures: tuple[str, ...], spreads: Iterable[str]
) -> CaseSummary:
    durations = dict(zip(spreads, measured, strict=True))
    return CaseSummary(
        count=count,
        counts={"cases": count} | dict(zip(figures, counted, strict=True)),
        first_response=Spread(*durations.get("took_first", ())),
        resolution=Spread(*durations.get("took_resolution", ())),
    )


def case_summaries(
    cases: QuerySet[Case],
    now: datetime,
    keys: dict[str, Any] | None = None,
    figures: tuple[str, ...] = _COUNTED,
    spreads: dict[str, tuple[float, ...]] = SPREADS,
) -> dict[Any, CaseSummary]:
    """``cases`` summed up per value of the expressions ``keys`` (None: all as one, under the key ``()``):
    ``figures`` counted, ``spreads`` measured. Keys are the cases' own columns (through their links:
    ``case_summary_sets``). Runs one query."""
    keys = keys or {}
    rows = _case_rows(cases, now, keys, figures)
    summed = _summarise(rows, list(keys), [f"is_{name}" for name in figures], spreads)
    return {
        key[0] if len(key) == 1 else key: _case_summary(count, counted, measured, figures, spreads)
        for key, (count, counted, measured) in summed.items()
    }


@dataclass(frozen=True)
class Grouping:
    """A way to sum up a report's cases: by ``key`` (an expression; None: all as one), over the rows where
    ``counts`` holds. The cases are read with their links, one row per link: ``counts`` picks one row per case
    (and value of the key)."""

    counts: Any
    key: Any = None


# A case's first link, or the case when it has none: each case once.
_ONCE = Coalesce(F("links__first_of_case"), Value(True))


def _through_link(column: str) -> Grouping:
    # A case once for each platform, source or category of its mentions: their first links with it.
    return Grouping(Coalesce(F(f"links__first_{column.removesuffix('_id')}"), Value(False)), F(f"links__{column}"))


def groupings(query: ReportQuery) -> dict[str, Grouping]:
    """Everything the report page sums its cases up by besides all of them (the headline): per responder,
    complainer type, week, platform, source and category."""
    return {
        "assignee": Grouping(_ONCE, F("assignee_id")),
        "complainer": Grouping(_ONCE, F("complainer_type")),
        "week": Grouping(_ONCE, _week_key(query)),
        "platform": _through_link("platform"),
        "source": _through_link("source_id"),
        "category": _through_link("category"),
    }


def case_summary_sets(
    cases: QuerySet[Case],
    now: datetime,
    sets: dict[str, Grouping],
    figures: tuple[str, ...] = ROW_FIGURES,
    spreads: dict[str, tuple[float, ...]] = ROW_SPREADS,
) -> dict[str, dict[Any, CaseSummary]]:
    """``case_summaries`` of ``cases`` by each of the ``sets`` (a name: the summaries per value of its key, all
    as one under ``()`` for a grouping without a key), in one pass over the cases and their links: PostgreSQL
    sums them up by GROUPING SETS, so each case's figures are worked out once. Runs one query."""
    columns: dict[Any, str] = {}  # expression -> its column in the rows
    for grouping in sets.values():
        for expression in (grouping.counts, grouping.key):
            if expression is not None and expression not in columns:
                columns[expression] = f"g{len(columns)}"
    rows = _case_rows(cases, now, {column: expression for expression, column in columns.items()}, figures)
    chosen = {
        name: (columns[grouping.counts], columns[grouping.key] if grouping.key is not None else None)
        for name, grouping in sets.items()
    }
    flags = [f"is_{name}" for name in figures]
    found: dict[str, dict[Any, CaseSummary]] = {name: {} for name in sets}
    for (name, key), (count, counted, measured) in _summarise_sets(rows, chosen, flags, spreads).items():
        found[name][key] = _case_summary(count, counted, measured, figures, spreads)
    for name, grouping in sets.items():
        if grouping.key is None:
            found[name].setdefault((), CaseSummary())
    return found


def _summarise_sets(
    rows: QuerySet[Any],
    sets: dict[str, tuple[str, str | None]],
    flags: list[str],
    spreads: dict[str, tuple[float, ...]],
) -> dict[tuple[str, Any], tuple[int, list[int], list[tuple[Any, ...]]]]:
    """``_summarise`` of ``rows`` by each of ``sets`` (name: the column that says whether a row counts in it, and
    the key's column or None), keyed by (name, the key's value or ``()``)."""
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return {}
    if connection.vendor != "postgresql":  # SQLite (development only)
        found = list(rows)
        summed = {}
        for name, (counts, key) in sets.items():
            counted = [row for row in found if row[counts]]
            for value, summary in _summarise_in_python(counted, [key] if key else [], flags, spreads).items():
                summed[(name, value[0] if key else ())] = summary
        return summed
    names = list(dict.fromkeys(column for pair in sets.values() for column in pair if column))
    quote = connection.ops.quote_name
    columns = [
        f"GROUPING({', '.join(quote(name) for name in names)})",
        *(quote(name) for name in names),
        "COUNT(*)",
        *(f"COUNT(*) FILTER (WHERE {quote(flag)})" for flag in flags),
        *_percentiles(spreads),
    ]
    grouped = ", ".join(f"({', '.join(quote(column) for column in pair if column)})" for pair in sets.values())
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM ({sql}) AS report_rows GROUP BY GROUPING SETS ({grouped})",  # noqa: S608
            params,
        )
        found = cursor.fetchall()
    # GROUPING(...) sets a bit, the first name's the highest, for each name a row is not grouped by.
    every = (1 << len(names)) - 1
    masks = {
        every - sum(1 << (len(names) - 1 - names.index(column)) for column in pair if column): name
        for name, pair in sets.items()
    }
    summed = {}
    for mask, *rest in found:
        name = masks[mask]
        counts, key = sets[name]
        values = dict(zip(names, rest, strict=False))
        if not values[counts]:
            continue  # the rows of the other links of a case
        figures = rest[len(names) :]
        summed[(name, values[key] if key else ())] = (
            figures[0],
            list(figures[1 : 1 + len(flags)]),
            _measured(figures[1 + len(flags) :], spreads),
        )
    return summed


# The report --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """The headline figures of one period."""

    mentions: int
    complaints: int
    cases: CaseSummary
    backlog: int
    oldest_open_at: datetime | None
    open_at: datetime  # when the backlog is counted

    @property
    def oldest_age(self) -> timedelta | None:
        return self.open_at - self.oldest_open_at if self.oldest_open_at else None

    @property
    def removals(self) -> list[tuple[str, int]]:
        return [(outcome, self.cases[f"removal_{outcome}"]) for outcome in REMOVAL_OUTCOMES]


def headline(
    user: User,
    query: ReportQuery,
    now: datetime,
    mentions: tuple[int, int] | None = None,
) -> Headline:
    """The headline figures of ``query``'s period; ``mentions``: its mentions and complaints, when counted already
    (the weeks count them). Runs three queries, two with ``mentions``."""
    if mentions is None:
        mentions = days.totals(organisation_id_of(user), query) if may_read_reports(user) else (0, 0)
    cases = case_summaries(cases_in_report(user, query), now)[()]
    open_at = end_of(query, now)
    backlog = cases_open_at(user, query, open_at).order_by().aggregate(count=Count("id"), oldest=Min("reported_at"))
    return Headline(
        mentions=mentions[0],
        complaints=mentions[1],
        cases=cases,
        backlog=backlog["count"],
        oldest_open_at=backlog["oldest"],
        open_at=open_at,
    )


@dataclass(frozen=True)
class Row:
    """A breakdown's row: its label, the filter that selects its cases (``params``: for its links), and what its
    cases come to."""

    label: str
    params: dict[str, Any]
    summary: CaseSummary


@dataclass(frozen=True)
class Breakdown:
    name: str  # assignee, platform, source, category, complainer
    rows: list[Row]


_BREAKDOWNS = ("assignee", "platform", "source", "category", "complainer")


def breakdowns(
    user: User, query: ReportQuery, now: datetime, summed: dict[str, dict[Any, CaseSummary]] | None = None
) -> list[Breakdown]:
    """The period's cases per responder, platform, source, category and complainer type (each a filter of the
    report, so each row links to the same report narrowed down); ``summed``: the cases summed up by these
    already (``case_summary_sets``). Runs one query without ``summed``, and one for the names of people and
    sources."""
    if summed is None:
        every = groupings(query)
        summed = case_summary_sets(cases_in_report(user, query), now, {name: every[name] for name in _BREAKDOWNS})
    return [Breakdown(name, _rows(name, summed[name])) for name in _BREAKDOWNS]


def _rows(name: str, summaries: dict[Any, CaseSummary]) -> list[Row]:
    """The rows of one breakdown, labelled, the largest first. Cases without an assignee or complainer type get a
    row (the filter's "nobody" and "not set"); cases without mentions are on no platform, source or category.
    Runs one query for the names of people or sources."""
    keyed: dict[Any, CaseSummary]
    labels: dict[Any, str]
    if name == "assignee":
        keyed = {NOBODY if key is None else key: summary for key, summary in summaries.items()}
        labels = {person.id: str(person) for person in User.objects.filter(id__in=list(keyed))}
        labels[NOBODY] = _("Nobody")
    elif name == "complainer":
        keyed = {key or NOT_SET: summary for key, summary in summaries.items()}
        labels = {str(key): str(label) for key, label in Case.ComplainerType.choices} | {NOT_SET: _("Not set")}
    else:
        keyed = {key: summary for key, summary in summaries.items() if key not in (None, "")}
        if name == "source":
            labels = dict(Source.objects.filter(id__in=list(keyed)).values_list("id", "name"))
        else:
            choices = Platform.choices if name == "platform" else Mention.Category.choices
            labels = {str(key): str(label) for key, label in choices}
    rows = [Row(labels.get(key, str(key)), {name: key}, summary) for key, summary in keyed.items()]
    return sorted(rows, key=lambda row: (-row.summary.count, row.label))


@dataclass(frozen=True)
class Week:
    """One week of the trends (its days within the period), with the cases and mentions said in it."""

    start: date
    end: date
    mentions: int
    complaints: int
    cases: CaseSummary

    def params(self, query: ReportQuery) -> dict[str, Any]:
        """The changes to ``query`` that make it this week: for the week's links."""
        return {"period": CUSTOM, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Delays:
    """How long after publication a source's mentions were found, per week (the median; None: none)."""

    source_id: int
    name: str
    medians: list[timedelta | None]


def _week_of(value: datetime | date | None, zone: ZoneInfo) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(zone).date() if value.tzinfo else value.date()
    return value


def weeks(
    user: User, query: ReportQuery, now: datetime, summed: dict[Any, CaseSummary] | None = None
) -> tuple[list[Week], list[Delays], tuple[int, int]]:
    """The period week by week (Monday to Sunday; the first and last cut to the period): mentions, complaints
    and the cases' figures, and each source's polling delay (the median, to the step of ``DELAY_BUCKETS``); and
    the period's mentions and complaints (the sum of its weeks). Runs three queries: the mentions are counted
    once, per week and source (``inbox.reports.days``). ``summed``: the cases per week, when summed up already
    (``case_summary_sets``; else one query more)."""
    zone = ZoneInfo(query.zone)
    if summed is None:
        summed = case_summaries(cases_in_report(user, query), now, {"k": _week_key(query)}, ROW_FIGURES, ROW_SPREADS)
    cases = {_week_of(key, zone): summary for key, summary in summed.items()}
    counted: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    medians: dict[int, dict[date, timedelta | None]] = defaultdict(dict)
    tallied = days.tallies(organisation_id_of(user), query) if may_read_reports(user) else {}
    for (week, source_id), tally in tallied.items():
        counted[week][0] += tally.mentions
        counted[week][1] += tally.complaints
        medians[source_id][week] = tally.median_delay
    starts = _week_starts(query)
    found = [
        Week(
            start=max(start, query.start),
            end=min(start + timedelta(days=6), query.end),
            mentions=counted[start][0] if start in counted else 0,
            complaints=counted[start][1] if start in counted else 0,
            cases=cases.get(start, CaseSummary()),
        )
        for start in starts
    ]
    names = dict(Source.objects.filter(id__in=list(medians)).values_list("id", "name"))
    delays = [
        Delays(source_id, names.get(source_id, str(source_id)), [by_week.get(start) for start in starts])
        for source_id, by_week in medians.items()
    ]
    totals = (sum(value[0] for value in counted.values()), sum(value[1] for value in counted.values()))
    return found, sorted(delays, key=lambda row: row.name), totals


def _week_key(query: ReportQuery) -> TruncWeek:
    return TruncWeek("reported_at", tzinfo=ZoneInfo(query.zone))


def _week_starts(query: ReportQuery) -> list[date]:
    start = query.start - timedelta(days=query.start.weekday())
    return [start + timedelta(weeks=n) for n in range((query.end - start).days // 7 + 1)]


@dataclass(frozen=True)
class Report:
    query: ReportQuery
    now: datetime
    current: Headline
    previous: Headline
    breakdowns: list[Breakdown]
    weeks: list[Week]
    delays: list[Delays]

    @property
    def distribution(self) -> list[tuple[str, int]]:
        return [(name, self.current.cases[name]) for name, _low, _high in BUCKETS]


# Memory for one report's sorts and percentiles, so that they stay off the disk (PostgreSQL's default is 4 MB);
# only for the report's own transaction.
REPORT_WORK_MEM = "64MB"


def report(user: User, query: ReportQuery, now: datetime) -> Report:
    """Everything on the report page, for ``query`` as ``user`` may read it, at the moment ``now``: the headline
    figures of the period and of the one before, each from the cases alone; the breakdowns and the weeks in one
    query over the cases and their links, counting only what their rows show. Runs about a dozen queries, none of
    them per row, in one read-only transaction with room to sort in memory."""
    with transaction_settings(work_mem=REPORT_WORK_MEM):
        summed = case_summary_sets(cases_in_report(user, query), now, groupings(query))
        found_weeks, delays, mentions = weeks(user, query, now, summed["week"])
        return Report(
            query=query,
            now=now,
            current=headline(user, query, now, mentions),
            previous=headline(user, query.previous(), now),
            breakdowns=breakdowns(user, query, now, summed),
            weeks=found_weeks,
            delays=delays,
        )


def zone_of(user: User) -> str:
    """The organisation's time zone, from its targets plan (cached)."""
    from inbox.targets.selectors import plan_of

    return plan_of(user.organisation_id or 0).schedule.zone


def people_of(user: User) -> Iterable[User]:
    """The organisation's people, for the assignee filter. Runs one query."""
    people = User.objects.filter(organisation_id=organisation_id_of(user), is_active=True)
    return people.order_by("first_name", "username")


def sources_of(user: User) -> QuerySet[Source]:
    return Source.objects.filter(organisation_id=organisation_id_of(user)).order_by("name")
