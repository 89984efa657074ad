"""Template filters for the inbox."""

from __future__ import annotations

from collections.abc import Sequence

from datetime import timedelta

from django import template
from django.http import QueryDict
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from monitoring.feeds.terms import highlight_spans

register = template.Library()


@register.filter
def highlight(text: str, terms: Sequence[str] | None) -> SafeString:
    """Plain ``text``, escaped, with the organisation's matched watch ``terms`` wrapped in <mark>."""
    text = str(text or "")
    pieces: list[str] = []
    position = 0
    for start, end in highlight_spans(text, terms) if terms else []:
        pieces += [escape(text[position:start]), "<mark>", escape(text[start:end]), "</mark>"]
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text above is escaped


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


@register.simple_tag
def filter_without(list_query: str, *names: str) -> str:
    """``list_query`` without the named filters (all of them when none is named)."""
    query = QueryDict(list_query, mutable=True)
    for name in names or list(query):
        query.pop(name, None)
    return query.urlencode()


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
