"""Template filters for the inbox."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
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
