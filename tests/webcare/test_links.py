"""Stored links: only web addresses are stored, and only web addresses are ever rendered as links."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from webcare.links import http_url_check, is_http_url

HOSTILE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\n\t javascript:alert(1)",
    "\x00javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://files.example/x",
    "//evil.example/x",
    "https://",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_the_check_refuses_anything_but_a_web_address(value):
    with pytest.raises(ValidationError) as refused:
        http_url_check(value)
    assert refused.value.code == "invalid"


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("https://x.example/status/1", "https://x.example/status/1"),
        ("  http://club.example/nieuws\n", "http://club.example/nieuws"),
        ("HTTPS://X.EXAMPLE/a?b=c#d", "HTTPS://X.EXAMPLE/a?b=c#d"),
        ("", ""),
        (" \t", ""),
    ],
)
def test_the_check_keeps_web_addresses_without_surrounding_space(value, stored):
    assert http_url_check(value) == stored


def test_the_check_refuses_a_link_longer_than_its_column():
    with pytest.raises(ValidationError):
        http_url_check("https://x.example/" + "a" * 2000)


@pytest.mark.parametrize("value", HOSTILE)
def test_a_stored_value_that_is_no_web_address_is_no_link(value):
    assert not is_http_url(value)


def render(url: str) -> str:
    return Template('{% load links %}{% external_link url "see it" "small" %}').render(Context({"url": url}))


def test_a_web_address_is_a_link_that_opens_apart():
    assert render("https://x.example/?a=1&b=2") == (
        '<a class="small" href="https://x.example/?a=1&amp;b=2" target="_blank" '
        'rel="noopener noreferrer nofollow">see it ↗</a>'
    )


@pytest.mark.parametrize("value", HOSTILE)
def test_anything_else_is_shown_as_plain_text(value):
    html = render(value)
    assert "<a" not in html
    assert "href" not in html
    assert "<script>" not in html


def test_nothing_stored_shows_nothing():
    assert render("") == ""
