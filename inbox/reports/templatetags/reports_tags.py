"""How the report's numbers read, and the links from each number to the list behind it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from inbox.reports.query import ReportQuery
from inbox.reports.selectors import FIGURES, MENTIONS

register = template.Library()


@register.simple_tag
def drill(query: ReportQuery, figure: str, changes: dict[str, Any] | None = None) -> str:
    """The address of the list behind ``figure`` in the report ``query`` (narrowed by ``changes``: a breakdown's
    row or a week)."""
    name = "inbox:report-mentions" if FIGURES[figure].of == MENTIONS else "inbox:report-cases"
    params = query.params(**(changes or {})) | {"figure": figure}
    return f"{reverse(name)}?{urlencode(params)}"


@register.simple_tag
def report_url(query: ReportQuery, changes: dict[str, Any] | None = None) -> str:
    """The address of the report ``query`` (with ``changes``)."""
    return f"{reverse('inbox:reports')}?{urlencode(query.params(**(changes or {})))}"


@register.simple_tag
def export_url(query: ReportQuery, kind: str, fmt: str) -> str:
    """The address of the report ``query``'s cases or mentions (``kind``) as a CSV or XLSX file (``fmt``)."""
    return f"{reverse('inbox:report-export', args=[kind, fmt])}?{urlencode(query.params())}"


@register.filter
def span(value: timedelta | None) -> str:
    """A duration as the report reads it: "45 min", "3 h 20 min", "2 d 4 h"; "—" for none."""
    if value is None:
        return "—"
    minutes = max(round(value / timedelta(minutes=1)), 0)
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    days, hours = divmod(hours, 24)
    return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}


@register.filter
def percent(value: float | None) -> str:
    """A share as a whole percentage; "—" when there was nothing to share (no division by zero)."""
    return "—" if value is None else f"{round(value)}%"


def _number(value: Any) -> float | None:
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value) if value is not None else None


@register.simple_tag
def change(current: Any, previous: Any, points: bool = False) -> SafeString:
    """How a figure moved since the previous period, readable without colour: "▲ 12% vs. previous period";
    ``points``: for a percentage, the difference in percentage points. Empty when there is nothing to compare
    with."""
    now, before = _number(current), _number(previous)
    if now is None or before is None or (not points and before == 0):
        return format_html('<span class="report-change muted small">{}</span>', _("no comparison"))
    difference = now - before if points else 100 * (now - before) / before
    rounded = round(difference)
    if rounded == 0:
        arrow, word = "=", _("same as")
    elif rounded > 0:
        arrow, word = "▲", _("up")
    else:
        arrow, word = "▼", _("down")
    amount = _("%(points)d pt") % {"points": abs(rounded)} if points else f"{abs(rounded)}%"
    return format_html(
        '<span class="report-change muted small" data-change="{}"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span> {} {}</span>',
        rounded,
        arrow,
        word,
        "" if rounded == 0 else amount,
        _("vs. previous period"),
    )
