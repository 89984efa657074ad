"""Template filters for the inbox."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from html import escape as html_escape
from typing import Any, cast

from django import template
from django.contrib.humanize.templatetags.humanize import NaturalTimeFormatter
from django.http import QueryDict
from django.template.context import Context
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, add_truncation_text, calculate_truncate_chars_length
from django.utils.timesince import timesince
from django.utils.translation import get_language, gettext

from inbox.targets import rules
from inbox.targets.clock import State
from inbox.targets.display import moment_phrase
from inbox.targets.selectors import plan_of
from inbox.triage.selectors import MentionRow
from monitoring.feeds.enrich import normalise, phrase_literal, phrase_pattern
from monitoring.feeds.platforms import Platform
from monitoring.feeds.terms import highlight_spans
from monitoring.models import Mention, source_name_shown
from webcare.memo import Memo

register = template.Library()


@register.filter
def highlight(text: str, terms: Sequence[str] | None) -> SafeString:
    """Plain ``text``, escaped, with the organisation's matched watch ``terms`` wrapped in <mark>."""
    text = str(text or "")
    if not terms or not _may_occur(text, terms):
        return mark_safe(html_escape(text))  # noqa: S308 - escaped
    pieces: list[str] = []
    position = 0
    for start, end in _ascii_spans(text, terms) if text.isascii() else highlight_spans(text, terms):
        pieces += [html_escape(text[position:start]), "<mark>", html_escape(text[start:end]), "</mark>"]
        position = end
    pieces.append(html_escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text above is escaped


def _may_occur(text: str, terms: Sequence[str]) -> bool:
    """Whether any of ``terms`` occurs in ``text``: a quick look before mapping matches back onto it."""
    matchers = [matcher for term in terms if (matcher := _term_matcher(term)) is not None]
    if not matchers:
        return False
    normalised = normalise(text)
    return any(literal in normalised and regex.search(normalised) for literal, regex in matchers)


def _ascii_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """``highlight_spans(text, terms)`` for ASCII ``text``, where normalising only lowercases and folds
    runs of whitespace into one space: the offsets come from the words instead of from each character."""
    chars: list[str] = []
    offsets: list[int] = []
    previous_end = 0
    for word in _WORD.finditer(text):
        if offsets:
            chars.append(" ")
            offsets.append(previous_end)  # a folded run of whitespace maps to its first character
        chars.append(word[0])
        offsets.extend(range(word.start(), word.end()))
        previous_end = word.end()
    normalised = "".join(chars).lower()
    found: list[tuple[int, int]] = []
    for matcher in map(_term_matcher, terms):
        if matcher is None or matcher[0] not in normalised:
            continue
        for match in matcher[1].finditer(normalised):
            found.append((offsets[match.start()], offsets[match.end() - 1] + 1))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


_WORD = re.compile(r"\S+")


@functools.lru_cache(maxsize=1024)
def _term_matcher(term: str) -> tuple[str, re.Pattern[str]] | None:
    """What ``highlight_spans`` looks for, for a quick look; None for a term it leaves out."""
    try:
        return phrase_literal(term), re.compile(phrase_pattern(term))
    except ValueError:
        return None


@register.simple_tag
def filter_toggle(list_query: str, name: str, value: object) -> str:
    """``list_query`` with ``value`` added to filter ``name``, or taken out when it is there already."""
    query = QueryDict(list_query, mutable=True)
    values = query.getlist(name)
    value = str(value)
    query.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
    return query.urlencode()


@register.simple_tag
def filter_has(list_query: str, name: str, value: object) -> bool:
    return str(value) in QueryDict(list_query).getlist(name)


@register.filter
def query_items(query_string: str) -> list[tuple[str, str]]:
    """Each name and value of a query string, a filter with several values once per value."""
    query = QueryDict(query_string)
    return [(name, value) for name in query for value in query.getlist(name)]


@register.filter
def with_search(terms: Sequence[str] | None, query: str) -> list[str]:
    """The watch ``terms`` plus the words of a search, so what was searched for is marked too."""
    words = [word.strip("\"'*") for word in str(query or "").split()]
    return [*(terms or []), *(word for word in words if len(word) >= 3 and not word.startswith("-"))]


@register.filter
def duration_words(delta: timedelta | None) -> str:
    """A duration in words, in the reader's language ("1 hour, 5 minutes")."""
    if delta is None:
        return ""
    now = timezone.now()
    return timesince(now - max(delta, timedelta(0)), now)


# A list row ------------------------------------------------------------------------------------------
#
# The list shows 50 rows a page, and staff keep it open all day: a row is written out here in Python, in
# one go, and everything the rows of a page share (translations, labels, the link's start, the search
# words) is worked out once a page. A row through a Django template cost more than the whole list's SQL.
# Every plain value goes through ``_e`` (escaped, quotes too); SafeStrings are escaped already. ``_e`` is
# Django's conditional_escape without its lazy-string wrapper, which cost more than the escaping here.


@register.simple_tag(takes_context=True)
def mention_rows(context: Context, rows: Sequence[MentionRow]) -> SafeString:
    """The list rows of a page, each an ``<li>`` (see ``mention_row``)."""
    page = _row_page(context)
    return mark_safe("".join([_row_html(page, row, oob=False) for row in rows]))  # noqa: S308 - built from escaped parts


@register.simple_tag(takes_context=True)
def mention_row(context: Context, mention: Mention | MentionRow, oob: bool = False) -> SafeString:
    """One list row: platform, source, author, language, age, the title and snippet with the searched and
    watched words marked, status, category (confirmed, else suggested with its reasons), flags, assignee
    and case; with ``oob`` it replaces the list's row of the same mention after a triage change.

    Reads ``filters`` (the search words), ``list_query`` (the link keeps the list's filters) and ``perms``
    (the checkbox is for those who may triage) from the context.
    """
    row = MentionRow.of(mention) if isinstance(mention, Mention) else mention
    return mark_safe(_row_html(_row_page(context), row, oob=oob))  # noqa: S308 - built from escaped parts


@register.simple_tag(takes_context=True)
def mention_due(context: Context, mention: Mention) -> SafeString:
    """For an open complaint, its state and when its first response is due, as its list row shows them; ""
    for any other mention."""
    return mark_safe(_row_page(context).due(MentionRow.of(mention)))  # noqa: S308 - built from escaped parts


def _e(value: object) -> str:
    return str(value) if hasattr(value, "__html__") else html_escape(str(value))


# A row's HTML follows from its values and the page's (language, search words, filters, may triage), except
# for its age: rows are kept, by all of those, as the HTML before and after the age. Staff open the same
# rows again and again all day; a row whose values changed is simply another key. Bounded by starting
# over when full: a few thousand rows are a few megabytes.
_ROW_MEMO: Memo[tuple[MentionRow, tuple[object, ...], bool], tuple[str, str]] = Memo(5000)


_ROW_END = "</span></a></li>\n"


def _row_html(page: _RowPage, row: MentionRow, *, oob: bool) -> str:
    before, after = _ROW_MEMO.get((row, page.key, oob), lambda: _row_parts(page, row, oob=oob))
    due = page.due(row)
    if due:  # an open complaint: when its answer is due, which changes with the time of day
        after = after[: -len(_ROW_END)] + due + _ROW_END
    return before + html_escape(page.age(row.published_at)) + after


# When an open complaint's first response is due, and when it becomes at risk, by the organisation's targets:
# the same for the same plan and mention all day.
_DUE_MEMO: Memo[tuple[rules.Plan, datetime, str, tuple[str, ...]], tuple[datetime, datetime]] = Memo(5000)

_OPEN = frozenset({Mention.Status.NEW, Mention.Status.TRIAGED})


def is_open_complaint(row: MentionRow) -> bool:
    """A complaint (confirmed, or suggested and not confirmed otherwise) nobody answered in a case yet."""
    category = row.category or row.suggested_category
    return category == Mention.Category.COMPLAINT and row.status in _OPEN and row.case_id is None


def _row_parts(page: _RowPage, mention: MentionRow, *, oob: bool) -> tuple[str, str]:
    """A row's HTML before and after its age."""
    mention_id = str(mention.id)
    status = _e(mention.status)
    out = [
        f'<li id="mention-row-{mention_id}" class="mention-row status-{status}" data-mention-row '
        f'data-id="{mention_id}"',
        ' hx-swap-oob="outerHTML">' if oob else ">",
    ]
    terms = [*(mention.matched_terms or []), *page.search_words]
    if page.may_triage:
        label = page.select_label % {"title": html_escape(_truncated(str(mention), 60))}
        out.append(
            f'<input class="row-select" type="checkbox" name="ids" value="{mention_id}" form="bulk-form" '
            f'aria-label="{label}" data-row-select>'
        )
    url = page.url_start + mention_id + page.url_end
    platform = mention.platform
    source_shown = _e(mention.publisher or source_name_shown(mention.source_name))
    out.append(
        f'<a class="row-link" href="{url}" hx-get="{url}" hx-target="#mention-detail" hx-swap="outerHTML" '
        f'hx-push-url="true" data-row-link><span class="mention-meta">'
        f'<span class="badge badge-platform badge-{_e(platform)}" title="{page.platform_title}">'
        f'<span class="platform-icon" aria-hidden="true"></span>'
        f"{_e(page.labels.platforms.get(platform, platform))}</span>"
        f'<span class="mention-source" title="{source_shown}">{source_shown}</span>'
    )
    if mention.author:
        out.append(f'<span class="mention-author" title="{_e(mention.author)}">{_e(mention.author)}</span>')
    if mention.language:
        out.append(
            f'<span class="mention-language" title="{page.language_title}">{_e(mention.language.upper())}</span>'
        )
    local = mention.published_at.astimezone(page.timezone)
    out.append(f'<time datetime="{local.isoformat()}" title="{_e(page.full_datetime(local))}">')
    before = "".join(out)
    out = [f'</time></span><span class="mention-title">{highlight(str(mention.title or page.no_title), terms)}</span>']
    if mention.snippet:
        out.append(f'<span class="mention-snippet">{highlight(_truncated(str(mention.snippet), 220), terms)}</span>')
    status_label = page.labels.statuses.get(mention.status, mention.status)
    if mention.ignore_reason:
        reason = page.labels.ignore_reasons.get(mention.ignore_reason, mention.ignore_reason)
        status_label = f"{status_label}: {reason.lower()}"
    out.append(
        f'<span class="mention-signals"><span class="status-badge status-badge-{status}">{_e(status_label)}</span>'
    )
    if mention.category:
        category = mention.category
        label = _e(page.labels.categories.get(category, category))
        out.append(f'<span class="category category-{_e(category)} is-confirmed">{label}</span>')
    elif mention.suggested_category != Mention.Category.OTHER:
        suggested = mention.suggested_category
        label = page.looks_like % {"category": _e(page.labels.categories.get(suggested, suggested))}
        out.append(f'<span class="category category-{_e(suggested)}">{label}</span>')
        if reasons := mention.signal_reasons:
            out.append(f'<span class="reasons">{page.because_of} {_e(", ".join(map(str, reasons)))}</span>')
    for flag in mention.flags or []:
        out.append(f'<span class="flag">{_e(page.labels.flags.get(flag, flag))}</span>')
    if mention.assignee_username is not None:
        initial = _e(mention.assignee_username[:1].upper())
        out.append(
            f'<span class="assignee" title="{page.assigned_to}"><span class="avatar avatar-small" aria-hidden="true">'
            f"{initial}</span>{_e(mention.assignee_name)}</span>"
        )
    if mention.case_id is not None:
        number = _e(formats.localize(mention.case_id, use_l10n=page.use_l10n))
        out.append(f'<span class="case-badge">{page.case_number % {"number": number}}</span>')
    out.append(_ROW_END)
    return before, "".join(out)


class _RowLabels:
    """The display labels of a mention's choices in one language."""

    def __init__(self) -> None:
        self.platforms = {value: str(label) for value, label in Platform.choices}
        self.statuses = {value: str(label) for value, label in Mention.Status.choices}
        self.ignore_reasons = {value: str(label) for value, label in Mention.IgnoreReason.choices}
        self.categories = {value: str(label) for value, label in Mention.Category.choices}
        self.flags = {value: str(label) for value, label in Mention.Flag.choices}


@functools.lru_cache(maxsize=16)
def _row_labels(language: str | None) -> _RowLabels:
    return _RowLabels()  # the active language is ``language``: the key only keeps the languages apart


_AGES: dict[str | None, dict[tuple[object, ...], str]] = {}


class _RowPage:
    """What all rows of one page share, worked out once."""

    def __init__(self, context: Context) -> None:
        self.labels = _row_labels(get_language())
        filters = context.get("filters")
        self.search_words = with_search([], getattr(filters, "query", ""))
        list_query = str(context.get("list_query") or "")
        # The mention id is the only thing that differs between two rows' links.
        sample = 987654321
        start, _sample, end = reverse("inbox:mention-detail", args=[sample]).rpartition(str(sample))
        self.url_start = html_escape(start)
        self.url_end = html_escape(end + (f"?{list_query}" if list_query else ""))
        perms = context.get("perms")
        self.may_triage = bool(perms is not None and perms["monitoring"]["triage_mention"])
        self.use_l10n = context.use_l10n
        # Translations, escaped once; the ones with a placeholder get values that are escaped already.
        self.no_title = gettext("(no title)")
        self.select_label = html_escape(gettext("Select “%(title)s”"))
        self.looks_like = html_escape(gettext("Looks like: %(category)s"))
        self.case_number = html_escape(gettext("Case #%(number)s"))
        self.platform_title = html_escape(gettext("Platform"))
        self.language_title = html_escape(gettext("Language"))
        self.because_of = html_escape(gettext("because of"))
        self.assigned_to = html_escape(gettext("Assigned to"))
        # DATETIME_FORMAT cut into its pieces once, not once a row: literal text and format characters
        # by turns, as Django's own date formatting does it.
        pieces = re_formatchars.split(str(formats.get_format("DATETIME_FORMAT")))
        self._datetime_pieces = [
            (bool(i % 2), piece if i % 2 else re_escaped.sub(r"\1", piece)) for i, piece in enumerate(pieces)
        ]
        self.now = datetime.now(UTC)
        self.timezone = timezone.get_current_timezone()
        # Everything above that a row's HTML depends on (the labels and formats come with the language).
        self.key = (
            *(get_language(), self.url_start, self.url_end, tuple(self.search_words), self.may_triage),
            *(str(self.timezone), self.use_l10n),
        )
        # The phrases for ages, kept across pages: a key holds all an age's phrase depends on, but the
        # language, which picks the dict. Started over when it grows large.
        self._ages = _AGES.setdefault(get_language(), {})
        if len(self._ages) > 20_000:
            self._ages.clear()
        self._past_units = _CachedUnits(NaturalTimeFormatter.past_substrings)
        self._past_day = str(NaturalTimeFormatter.time_strings["past-day"])
        # The organisation's targets, read on the first open complaint of the page.
        user = getattr(context.get("request"), "user", None)
        self._organisation_id = getattr(user, "organisation_id", None)
        self._plan: rules.Plan | None = None
        self._states = {
            State.ON_TRACK: html_escape(gettext("On track")),
            State.AT_RISK: html_escape(gettext("Nearly late")),
            State.BREACHED: html_escape(gettext("Late")),
        }
        self._answer_by = html_escape(gettext("answer by %(due)s"))
        self._found_after = html_escape(gettext("found %(delay)s after publication"))

    def age(self, value: datetime) -> str:
        """``value|naturaltime``, each phrase worked out once."""
        now = self.now
        if value >= now:
            return str(NaturalTimeFormatter.string_for(value))
        delta = now - value
        if delta.days:
            # timesince shows two adjacent units. Under four weeks they are weeks and days or days and
            # hours, which follow from the days and hours alone; from four weeks on, years, months, weeks
            # and days, which follow from the date and whether its time of day is past now's.
            value = value.astimezone(UTC)
            if delta.days < 28:
                key: tuple[object, ...] = (delta.days, delta.seconds // 3600)
            else:
                key = (value.date(), value.time() > now.time(), now.date())
            if key not in self._ages:
                self._ages[key] = self._past_day % {"delta": timesince(value, now, time_strings=self._past_units)}  # type: ignore[arg-type]
            return self._ages[key]
        seconds = delta.seconds
        if seconds == 0:
            return str(NaturalTimeFormatter.time_strings["now"])
        if seconds < 60:
            return self._phrase("past-second", seconds)
        if seconds < 3600:
            return self._phrase("past-minute", seconds // 60)
        return self._phrase("past-hour", seconds // 3600)

    def due(self, row: MentionRow) -> str:
        """For an open complaint: its state, when its first response is due, and how long after publication our
        sources found it (the part of the time the polling cost). "" for any other mention."""
        if self._organisation_id is None or not is_open_complaint(row):
            return ""
        if self._plan is None:
            self._plan = plan_of(self._organisation_id)
        plan, category = self._plan, row.category or row.suggested_category
        due, risk = _DUE_MEMO.get(
            (plan, row.published_at, category, row.flags),
            lambda: rules.first_response_due(plan, row.published_at, category=category, flags=row.flags),
        )
        state = State.BREACHED if self.now >= due else State.AT_RISK if self.now >= risk else State.ON_TRACK
        out = [
            f'<span class="sla-due"><span class="sla sla-{state.value}">{self._states[state]}</span> ',
            self._answer_by % {"due": html_escape(moment_phrase(due, self.now))},
            "</span>",
        ]
        if row.fetched_at is not None and row.fetched_at > row.published_at:
            delay = html_escape(duration_words(row.fetched_at - row.published_at))
            out.append(f' <span class="polling-delay">{self._found_after % {"delay": delay}}</span>')
        return "".join(out)

    def full_datetime(self, local: datetime) -> str:
        """``local|date:"DATETIME_FORMAT"``."""
        formatter = DateFormat(local)
        return "".join(
            str(getattr(formatter, piece)()) if is_format else piece for is_format, piece in self._datetime_pieces
        )

    def _phrase(self, kind: str, count: int) -> str:
        key = (kind, count)
        if key not in self._ages:
            self._ages[key] = str(NaturalTimeFormatter.time_strings[kind] % {"count": count})
        return self._ages[key]


class _CachedUnits(dict[str, "_CachedUnit"]):
    """``timesince``'s unit phrases ("3 days"), each number translated once."""

    def __init__(self, units: dict[str, Any]) -> None:
        super().__init__((name, _CachedUnit(unit)) for name, unit in units.items())


class _CachedUnit:
    def __init__(self, unit: Any) -> None:
        self.unit = unit
        self.done: dict[int, str] = {}

    def __mod__(self, values: dict[str, int]) -> str:
        number = values["num"]
        if number not in self.done:
            self.done[number] = str(self.unit % values)
        return self.done[number]


def _row_page(context: Context) -> _RowPage:
    # The render context's first layer lasts the whole rendering, across {% include %}s (Django's own
    # include tag keeps its template cache there).
    shared = cast(dict[object, _RowPage], context.render_context.dicts[0])
    key = (_RowPage, get_language(), context.get("list_query"), id(context.get("filters")))
    page = shared.get(key)
    if page is None:
        page = shared[key] = _RowPage(context)
    return page


def _truncated(text: str, length: int) -> str:
    """``text|truncatechars:length``, without looking at each character of a text that needs no cutting."""
    if text.isascii():
        if len(text) <= length:
            return text
        return add_truncation_text(text[: calculate_truncate_chars_length(length, None)])
    if len(text) <= length and unicodedata.is_normalized("NFC", text):
        return text
    return Truncator(text).chars(length)
