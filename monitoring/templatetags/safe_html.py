"""The one way feed HTML reaches a page."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from monitoring.feeds.clean import html_clean

register = template.Library()


@register.filter(name="feed_html")
def feed_html(value: str) -> SafeString:
    """Render stored feed HTML. It was cleaned at ingest; cleaning again guards rows from older rules."""
    return mark_safe(html_clean(value or ""))  # noqa: S308 - cleaned by nh3 on the line above
