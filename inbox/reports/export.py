"""A report's rows to take away: one row per case, with every time stamp and how long each step took, or one
row per mention, as CSV, XLSX or JSON, selected by the same query as the report page (``query``).

Reports are statistics: an export holds no personal data of complainers, neither the complainant's name nor
their e-mail address or phone number, nor any text they wrote or that was written to them (a case's title is
typed by staff and says what it is about; it is kept). Who handled a case is named: that is the team's work.

Written row by row: the cases are read in chunks of ``CHUNK`` from a server-side cursor, and what a case holds
(its platforms, sources, category) is read per chunk, so memory stays flat however many rows there are. Times are
in the organisation's time zone (ISO 8601; an XLSX cell holds the local time, as spreadsheets have no zones),
durations in minutes (a number, so a spreadsheet sums them).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from tempfile import SpooledTemporaryFile
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.db.models import BooleanField, Count, ExpressionWrapper, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inbox.cases.models import Case, CaseEvent, CaseMention, ImprovementAction, RemovalRequest
from inbox.reports.query import ReportQuery
from inbox.reports.selectors import FIGURES
from monitoring.feeds.platforms import Platform
from monitoring.models import Mention, Sighting, source_name_shown

CASES, MENTIONS = "cases", "mentions"
KINDS = (CASES, MENTIONS)
CSV, XLSX, JSON = "csv", "xlsx", "json"
FORMATS = (CSV, XLSX, JSON)
CHUNK = 2000
# An XLSX is built in memory up to this size, then in a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024

# What a column holds, and so how each format writes it.
TEXT, CODE, CODES, TEXTS, TIME, MINUTES, YES_NO, NUMBER = "text", "code", "codes", "texts", "time", "min", "yn", "n"


@dataclass(frozen=True)
class Column:
    key: str  # the JSON key, and a stable name for scripts
    header: Promise  # in the reader's language
    kind: str
    choices: Sequence[tuple[str, Any]] = ()  # a code's labels


CASE_COLUMNS = (
    Column("id", gettext_lazy("Case"), NUMBER),
    Column("title", gettext_lazy("Title"), TEXT),
    Column("status", gettext_lazy("Status"), CODE, Case.Status.choices),
    Column("platforms", gettext_lazy("Platforms"), CODES, Platform.choices),
    Column("sources", gettext_lazy("Sources"), TEXTS),
    Column("category", gettext_lazy("Category"), CODE, Mention.Category.choices),
    Column("complainer_type", gettext_lazy("Complainer type"), CODE, Case.ComplainerType.choices),
    Column("priority", gettext_lazy("Priority"), CODE, Case.Priority.choices),
    Column("tags", gettext_lazy("Tags"), TEXT),
    Column("assignee", gettext_lazy("Assigned to"), TEXT),
    Column("reported_at", gettext_lazy("Said in public at"), TIME),
    Column("found_at", gettext_lazy("Found at"), TIME),
    Column("polling_delay_minutes", gettext_lazy("Polling delay (minutes)"), MINUTES),
    Column("opened_at", gettext_lazy("Opened at"), TIME),
    Column("first_response_at", gettext_lazy("First response at"), TIME),
    Column("first_response_due_at", gettext_lazy("First response due"), TIME),
    Column("first_response_minutes", gettext_lazy("First response took (minutes)"), MINUTES),
    Column("first_response_within_target", gettext_lazy("First response within target"), YES_NO),
    Column("resolution_due_at", gettext_lazy("Resolution due"), TIME),
    Column("resolved_at", gettext_lazy("Resolved at"), TIME),
    Column("resolution_minutes", gettext_lazy("Resolution took (minutes)"), MINUTES),
    Column("resolution_within_target", gettext_lazy("Resolution within target"), YES_NO),
    Column("closed_at", gettext_lazy("Closed at"), TIME),
    Column("solution", gettext_lazy("Solution"), CODE, Case.ResolutionKind.choices),
    Column("satisfaction_asked", gettext_lazy("Asked whether it solves it"), YES_NO),
    Column("satisfaction", gettext_lazy("Answer"), CODE, Case.Satisfaction.choices),
    Column("public_followup", gettext_lazy("Public follow-up"), YES_NO),
    Column("removal_requests", gettext_lazy("Removal requests"), NUMBER),
    Column("improvements", gettext_lazy("Improvements"), NUMBER),
    Column("reopened", gettext_lazy("Times reopened"), NUMBER),
)

MENTION_COLUMNS = (
    Column("id", gettext_lazy("Mention"), NUMBER),
    Column("published_at", gettext_lazy("Published at"), TIME),
    Column("found_at", gettext_lazy("Found at"), TIME),
    Column("polling_delay_minutes", gettext_lazy("Polling delay (minutes)"), MINUTES),
    Column("platform", gettext_lazy("Platform"), CODE, Platform.choices),
    Column("source", gettext_lazy("Source"), TEXT),
    Column("category", gettext_lazy("Category"), CODE, Mention.Category.choices),
    Column("status", gettext_lazy("Status"), CODE, Mention.Status.choices),
    Column("case", gettext_lazy("In case"), NUMBER),
)

COLUMNS = {CASES: CASE_COLUMNS, MENTIONS: MENTION_COLUMNS}

# The fields a case's row is read from, in one query (with the counts of what hangs off it as subqueries).
_CASE_FIELDS = (
    "id",
    "title",
    "status",
    "complainer_type",
    "priority",
    "tags",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    "reported_at",
    "first_seen_at",
    "created_at",
    "first_response_at",
    "first_response_due_at",
    "first_response_took",
    "resolution_due_at",
    "resolved_at",
    "resolution_took",
    "closed_at",
    "resolution_kind",
    "satisfaction_asked",
    "satisfaction",
    "public_followup_url",
    "n_removals",
    "n_improvements",
    "n_reopened",
    "is_first_response_met",
    "is_first_response_breached",
    "is_resolution_met",
    "is_resolution_breached",
)
# Whether a target was met or missed, as the report page judges it (``selectors.FIGURES``): one answer for the page,
# its lists, the exports and the monthly e-mail. An answer still to come that is past its due time is missed.
_JUDGED = ("first_response_met", "first_response_breached", "resolution_met", "resolution_breached")
_MENTION_FIELDS = (
    "id",
    "published_at",
    "fetched_at",
    "platform",
    "source__name",
    "category",
    "suggested_category",
    "status",
    "case_link__case_id",
)

Row = tuple[Any, ...]


def minutes(took: timedelta | None) -> float | None:
    """A duration as the exports and the monthly e-mail count it: minutes, to a tenth."""
    return None if took is None else round(took.total_seconds() / 60, 1)


def within(met: bool, missed: bool) -> bool | None:
    """Whether a target was met (True) or missed (False); None while it runs in time, or without a due time."""
    return True if met else False if missed else None


def _count_of(model: Any, **filters: Any) -> Coalesce:
    counted = (
        model.objects.filter(case_id=OuterRef("pk"), **filters)
        .order_by()
        .values("case_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def case_rows(cases: QuerySet[Case], now: datetime | None = None) -> Iterator[Row]:
    """One row per case (values in ``CASE_COLUMNS``' order; codes, datetimes, minutes), oldest complaint first;
    targets judged at ``now`` (default: now). Runs one query per ``CHUNK`` cases over a server-side cursor, and two
    per chunk for what its cases hold."""
    now = now or timezone.now()
    rows = (
        cases.order_by("reported_at", "id")
        .annotate(
            n_removals=_count_of(RemovalRequest),
            n_improvements=_count_of(ImprovementAction),
            n_reopened=_count_of(CaseEvent, action="reopened"),
            **{f"is_{name}": ExpressionWrapper(FIGURES[name].condition(now), BooleanField()) for name in _JUDGED},
        )
        .values_list(*_CASE_FIELDS)
        .iterator(chunk_size=CHUNK)
    )
    while batch := list(islice(rows, CHUNK)):
        held = _held_by([row[0] for row in batch])
        for row in batch:
            yield _case_row(dict(zip(_CASE_FIELDS, row, strict=True)), held.get(row[0]))


@dataclass
class _Held:
    """What a case holds through its mentions: their platforms, the sources that found them, its category
    (its first mention's)."""

    platforms: list[str]
    sources: list[str]
    category: str = ""


def _held_by(case_ids: list[int]) -> dict[int, _Held]:
    """Runs two queries."""
    held: dict[int, _Held] = {}
    links = (
        CaseMention.objects.filter(case_id__in=case_ids)
        .order_by("case_id", "added_at", "id")
        .values_list(
            "case_id", "mention__platform", "mention__source__name", "mention__category", "mention__suggested_category"
        )
    )
    for case_id, platform, source, category, suggested in links:
        found = held.setdefault(case_id, _Held([], [], category or suggested))
        _add(found.platforms, platform)
        _add(found.sources, source_name_shown(source))
    seen = Sighting.objects.filter(mention__case_link__case_id__in=case_ids).order_by("id")
    for case_id, source in seen.values_list("mention__case_link__case_id", "source__name"):
        if case_id in held:
            _add(held[case_id].sources, source_name_shown(source))
    return held


def _add(values: list[str], value: str) -> None:
    if value and value not in values:
        values.append(value)


def _case_row(case: dict[str, Any], held: _Held | None) -> Row:
    held = held or _Held([], [])
    assignee = " ".join(filter(None, (case["assignee__first_name"], case["assignee__last_name"])))
    return (
        case["id"],
        case["title"],
        case["status"],
        held.platforms,
        held.sources,
        held.category,
        case["complainer_type"],
        case["priority"],
        case["tags"],
        assignee or case["assignee__username"] or "",
        case["reported_at"],
        case["first_seen_at"],
        minutes(max(case["first_seen_at"] - case["reported_at"], timedelta(0))),
        case["created_at"],
        case["first_response_at"],
        case["first_response_due_at"],
        minutes(case["first_response_took"]),
        within(case["is_first_response_met"], case["is_first_response_breached"]),
        case["resolution_due_at"],
        case["resolved_at"],
        minutes(case["resolution_took"]),
        within(case["is_resolution_met"], case["is_resolution_breached"]),
        case["closed_at"],
        case["resolution_kind"],
        case["satisfaction_asked"],
        case["satisfaction"],
        bool(case["public_followup_url"]),
        case["n_removals"],
        case["n_improvements"],
        case["n_reopened"],
    )


def mention_rows(mentions: QuerySet[Mention]) -> Iterator[Row]:
    """One row per mention (values in ``MENTION_COLUMNS``' order), oldest first. Runs one query per ``CHUNK``
    mentions over a server-side cursor."""
    rows = mentions.order_by("published_at", "id").values_list(*_MENTION_FIELDS).iterator(chunk_size=CHUNK)
    for id_, published_at, fetched_at, platform, source, category, suggested, status, case_id in rows:
        delay = minutes(max(fetched_at - published_at, timedelta(0)))
        yield (id_, published_at, fetched_at, delay, platform, source_name_shown(source), category or suggested,
               status, case_id)  # fmt: skip


def rows_of(kind: str, selected: QuerySet[Any]) -> Iterator[Row]:
    return case_rows(selected) if kind == CASES else mention_rows(selected)


# Writing rows -----------------------------------------------------------------------------------------------


class _Words:
    """The headers, labels and yes/no of the active language, read once: rows are written after the view
    returned (a streamed answer), when another language may be active."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.headers = [str(column.header) for column in columns]
        self.labels = [{code: str(label) for code, label in column.choices} for column in columns]
        self.yes, self.no = _("yes"), _("no")


# A cell a spreadsheet would read as a formula (=, +, -, @, and a tab or return before one): shown as text.
# https://owasp.org/www-community/attacks/CSV_Injection
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _shown(columns: Sequence[Column], words: _Words, row: Row, zone: ZoneInfo, *, local_times: bool) -> list[Any]:
    """A row as a person reads it: labels in their language, times in the organisation's zone, yes or no."""
    cells: list[Any] = []
    for column, labels, value in zip(columns, words.labels, row, strict=True):
        if value is None:
            cells.append(None)
        elif column.kind == TIME:
            local = value.astimezone(zone)
            cells.append(local.replace(tzinfo=None) if local_times else local.isoformat(timespec="seconds"))
        elif column.kind == YES_NO:
            cells.append(words.yes if value else words.no)
        elif column.kind == CODE:
            cells.append(cell_text(labels.get(value, value)))
        elif column.kind == CODES:
            cells.append(cell_text("; ".join(labels.get(code, code) for code in value)))
        elif column.kind == TEXTS:
            cells.append(cell_text("; ".join(value)))
        elif column.kind == TEXT:
            cells.append(cell_text(value))
        else:
            cells.append(value)
    return cells


class _Line:
    """A file-like that hands back what ``csv.writer`` writes to it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(kind: str, rows: Iterable[Row], *, zone: str) -> Iterator[str]:
    """The CSV file, line by line: a byte-order mark (so that a spreadsheet reads it as UTF-8), the headers in
    the active language, then a line per row."""
    columns, tz = COLUMNS[kind], ZoneInfo(zone)
    words = _Words(columns)
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(words.headers)
    for row in rows:
        cells = _shown(columns, words, row, tz, local_times=False)
        yield writer.writerow(["" if cell is None else cell for cell in cells])


def json_chunks(kind: str, rows: Iterable[Row], *, zone: str) -> Iterator[str]:
    """A JSON list of objects keyed by the columns' keys, for scripts: codes rather than labels, ISO 8601
    times in the organisation's zone, minutes as numbers, yes or no as true or false."""
    columns, tz = COLUMNS[kind], ZoneInfo(zone)
    yield "["
    for number, row in enumerate(rows):
        values = {
            column.key: value.astimezone(tz).isoformat(timespec="seconds") if isinstance(value, datetime) else value
            for column, value in zip(columns, row, strict=True)
        }
        yield ("," if number else "") + "\n" + json.dumps(values, ensure_ascii=False)
    yield "\n]\n"


def xlsx_file(kind: str, rows: Iterable[Row], *, zone: str) -> IO[bytes]:
    """The XLSX workbook in a temporary file (in memory while small), at its start. openpyxl's write-only mode
    keeps no rows in memory: it writes each to the sheet's own temporary file as it comes."""
    from openpyxl import Workbook

    columns, tz = COLUMNS[kind], ZoneInfo(zone)
    words = _Words(columns)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Cases") if kind == CASES else _("Mentions"))[:31])
    sheet.append(words.headers)
    for row in rows:
        sheet.append(_shown(columns, words, row, tz, local_times=True))
    spooled: IO[bytes] = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 -- handed to the response
    workbook.save(spooled)
    spooled.seek(0)
    return spooled


def filename(kind: str, query: ReportQuery, fmt: str) -> str:
    return f"{kind}-{query.start.isoformat()}-{query.end.isoformat()}.{fmt}"
