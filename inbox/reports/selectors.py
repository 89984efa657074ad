"""The report's figures: how fast we answer and whether complaints are really solved, for a ``ReportQuery``.

Each figure of cases is a set of marks, named once in ``FIGURES``: a case counts when it has any of them. A mark is
a condition on the case: stored (``inbox.cases.models.MARKS``, which the database works out into the case's
``marks`` whenever it is written) or worked out when counting (``LIVE``: what changes with time, and removal
requests and improvements). The drill-down list of a figure selects the cases by the same conditions
(``figure_rows``), so a number and its list never disagree. The page counts from the case lines the database keeps
(``CaseLine``: one narrow row per case and mention): per key and mask in one query, grouping in SQL, and
``percentile_cont`` for the medians and 90th percentiles on PostgreSQL (on SQLite, the development default, in
Python from the same rows).
Durations are the ones stored on the case when the milestone happened (``first_response_took``,
``resolution_took``: opening or clock hours, as the targets count), so a report never walks calendars.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import organisation_id_of
from inbox.cases.models import FIRST_RESPONSE_BUCKETS, MARK_BITS, MARKS, Case, ImprovementAction, RemovalRequest
from inbox.reports import days
from inbox.reports.models import LINE_MARK_BITS, CaseLine
from inbox.reports.query import (
    CUSTOM,
    NOBODY,
    NOT_SET,
    ReportQuery,
    cases_in_report,
    cases_open_at,
    lines_in_report,
    lines_open_at,
    may_read_reports,
    mentions_in_report,
    open_at,
)
from monitoring.feeds.platforms import Platform
from monitoring.models import Mention, Source
from webcare.queries import transaction_settings

CASES, MENTIONS = "cases", "mentions"
# The first-response distribution: (figure, from, to) in hours; None: no upper bound.
BUCKETS = FIRST_RESPONSE_BUCKETS
REMOVAL_OUTCOMES = tuple(RemovalRequest.Outcome.values)


def _at_or_waiting(now: datetime) -> Coalesce:
    # While a case waits on the complainant its clock stands still (as ``Case.targets`` reads it).
    return Coalesce(F("waiting_since"), Value(now, output_field=DateTimeField()))


# Conditions worked out when the cases are counted, beside their stored marks: a target running late while no
# answer came (it changes with time). Each is given the moment the report is made and reads only columns a case
# and its lines share.
def _first_response_running_late(now: datetime) -> Q:
    return Q(
        first_response_due_at__isnull=False,
        first_response_at__isnull=True,
        first_response_due_at__lte=_at_or_waiting(now),
    )


def _resolution_running_late(now: datetime) -> Q:
    handled = Q(status__in=(Case.Status.RESOLVED, Case.Status.CLOSED))
    running = Q(resolution_due_at__isnull=False, resolved_at__isnull=True, resolution_due_at__lte=_at_or_waiting(now))
    return running & ~handled


LIVE: dict[str, Callable[[datetime], Q]] = {
    "first_response_running_late": _first_response_running_late,
    "resolution_running_late": _resolution_running_late,
}


# Cases with a removal request or an improvement (as conditions on cases: ``pk``): the marks the case lines add
# (``LINE_MARK_BITS``, worked out by the triggers that keep the lines). An uncorrelated ``IN``, which PostgreSQL
# reads once into a hash for all cases, where ``EXISTS`` asked once per case.
def _removal(outcome: str | None) -> Q:
    requests = RemovalRequest.objects.filter(outcome=outcome) if outcome else RemovalRequest.objects.all()
    return Q(pk__in=requests.values("case_id"))


LINE_MARKS: dict[str, Callable[[], Q]] = {
    "removal_requested": lambda: _removal(None),
    **{f"removal_{outcome}": lambda outcome=outcome: _removal(outcome) for outcome in REMOVAL_OUTCOMES},  # type: ignore[misc]
    "improvement_done": lambda: Q(
        pk__in=ImprovementAction.objects.filter(state=ImprovementAction.State.DONE).values("case_id")
    ),
}
# Every mark's bit in what a line is counted by (``_mask``): the stored ones', then the live ones'.
LIVE_BITS = {"first_response_running_late": 1 << 29, "resolution_running_late": 1 << 30}
BITS = MARK_BITS | LINE_MARK_BITS | LIVE_BITS
assert max(MARK_BITS.values()) < min(LINE_MARK_BITS.values()), "the case's marks reach the lines' own bits"


def _every_mention(now: datetime) -> Q:
    return Q()


def _complaint(now: datetime) -> Q:
    complaint = Mention.Category.COMPLAINT
    return Q(category=complaint) | Q(category="", suggested_category=complaint)


@dataclass(frozen=True)
class Figure:
    """What a figure counts: the cases that have any of ``marks`` (stored: ``MARKS``, ``LINE_MARKS``; or ``LIVE``
    conditions; none: every case), or for a figure of mentions the ones that meet ``mentions`` (given the moment
    the report is made).
    ``is_backlog``: the cases open at the period's end, whenever they were said in public, instead of the cases of
    the period."""

    of: str
    marks: tuple[str, ...] = ()
    is_backlog: bool = False
    mentions: Callable[[datetime], Q] | None = None

    def condition(self, now: datetime) -> Q:
        """The rows it counts, as a condition on cases or mentions."""
        if self.mentions is not None:
            return self.mentions(now)
        found = Q()
        for n, name in enumerate(self.marks):
            one = MARKS[name] if name in MARKS else LINE_MARKS[name]() if name in LINE_MARKS else LIVE[name](now)
            found = one if n == 0 else found | one
        return found

    @property
    def bits(self) -> int:
        """The bits of its marks; 0: every case."""
        return sum(BITS[name] for name in self.marks)


FIGURES: dict[str, Figure] = {
    "mentions": Figure(MENTIONS, mentions=_every_mention),
    "complaints": Figure(MENTIONS, mentions=_complaint),
    "cases": Figure(CASES),
    # Answered, with the time it took: what the median and the 90th percentile are of.
    "first_response_timed": Figure(CASES, ("first_response_timed",)),
    "first_response_met": Figure(CASES, ("first_response_met",)),
    "first_response_breached": Figure(CASES, ("first_response_late", "first_response_running_late")),
    # Decided: met or missed. Cases without a due time, and answers still in time, are left out.
    "first_response_decided": Figure(
        CASES, ("first_response_met", "first_response_late", "first_response_running_late")
    ),
    "resolution_timed": Figure(CASES, ("resolution_timed",)),
    "resolution_met": Figure(CASES, ("resolution_met",)),
    "resolution_breached": Figure(CASES, ("resolution_late", "resolution_running_late")),
    "resolution_decided": Figure(CASES, ("resolution_met", "resolution_late", "resolution_running_late")),
    **{name: Figure(CASES, (name,)) for name, _low, _high in BUCKETS},
    "backlog": Figure(CASES, is_backlog=True),
    "satisfaction_asked": Figure(CASES, ("satisfaction_asked",)),
    "satisfied": Figure(CASES, ("satisfied",)),
    "closed": Figure(CASES, ("closed",)),
    "followed_up": Figure(CASES, ("followed_up",)),
    "removal_requested": Figure(CASES, ("removal_requested",)),
    **{f"removal_{outcome}": Figure(CASES, (f"removal_{outcome}",)) for outcome in REMOVAL_OUTCOMES},
    "improvement_done": Figure(CASES, ("improvement_done",)),
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


# The durations a summary measures (a column of the case lines: the fractions of it worked out): the median and the
# 90th percentile of the first response and of the resolution.
SPREADS: dict[str, tuple[float, ...]] = {"first_response_took": (0.5, 0.9), "resolution_took": (0.5, 0.9)}
# What a breakdown's row and a week show: the cases answered and within the targets (the headline shows the rest).
# A breakdown row shows no median: each grouping with one costs a sort of all the period's cases (a quarter of
# 100,000 cases: about 50 ms per breakdown).
ROW_FIGURES = (
    "first_response_timed",
    "first_response_met",
    "first_response_breached",
    "first_response_decided",
    "resolution_met",
    "resolution_decided",
)


@dataclass(frozen=True)
class Grouping:
    """A way to sum up a report's cases: by ``key`` (an expression over case lines; None: all as one), over the
    lines where ``counts`` holds (each case once per value of the key: a case has a line per mention), counting
    ``figures`` and measuring ``spreads``."""

    counts: Any
    key: Any = None
    figures: tuple[str, ...] = ROW_FIGURES
    spreads: dict[str, tuple[float, ...]] = field(default_factory=dict)


ALL = Grouping(F("first_of_case"), None, _COUNTED, SPREADS)


def _through_link(column: str) -> Grouping:
    # A case once for each platform, source or category of its mentions: their first links with it.
    return Grouping(F(f"first_{column.removesuffix('_id')}"), F(column))


def groupings(query: ReportQuery) -> dict[str, Grouping]:
    """Everything the report page sums its cases up by: all of them (the headline), per responder, complainer
    type, week, platform, source and category."""
    return {
        "all": ALL,
        "assignee": Grouping(F("first_of_case"), F("assignee_id")),
        "complainer": Grouping(F("first_of_case"), F("complainer_type")),
        # The weeks measure what the headline does (their trend shows the median first response): both in one
        # query, each sort of the durations per week costing less than reading the lines again.
        "week": Grouping(F("first_of_case"), _week_key(query), spreads=SPREADS),
        "platform": _through_link("platform"),
        "source": _through_link("source_id"),
        "category": _through_link("category"),
    }


def _mask(now: datetime, live: Iterable[str]) -> Any:
    """What a line is counted by: its case's stored marks plus the bits of the ``live`` conditions it meets."""
    total: Any = F("marks")
    for name in live:
        met = models.Case(models.When(LIVE[name](now), then=Value(BITS[name])), default=Value(0))
        total = total + met
    return ExpressionWrapper(total, output_field=IntegerField())


def case_summary_sets(
    lines: QuerySet[CaseLine], now: datetime, sets: dict[str, Grouping]
) -> dict[str, dict[Any, CaseSummary]]:
    """The case ``lines`` summed up by each of ``sets`` (a name: the summaries per value of its key, all as one
    under ``()`` for a grouping without a key). The lines are counted per key and mask (``_mask``) in one query,
    PostgreSQL grouping by GROUPING SETS and hashing, and each figure is the sum of the masks that have its bits;
    the durations are measured in one query more per kind of spread."""
    live = sorted(
        {
            name
            for grouping in sets.values()
            for figure in grouping.figures
            for name in FIGURES[figure].marks
            if name in LIVE
        },
        key=list(LIVE).index,
    )
    columns: dict[Any, str] = {}  # expression -> its column in the rows
    for grouping in sets.values():
        for expression in (grouping.counts, grouping.key):
            if expression is not None and expression not in columns:
                columns[expression] = f"g{len(columns)}"
    rows = (
        lines.order_by()
        .annotate(**{column: expression for expression, column in columns.items()}, mask=_mask(now, live))
        .values(*columns.values(), "mask", *SPREADS)
    )

    def chosen(grouping: Grouping, *more: str) -> tuple[str, ...]:
        key = (columns[grouping.key],) if grouping.key is not None else ()
        return (columns[grouping.counts], *key, *more)

    chosen_sets = {name: chosen(grouping, "mask") for name, grouping in sets.items()}
    tallied = _grouped(rows, chosen_sets, [COUNT], distinct_first=True)
    masks: dict[tuple[str, Any], dict[int, int]] = defaultdict(dict)
    for (name, values), (count,) in tallied.items():
        if values[0]:  # the lines that count (the rest: other links of a case)
            masks[(name, values[1] if sets[name].key is not None else ())][values[-1]] = count
    measured: dict[tuple[str, Any], list[tuple[Any, ...]]] = {}
    kinds = {tuple(g.spreads.items()) for g in sets.values() if g.spreads}
    for kind in kinds:
        spreads = dict(kind)
        chosen_sets = {
            name: chosen(grouping) for name, grouping in sets.items() if tuple(grouping.spreads.items()) == kind
        }
        aggregates = [(PERCENTILES, column, fractions) for column, fractions in spreads.items()]
        for (name, values), found in _grouped(rows, chosen_sets, aggregates).items():
            if values[0]:
                measured[(name, values[1] if sets[name].key is not None else ())] = list(found)
    summed: dict[str, dict[Any, CaseSummary]] = {name: {} for name in sets}
    for (name, key), counted in masks.items():
        grouping = sets[name]
        durations = dict(zip(grouping.spreads, measured.get((name, key), ()), strict=False))
        summed[name][key] = _case_summary(counted, grouping.figures, durations)
    for name, grouping in sets.items():
        if grouping.key is None:
            summed[name].setdefault((), CaseSummary())
    return summed


def _case_summary(masks: dict[int, int], figures: Iterable[str], durations: dict[str, tuple[Any, ...]]) -> CaseSummary:
    count = sum(masks.values())
    counts = {"cases": count}
    for name in figures:
        bits = FIGURES[name].bits
        counts[name] = sum(n for mask, n in masks.items() if mask & bits) if bits else count
    return CaseSummary(
        count=count,
        counts=counts,
        first_response=Spread(*durations.get("first_response_took", ())),
        resolution=Spread(*durations.get("resolution_took", ())),
    )


def case_summaries(lines: QuerySet[CaseLine], now: datetime, grouping: Grouping = ALL) -> dict[Any, CaseSummary]:
    """The case ``lines`` summed up by ``grouping`` (by default: all as one, under the key ``()``, with every
    figure and the headline's durations). Runs two queries."""
    return case_summary_sets(lines, now, {"one": grouping})["one"]


COUNT = "count"
PERCENTILES = "percentiles"


def _grouped(
    rows: QuerySet[Any], sets: dict[str, tuple[str, ...]], aggregates: list[Any], *, distinct_first: bool = False
) -> dict[tuple[str, tuple[Any, ...]], tuple[Any, ...]]:
    """``aggregates`` (``COUNT``, or (``PERCENTILES``, a column, its fractions)) of ``rows`` (a ``values()``
    queryset) grouped by each of ``sets`` (name: its columns), keyed by (name, the columns' values). Runs one
    query: on PostgreSQL by GROUPING SETS; on SQLite (development only) in Python. ``distinct_first`` (counting
    only): PostgreSQL first counts the rows by all the sets' columns at once, in one pass its workers can share, and
    then sums those counts up by each set."""
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # ``none()``: somebody who may not read reports
        return {}
    if connection.vendor != "postgresql":
        return _grouped_in_python(list(rows), sets, aggregates)
    quote = connection.ops.quote_name
    names = list(dict.fromkeys(column for columns in sets.values() for column in columns))
    listed = ", ".join(quote(name) for name in names)
    selected = []
    for aggregate in aggregates:
        if aggregate == COUNT:
            selected.append('SUM("counted")' if distinct_first else "COUNT(*)")
        else:
            _kind, column, fractions = aggregate
            selected.append(
                f"percentile_cont(ARRAY[{', '.join(map(str, fractions))}]) WITHIN GROUP (ORDER BY {quote(column)})"
            )
    if distinct_first:
        sql = f'SELECT {listed}, COUNT(*) AS "counted" FROM ({sql}) AS all_rows GROUP BY {listed}'  # noqa: S608
    grouped = ", ".join(f"({', '.join(quote(column) for column in columns)})" for columns in sets.values())
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT GROUPING({listed}), {listed}, {', '.join(selected)} "  # noqa: S608
            f"FROM ({sql}) AS report_rows GROUP BY GROUPING SETS ({grouped})",
            params,
        )
        found = cursor.fetchall()
    # GROUPING(...) sets a bit, the first name's the highest, for each name a row is not grouped by.
    every = (1 << len(names)) - 1
    masks = {
        every - sum(1 << (len(names) - 1 - names.index(column)) for column in columns): name
        for name, columns in sets.items()
    }
    result = {}
    for grouping, *rest in found:
        name = masks[grouping]
        values = dict(zip(names, rest, strict=False))
        figures = rest[len(names) :]
        result[(name, tuple(values[column] for column in sets[name]))] = tuple(
            int(figure) if aggregate == COUNT else (tuple(figure) if figure else (None,) * len(aggregate[2]))
            for figure, aggregate in zip(figures, aggregates, strict=True)
        )
    return result


def _grouped_in_python(
    rows: list[dict[str, Any]], sets: dict[str, tuple[str, ...]], aggregates: list[Any]
) -> dict[tuple[str, tuple[Any, ...]], tuple[Any, ...]]:
    """``_grouped`` from the rows themselves."""
    result = {}
    for name, columns in sets.items():
        groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            groups[tuple(row[column] for column in columns)].append(row)
        for values, members in groups.items():
            figures: list[Any] = []
            for aggregate in aggregates:
                if aggregate == COUNT:
                    figures.append(len(members))
                else:
                    _kind, column, fractions = aggregate
                    measured = sorted(row[column] for row in members if row[column] is not None)
                    figures.append(tuple(_percentile(measured, fraction) for fraction in fractions))
            result[(name, values)] = tuple(figures)
    return result


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
    cases: CaseSummary | None = None,
    backlog: tuple[int, datetime | None] | None = None,
) -> Headline:
    """The headline figures of ``query``'s period; ``mentions``: its mentions and complaints, ``cases``: its
    cases summed up, and ``backlog``: its backlog (``backlogs``), when counted already (the weeks count the
    mentions, ``case_summary_sets`` the cases). Runs four queries, none with all three."""
    if mentions is None:
        mentions = days.totals(organisation_id_of(user), query) if may_read_reports(user) else (0, 0)
    if cases is None:
        cases = case_summaries(lines_in_report(user, query), now)[()]
    if backlog is None:
        backlog = backlogs(user, [query], now)[0]
    return Headline(
        mentions=mentions[0],
        complaints=mentions[1],
        cases=cases,
        backlog=backlog[0],
        oldest_open_at=backlog[1],
        open_at=end_of(query, now),
    )


def backlogs(user: User, queries: list[ReportQuery], now: datetime) -> list[tuple[int, datetime | None]]:
    """The backlog of each of ``queries`` (periods with the same filters): how many cases were open at its end
    (``end_of``), and since when the oldest of them; counted from the case lines. Runs one query."""
    moments = [end_of(query, now) for query in queries]
    figures: dict[str, Any] = {}
    for n, at in enumerate(moments):
        figures |= {f"count{n}": Count("id", filter=open_at(at)), f"oldest{n}": Min("reported_at", filter=open_at(at))}
    found = lines_open_at(user, queries[0], *moments).order_by().aggregate(**figures)
    return [(found[f"count{n}"], found[f"oldest{n}"]) for n in range(len(moments))]


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
        summed = case_summary_sets(lines_in_report(user, query), now, {name: every[name] for name in _BREAKDOWNS})
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
        summed = case_summaries(lines_in_report(user, query), now, groupings(query)["week"])
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


def _week_key(query: ReportQuery) -> Any:
    """A case's week: the Monday it starts (in the organisation's time zone), chosen by comparing the moment it was
    said with the weeks' first moments (cheaper per case than converting each to local time)."""
    zone = ZoneInfo(query.zone)
    starts = _week_starts(query)
    weeks = [
        models.When(reported_at__lt=datetime.combine(start, time.min, tzinfo=zone), then=Value(before))
        for before, start in pairwise(starts)
    ]
    last = Value(starts[-1], output_field=DateField())
    return models.Case(*weeks, default=last, output_field=DateField()) if weeks else last


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
    figures of the period and of the one before; the breakdowns and the weeks; all counted from the case lines
    (``CaseLine``), the period's in one query and its durations in two more. Runs about a dozen queries, none of
    them per row, in one read-only transaction with room to sort in memory."""
    with transaction_settings(work_mem=REPORT_WORK_MEM):
        summed = case_summary_sets(lines_in_report(user, query), now, groupings(query))
        found_weeks, delays, mentions = weeks(user, query, now, summed["week"])
        current, previous = backlogs(user, [query, query.previous()], now)
        return Report(
            query=query,
            now=now,
            current=headline(user, query, now, mentions, summed["all"][()], current),
            previous=headline(user, query.previous(), now, backlog=previous),
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
