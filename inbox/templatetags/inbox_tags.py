"""Template filters for the inbox."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from django import template
from django.contrib.humanize.templatetags.humanize import NaturalTimeFormatter
from django.http import QueryDict
from django.template.context import Context
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, add_truncation_text, calculate_truncate_chars_length
from django.utils.timesince import timesince
from django.utils.translation import get_language, gettext

from monitoring.feeds.enrich import normalise, phrase_literal, phrase_pattern
from monitoring.feeds.platforms import Platform
from monitoring.feeds.terms import highlight_spans
from monitoring.models import Mention

register = template.Library()


@register.filter
def highlight(text: str, terms: Sequence[str] | None) -> SafeString:
    """Plain ``text``, escaped, with the organisation's matched watch ``terms`` wrapped in <mark>."""
    text = str(text or "")
    if not terms or not _may_occur(text, terms):
        return escape(text)
    pieces: list[str] = []
    position = 0
    for start, end in _ascii_spans(text, terms) if text.isascii() else highlight_spans(text, terms):
        pieces += [escape(text[position:start]), "<mark>", escape(text[start:end]), "</mark>"]
        position = end
    pieces.append(escape(text[position:]))
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
# The list shows 50 rows a page. Everything a row shows is worked out here in one go, and everything the
# rows of a page share (translations, labels, the link's start, the search words) once a page: filters,
# {% url %} and {% blocktranslate %} in the row template cost more than the SQL query of the whole list.


@register.simple_tag(takes_context=True)
def mention_row(context: Context, mention: Mention) -> dict[str, Any]:
    """What ``inbox/_mention_row.html`` shows of ``mention``: plain strings (escaped by the template),
    the title and snippet escaped with the searched and watched words marked, and the row's link.

    Reads ``filters`` (the search words are marked), ``list_query`` (the link keeps the list's
    filters), ``perms`` (the checkbox is for those who may triage) and ``oob`` from the context.
    """
    page = _row_page(context)
    row = page.shared.copy()
    row["id"] = mention_id = str(mention.id)
    row["status"] = mention.status
    row["url"] = page.url_start + mention_id + page.url_end
    row["oob"] = bool(context.get("oob"))
    terms = [*(mention.matched_terms or []), *page.search_words]
    title = str(mention.title or page.no_title)
    row["title"] = highlight(title, terms)
    if mention.snippet:
        row["snippet"] = highlight(_truncated(str(mention.snippet), 220), terms)
    if page.may_triage:
        select = conditional_escape(_truncated(str(mention), 60))
        row["select_label"] = mark_safe(page.select_label % {"title": select})  # noqa: S308 - the title is escaped
    row["platform"] = platform = mention.platform
    row["platform_label"] = page.labels.platforms.get(platform, platform)
    row["source"] = mention.publisher or mention.source.name
    row["author"] = mention.author
    row["language"] = str(mention.language or "").upper()
    published_at = mention.published_at
    local = timezone.localtime(published_at)
    row["published_iso"] = local.isoformat()
    row["published_full"] = dateformat.format(local, page.datetime_format)
    row["age"] = page.age(published_at)
    status_label = page.labels.statuses.get(mention.status, mention.status)
    if mention.ignore_reason:
        reason = page.labels.ignore_reasons.get(mention.ignore_reason, mention.ignore_reason)
        status_label = f"{status_label}: {reason.lower()}"
    row["status_label"] = status_label
    if mention.category:
        row["category"] = mention.category
        row["category_label"] = page.labels.categories.get(mention.category, mention.category)
    elif mention.suggested_category != Mention.Category.OTHER:
        row["category"] = suggested = mention.suggested_category
        label = conditional_escape(page.labels.categories.get(suggested, suggested))
        row["suggestion"] = mark_safe(page.looks_like % {"category": label})  # noqa: S308 - the label is escaped
        reasons = mention.signal_reasons or []
        row["has_reasons"] = bool(reasons)
        row["reasons"] = ", ".join(str(reason) for reason in reasons)
    row["flags"] = [page.labels.flags.get(flag, flag) for flag in mention.flags or []]
    assignee = mention.assignee
    if assignee is not None:
        row["assignee"] = str(assignee)
        row["assignee_initial"] = str(assignee.username)[:1].upper()
    case_link = getattr(mention, "case_link", None)
    if case_link is not None:
        number = conditional_escape(formats.localize(case_link.case_id, use_l10n=context.use_l10n))
        row["case"] = mark_safe(page.case_number % {"number": number})  # noqa: S308 - the number is escaped
    return row


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
        self.url_start = start
        self.url_end = end + (f"?{list_query}" if list_query else "")
        perms = context.get("perms")
        self.may_triage = bool(perms is not None and perms["monitoring"]["triage_mention"])
        self.no_title = gettext("(no title)")
        self.select_label = gettext("Select “%(title)s”")
        self.looks_like = gettext("Looks like: %(category)s")
        self.case_number = gettext("Case #%(number)s")
        self.datetime_format = formats.get_format("DATETIME_FORMAT")
        self.shared: dict[str, Any] = {
            "platform_title": gettext("Platform"),
            "language_title": gettext("Language"),
            "because_of": gettext("because of"),
            "assigned_to": gettext("Assigned to"),
            # What a row may leave out: a key the template finds costs less than one it misses.
            "select_label": "",
            "snippet": "",
            "category_label": "",
            "suggestion": "",
            "has_reasons": False,
            "reasons": "",
            "assignee": "",
            "case": "",
        }
        self.now = datetime.now(UTC)
        self._ages: dict[tuple[str, int], str] = {}
        self._past_units = _CachedUnits(NaturalTimeFormatter.past_substrings)
        self._past_day = str(NaturalTimeFormatter.time_strings["past-day"])

    def age(self, value: datetime) -> str:
        """``value|naturaltime``, with each phrase translated once a page."""
        now = self.now
        if value >= now:
            return str(NaturalTimeFormatter.string_for(value))
        delta = now - value
        if delta.days:
            return self._past_day % {"delta": timesince(value, now, time_strings=self._past_units)}  # type: ignore[arg-type]
        seconds = delta.seconds
        if seconds == 0:
            return str(NaturalTimeFormatter.time_strings["now"])
        if seconds < 60:
            return self._phrase("past-second", seconds)
        if seconds < 3600:
            return self._phrase("past-minute", seconds // 60)
        return self._phrase("past-hour", seconds // 3600)

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
