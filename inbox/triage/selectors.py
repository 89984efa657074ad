"""Reading the inbox: the mention list (filters, search, cursor pages), its counts and a mention's detail."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, Count, IntegerField, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from inbox.cases.models import Case
from inbox.triage.models import MentionEvent
from monitoring.feeds.platforms import Platform
from monitoring.models import Mention, Sighting, Source, source_name_shown
from monitoring.selectors import mentions_visible_to, visibility_key
from webcare.memo import Memo
from webcare.queries import MARKER_ID, MARKER_TIME, CompiledQuery

PAGE_SIZE = 50


AUTHOR_HISTORY_SIZE = 10


@dataclass(frozen=True)
class Cursor:
    """Where a page ends. Search results best match first are ordered by rank first, so their cursor
    carries it."""

    published_at: datetime
    mention_id: int
    rank: int | None = None

    def __str__(self) -> str:
        head = f"{self.rank}~" if self.rank is not None else ""
        return f"{head}{self.published_at.isoformat()}~{self.mention_id}"

    @classmethod
    def parse(cls, value: str) -> Cursor:
        """Raises ValueError (or OverflowError) when ``value`` is not a cursor this class wrote."""
        parts = value.split("~")
        if len(parts) not in (2, 3):
            raise ValueError(value)
        rank = int(parts[0]) if len(parts) == 3 else None
        if rank not in (None, 0, 1):  # the two ranks of ``_search``
            raise ValueError(value)
        published_at = datetime.fromisoformat(parts[-2])
        if published_at.tzinfo is None:
            raise ValueError(value)
        published_at.astimezone(UTC)  # raises OverflowError where the database could not store it either
        return cls(published_at=published_at, mention_id=int(parts[-1]), rank=rank)


@dataclass(frozen=True)
class MentionFilters:
    """What the list shows. Empty tuples mean "any"; values within one filter are alternatives."""

    statuses: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    source_ids: tuple[int, ...] = ()
    languages: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()  # "me", "none" or a user id
    published_from: date | None = None
    published_to: date | None = None
    query: str = ""
    newest_first: bool = False  # a search in order of publication instead of best match first

    def without(self, name: str) -> MentionFilters:
        """These filters less one dimension: the counts of a dimension's values ignore its own choice."""
        empty = MentionFilters()
        return MentionFilters(**{**self.__dict__, name: getattr(empty, name)})


@dataclass(frozen=True)
class MentionRow:
    """What a row of the list shows of a mention, read as plain values: 50 rows a page, all day long,
    without building a mention, its assignee and its case link as model instances for each. Hashable:
    the list keeps rows it has shown by their values (inbox/templatetags/inbox_tags.py)."""

    id: int
    title: str
    snippet: str
    url: str
    author: str
    publisher: str
    language: str
    platform: str
    published_at: datetime
    status: str
    category: str
    suggested_category: str
    ignore_reason: str
    signal_reasons: tuple[str, ...]
    flags: tuple[str, ...]
    matched_terms: tuple[str, ...]
    source_name: str
    assignee_username: str | None  # None: nobody
    assignee_name: str
    case_id: int | None  # None: in no case
    rank: int | None = None  # the search rank (``_search``); None outside a search best match first
    fetched_at: datetime | None = None  # when our sources found it

    def __str__(self) -> str:
        return self.title or self.snippet[:80] or self.url

    @classmethod
    def of(cls, mention: Mention) -> MentionRow:
        """The row of a mention already read whole (the detail pane's). Reads its source, assignee and
        case link where they were not read with it."""
        assignee = mention.assignee
        return cls(
            *(mention.id, mention.title, mention.snippet, mention.url, mention.author, mention.publisher),
            *(mention.language, mention.platform, mention.published_at, mention.status, mention.category),
            *(mention.suggested_category, mention.ignore_reason, tuple(mention.signal_reasons or ())),
            *(tuple(mention.flags or ()), tuple(mention.matched_terms or ()), mention.source.name),
            assignee_username=assignee.username if assignee else None,
            assignee_name=str(assignee) if assignee else "",
            case_id=_case_id(mention),
            fetched_at=mention.fetched_at,
        )

    @classmethod
    def from_values(cls, values: Sequence[Any], rank: int | None = None) -> MentionRow:
        """The row of the values read in the order of ``ROW_VALUES``."""
        (
            id_, title, snippet, url, author, publisher, language, platform, published_at, status, category,
            suggested_category, ignore_reason, signal_reasons, flags, matched_terms, source_name,
            username, first_name, last_name, case_id, fetched_at,
        ) = values  # fmt: skip
        return cls(
            id_, title, snippet, url, author, publisher, language, platform, published_at, status, category,
            suggested_category, ignore_reason, _words(signal_reasons), _words(flags), _words(matched_terms),
            source_name,
            assignee_username=username,
            assignee_name=f"{first_name} {last_name}".strip() or username or "",  # as User.__str__
            case_id=case_id,
            rank=rank,
            fetched_at=fetched_at,
        )  # fmt: skip


# The values a row is read from, in MentionRow's order; the assignee's name comes as first and last name.
ROW_VALUES = (
    *("id", "title", "snippet", "url", "author", "publisher", "language", "platform", "published_at"),
    *("status", "category", "suggested_category", "ignore_reason", "signal_reasons", "flags", "matched_terms"),
    *("source__name", "assignee__username", "assignee__first_name", "assignee__last_name", "case_link__case_id"),
    "fetched_at",
)


# Short JSON lists of words: the list reads them as text and ``_words`` turns each text into a tuple once.
_JSON_COLUMNS = frozenset(ROW_VALUES.index(name) for name in ("signal_reasons", "flags", "matched_terms"))


_WORDS: Memo[str, tuple[str, ...]] = Memo(5000)


def _words(value: str | list[str] | None) -> tuple[str, ...]:
    """A JSON list of words, as text from the database or as read by Django, as a tuple."""
    if not isinstance(value, str):
        return tuple(value or ())
    return _WORDS.get(value, lambda: tuple(json.loads(value) or ()))


@dataclass(frozen=True)
class MentionPage:
    mentions: list[MentionRow]
    next_cursor: Cursor | None
    newest_id: int = 0  # the highest mention id when the page was read: "N new" counts from here


LANGUAGES = ("nl", "en", "other")


def mentions_filtered(user: User, filters: MentionFilters) -> QuerySet[Mention]:
    """The mentions ``user`` may see that match ``filters``, newest first (by rank first when searching)."""
    mentions = mentions_visible_to(user)
    condition = Q()
    if filters.statuses:
        condition &= Q(status__in=filters.statuses)
    if filters.categories:
        condition &= Q(category__in=filters.categories) | Q(category="", suggested_category__in=filters.categories)
    if filters.platforms:
        condition &= Q(platform__in=filters.platforms)
    if filters.source_ids:
        condition &= Q(source_id__in=filters.source_ids)
    if filters.languages:
        condition &= _languages_q(filters.languages)
    for flag in filters.flags:
        condition &= _flag_q(flag)
    if filters.assignees:
        condition &= _assignees_q(user, filters.assignees)
    if filters.published_from:
        condition &= Q(published_at__gte=_day_start(filters.published_from))
    if filters.published_to:
        condition &= Q(published_at__lt=_day_start(filters.published_to + timedelta(days=1)))
    mentions = mentions.filter(condition)
    if filters.query:
        mentions = _search(mentions, filters.query, is_ranked=_is_ranked(filters))
    return mentions


def search_ranks() -> bool:
    """Whether a search can list its matches best match first: PostgreSQL ranks them; elsewhere a search
    is newest first."""
    return connection.vendor == "postgresql"


def _is_ranked(filters: MentionFilters) -> bool:
    """Whether the list is a search in order of rank: best match first, unless asked for the newest first."""
    return bool(filters.query) and not filters.newest_first and search_ranks()


def mention_page(
    *, user: User, filters: MentionFilters | None = None, before: Cursor | None = None, size: int = PAGE_SIZE
) -> MentionPage:
    """One page of the list after ``before`` (keyset pagination, no OFFSET and no COUNT). Runs one query."""
    filters = filters or MentionFilters()
    is_ranked = _is_ranked(filters)
    markers = {"at": _CURSOR_MARKER.published_at, "id": _CURSOR_MARKER.mention_id} if before is not None else {}
    if is_ranked and before is not None and before.rank is not None:
        markers["rank"] = _CURSOR_MARKER.rank
    key = (
        visibility_key(user),
        user.pk if "me" in filters.assignees else None,
        filters,
        is_ranked,
        tuple(markers),
        size,
        # Dates are whole days in the time zone in force.
        timezone.get_current_timezone_name() if filters.published_from or filters.published_to else None,
    )
    marked = _CURSOR_MARKER if before is not None else None
    compiled = _PAGE_QUERIES.get(
        key, lambda: CompiledQuery.of(_page_query(user, filters, marked, size), markers, unconverted=_JSON_COLUMNS)
    )
    if compiled is None or (before is not None and not _ID_RANGE[0] <= before.mention_id <= _ID_RANGE[1]):
        # An id past every 64-bit id (a hand-made page link) only Django knows to take as "all" or "none".
        read = list(_page_query(user, filters, before, size))
    else:
        read = compiled.rows(
            {"at": before.published_at, "id": before.mention_id, "rank": before.rank} if before is not None else {}
        )
    newest_id = read[0][-1] if read else 0
    rows = [
        MentionRow.from_values(row[: len(ROW_VALUES)], row[len(ROW_VALUES)] if is_ranked else None)
        for row in read[:size]
    ]
    return MentionPage(
        mentions=rows,
        next_cursor=_cursor_of(rows[-1]) if len(read) > size else None,
        newest_id=newest_id,
    )


# The list's query is built and compiled by Django once for each shape (who reads it, the filters, whether
# a page follows a cursor) and kept with marker values where the cursor goes (webcare/queries.py): it is
# the same all day but for the cursor, and Django took several times as long as PostgreSQL to make it.
_PAGE_QUERIES: Memo[tuple[Any, ...], CompiledQuery | None] = Memo(500)


_ID_RANGE = (-(2**63), 2**63 - 1)


# No page ends here: a time before any mention and an id no row has.
_CURSOR_MARKER = Cursor(published_at=MARKER_TIME, mention_id=MARKER_ID, rank=-918_273)


def _page_query(user: User, filters: MentionFilters, before: Cursor | None, size: int) -> QuerySet[Any]:
    """The list's rows after ``before`` as values in the order of ``ROW_VALUES`` (then the rank when
    searching best match first), each with the highest mention id of all last; one more than ``size``."""
    # "N new" counts from the highest id of all, not of this page: the list is ordered by publication
    # time (or rank), so an old entry a feed delivers late has a high id and sits on a later page.
    newest = Subquery(mentions_visible_to(user).order_by("-id").values("id")[:1])
    if not _is_ranked(filters):
        mentions = mentions_filtered(user, filters)
        if before is not None:
            mentions = mentions.filter(_after_cursor(before, is_ranked=False))
        # Only what a row shows: the case number, not the case (the detail pane reads it), and never the
        # feed's HTML, which can be many times the rest of the row.
        return mentions.annotate(newest_mention_id=newest).values_list(*ROW_VALUES, "newest_mention_id")[: size + 1]
    # Best match first (``_search``): ordering all matches by rank would read every one of them (70,000 for
    # a common word in a million mentions) before it could show one. Instead the page's ids are taken from
    # two parts, each of one rank and newest first, so that each walks an index and stops at the page's
    # end: the title matches after the cursor, then, only when those don't fill the page (PostgreSQL
    # doesn't start on it otherwise), the rest. Then only the winners' rows are read and joined.
    matches = mentions_filtered(user, replace(filters, newest_first=True))
    in_title = _title_matches(filters.query)
    parts = []
    for rank, part in ((1, matches.filter(in_title)), (0, matches.exclude(in_title))):
        part = part.alias(rank=Value(rank))
        if before is not None:
            part = part.filter(_after_cursor(before, is_ranked=True))
        parts.append(part.order_by("-published_at", "-id").values_list("id", "published_at")[: size + 1])
    try:
        (first, first_params), (rest, rest_params) = (part.query.get_compiler(using=part.db).as_sql() for part in parts)
    except EmptyResultSet:  # the filters can match nothing
        candidates = mentions_visible_to(user).none()
    else:
        # Only SQL that Django compiled and numbers are put together here; every value is a parameter.
        winners = RawSQL(  # noqa: S611
            f"WITH first AS MATERIALIZED ({first}) SELECT id FROM ("  # noqa: S608
            "SELECT id, published_at, 1 AS rank FROM first UNION ALL "
            f"SELECT id, published_at, 0 FROM ({rest}) AS rest WHERE (SELECT count(*) FROM first) <= {size} "
            f"ORDER BY rank DESC, published_at DESC, id DESC LIMIT {size + 1}) AS winners",
            (*first_params, *rest_params),
        )
        candidates = mentions_visible_to(user).filter(id__in=winners)
    mentions = _search(candidates, filters.query)
    columns = (*ROW_VALUES, "rank", "newest_mention_id")
    return mentions.annotate(newest_mention_id=newest).values_list(*columns)[: size + 1]


def mentions_newer(*, user: User, filters: MentionFilters, after_id: int) -> int:
    """How many mentions matching ``filters`` arrived after the one with id ``after_id``. Runs one query.

    Counts at most 100: the bar says "99+" beyond that, and the count stays cheap on a busy inbox.
    """
    newer = mentions_filtered(user, filters).filter(id__gt=after_id)
    return len(newer.order_by().values_list("id", flat=True)[:100])


def mention_detail(*, user: User, mention_id: int) -> Mention | None:
    """One mention with what its detail pane shows, or None when there is none ``user`` may see.

    Runs one query; ``sightings_of``, ``events_of`` and ``author_history`` read the rest.
    """
    return (
        mentions_visible_to(user)
        .select_related("assignee", "case_link__case", "added_by", "source")
        .filter(id=mention_id)
        .first()
    )


def mention_is_visible(*, user: User, mention_id: int) -> bool:
    """Whether there is a mention ``mention_id`` that ``user`` may see. Runs one query, reading no columns (an
    open pane asks every few seconds)."""
    return mentions_visible_to(user).filter(id=mention_id).exists()


def sightings_of(mention: Mention) -> list[Sighting]:
    """Every source that saw ``mention``, first sighting first. Runs one query."""
    return list(mention.sightings.select_related("source").order_by("seen_at", "id"))


def events_of(mention: Mention) -> list[MentionEvent]:
    """The activity history of ``mention``, newest first. Runs one query."""
    return list(mention.events.select_related("actor"))


@dataclass(frozen=True)
class AuthorHistory:
    mentions: list[Mention] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    complaints: int = 0


def author_history(*, user: User, mention: Mention) -> AuthorHistory:
    """Other mentions of the same author across all sources, and the cases they are in. Runs two queries.

    Persistent complainers show up here. A mention without an author has no history.
    """
    if not mention.author:
        return AuthorHistory()
    others = list(
        mentions_visible_to(user)
        .filter(organisation_id=mention.organisation_id, author=mention.author)
        .exclude(id=mention.id)
        .select_related("case_link__case")[:AUTHOR_HISTORY_SIZE]
    )
    cases = {m.case_link.case_id: m.case_link.case for m in others if _case_of(m) is not None}
    own = _case_of(mention)
    if own is not None:
        cases.pop(own.id, None)
    complaints = sum(1 for m in others if m.effective_category == Mention.Category.COMPLAINT)
    return AuthorHistory(mentions=others, cases=list(cases.values()), complaints=complaints)


def _case_id(mention: Mention) -> int | None:
    try:
        return mention.case_link.case_id
    except Mention.case_link.RelatedObjectDoesNotExist:
        return None


def _case_of(mention: Mention) -> Case | None:
    try:
        return mention.case_link.case
    except Mention.case_link.RelatedObjectDoesNotExist:
        return None


def inbox_generation() -> tuple[int, int]:
    """The newest mention id and the newest triage change id: counts read before either moved are stale.

    Runs one query (two index look-ups).
    """
    quote = connection.ops.quote_name
    mentions, events = quote(Mention._meta.db_table), quote(MentionEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT max(id) FROM {mentions}), (SELECT max(id) FROM {events})")  # noqa: S608
        newest, changed = cursor.fetchone()
    return newest or 0, changed or 0


@dataclass(frozen=True)
class FacetValue:
    value: str
    # Texts of ours are put in the reader's language when shown (``facets_labelled``): colleagues share
    # kept counts, each reads them in their own language.
    label: str
    count: int


@dataclass(frozen=True)
class Facets:
    statuses: list[FacetValue]
    categories: list[FacetValue]
    platforms: list[FacetValue]
    sources: list[FacetValue]
    languages: list[FacetValue]
    flags: list[FacetValue]
    assignees: list[FacetValue]


def mention_facets(*, user: User, filters: MentionFilters) -> Facets:
    """How many mentions each filter value would show, given the other filters. Runs eight queries.

    Each dimension is counted with every filter but its own, so choosing a second value of the same
    filter shows what it adds. Read apart from the list (the list never waits for counts).
    """

    def grouped(name: str, column: str) -> dict[str, int]:
        rows = mentions_filtered(user, filters.without(name)).order_by().values(column).annotate(n=Count("id"))
        return {str(row[column]) if row[column] is not None else "": row["n"] for row in rows}

    statuses = grouped("statuses", "status")
    platforms = grouped("platforms", "platform")
    sources = grouped("source_ids", "source_id")
    languages = grouped("languages", "language")
    assigned = grouped("assignees", "assignee_id")
    base = mentions_filtered(user, filters.without("categories")).order_by()
    category_counts = base.aggregate(
        **{
            value: Count("id", filter=Q(category=value) | Q(category="", suggested_category=value))
            for value in Mention.Category.values
        }
    )
    flag_base = mentions_filtered(user, filters.without("flags")).order_by()
    flag_counts = flag_base.aggregate(**{value: Count("id", filter=_flag_q(value)) for value in Mention.Flag.values})
    names = {
        id_: name
        for id_, name in Source.objects.filter(id__in=[int(s) for s in sources if s]).values_list("id", "name")
    }
    people = {str(u.id): str(u) for u in User.objects.filter(id__in=[int(a) for a in assigned if a])}
    language_labels = {"nl": "nl", "en": "en"}
    other_languages = sum(n for code, n in languages.items() if code not in ("nl", "en"))
    return Facets(
        statuses=[FacetValue(v, str(label), statuses.get(v, 0)) for v, label in Mention.Status.choices],
        categories=[FacetValue(v, str(label), category_counts[v]) for v, label in Mention.Category.choices],
        platforms=[FacetValue(v, str(label), platforms[v]) for v, label in Platform.choices if platforms.get(v)],
        sources=sorted(
            (FacetValue(s, names.get(int(s), s), n) for s, n in sources.items() if s),
            key=lambda f: (-f.count, f.label),
        ),
        languages=[FacetValue(c, language_labels[c], languages.get(c, 0)) for c in ("nl", "en")]
        + [FacetValue("other", "other", other_languages)],
        flags=[FacetValue(v, str(label), flag_counts[v]) for v, label in Mention.Flag.choices],
        assignees=[
            FacetValue("none", "none", assigned.get("", 0)),
            *sorted((FacetValue(a, people.get(a, a), n) for a, n in assigned.items() if a), key=lambda f: f.label),
        ],
    )


def facets_labelled(facets: Facets) -> Facets:
    """``facets`` with the texts of ours in the active language: kept counts may have been made for a
    colleague who reads another. (Kept as plain strings: lazy translations cost more to read back from the
    cache than the counts.)"""

    def labelled(values: list[FacetValue], labels: dict[str, Any]) -> list[FacetValue]:
        return [replace(value, label=str(labels.get(value.value, value.label))) for value in values]

    return replace(
        facets,
        statuses=labelled(facets.statuses, dict(Mention.Status.choices)),
        categories=labelled(facets.categories, dict(Mention.Category.choices)),
        platforms=labelled(facets.platforms, dict(Platform.choices)),
        flags=labelled(facets.flags, dict(Mention.Flag.choices)),
        languages=labelled(facets.languages, {"nl": _("Dutch"), "en": _("English"), "other": _("Other")}),
        assignees=labelled(facets.assignees, {"none": _("Unassigned")}),
        sources=[replace(value, label=source_name_shown(value.label)) for value in facets.sources],
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _languages_q(languages: tuple[str, ...]) -> Q:
    known = [code for code in languages if code != "other"]
    condition = Q(language__in=known) if known else Q(pk__in=[])
    if "other" in languages:
        condition |= ~Q(language__in=["nl", "en"])
    return condition


def _flag_q(flag: str) -> Q:
    if connection.vendor == "postgresql":
        return Q(flags__contains=[flag])
    # SQLite has no JSON containment; the flags are a short JSON list of plain words.
    return Q(flags__icontains=f'"{flag}"')


def _assignees_q(user: User, assignees: tuple[str, ...]) -> Q:
    condition = Q(pk__in=[])
    for value in assignees:
        if value == "me":
            condition |= Q(assignee_id=user.id)
        elif value == "none":
            condition |= Q(assignee__isnull=True)
        elif value.isdigit():
            condition |= Q(assignee_id=int(value))
    return condition


_TSQUERY = "(websearch_to_tsquery('dutch'::regconfig, %s) || websearch_to_tsquery('english'::regconfig, %s))"


# The title's part of the search document (weight A); mention_title_search_idx (inbox migration 0006)
# indexes exactly this expression.
TITLE_DOCUMENT = "ts_filter(search_document, '{a}')"


def _search(mentions: QuerySet[Mention], query: str, *, is_ranked: bool = True) -> QuerySet[Mention]:
    """Full-text search: PostgreSQL's Dutch and English stemming ("klachten" finds "klacht"), best match
    first unless not ``is_ranked``; elsewhere a case-insensitive match on title, text or author, newest
    first.

    Best match first: the mentions whose title matches the search (rank 1) before those that match in the
    text or author only (rank 0), newest first within each. A title is what a mention is about; among
    those, in an inbox, the newer the more it matters. This order can be read from indexes a page at a
    time (``_page_query``), where ts_rank's has to score every match first.
    """
    if connection.vendor != "postgresql":
        return mentions.filter(Q(title__icontains=query) | Q(snippet__icontains=query) | Q(author__icontains=query))
    # The column is generated by PostgreSQL (inbox migration 0002), so it is read through SQL here.
    # Only constant SQL is put together here; the query text is a parameter.
    matches = RawSQL(f"search_document @@ {_TSQUERY}", (query, query), output_field=BooleanField())  # noqa: S611
    if not is_ranked:
        # Newest first walks the newest-first index and stops at the page's end: a word in 7% of a
        # million mentions takes a millisecond, where ranking has to read all 70,000 matches.
        return mentions.filter(matches)
    rank = Cast(_title_matches(query), IntegerField())
    return mentions.filter(matches).annotate(rank=rank).order_by("-rank", "-published_at", "-id")


def _title_matches(query: str) -> RawSQL:
    """Whether a mention's title matches the search ``query`` (PostgreSQL only)."""
    return RawSQL(f"{TITLE_DOCUMENT} @@ {_TSQUERY}", (query, query), output_field=BooleanField())  # noqa: S611


def _after_cursor(before: Cursor, *, is_ranked: bool) -> Q:
    after = Q(published_at__lt=before.published_at) | Q(published_at=before.published_at, id__lt=before.mention_id)
    # Implied by the two above, but PostgreSQL only sees it like this: the index scan then starts at the
    # cursor instead of reading and skipping every newer row (page 500 read 25,000 of them).
    after &= Q(published_at__lte=before.published_at)
    if is_ranked and before.rank is not None:
        return Q(rank__lt=before.rank) | (Q(rank=before.rank) & after)
    return after


def _cursor_of(row: MentionRow) -> Cursor:
    return Cursor(published_at=row.published_at, mention_id=row.id, rank=row.rank)
