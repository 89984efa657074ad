"""The one way a stored link reaches a page: ``{% external_link url text %}``."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from webcare.links import is_http_url

register = template.Library()


@register.simple_tag
def external_link(url: str | None, text: str, css_class: str = "") -> SafeString:
    """``text`` and an arrow linking to ``url`` in a new tab, without telling the other site where it came from.

    A stored value that is not an http(s) address (a ``javascript:`` link saved before it was checked, or
    written some other way) is never a link: it is shown as plain text for somebody to look at and fix.
    An empty ``url`` renders nothing.
    """
    if not url:
        return format_html("{}", "")
    if not is_http_url(url):
        return format_html('<span class="unsafe-link">{}</span>', Truncator(url).chars(80))
    class_attribute = format_html(' class="{}"', css_class) if css_class else ""
    return format_html(
        '<a{} href="{}" target="_blank" rel="noopener noreferrer nofollow">{} ↗</a>', class_attribute, url, text
    )
