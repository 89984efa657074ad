"""Links people store (where a reply was posted, a public follow-up, an announcement, a post added by hand).

They are opened from our pages by colleagues, so only web addresses are accepted: a ``javascript:`` or
``data:`` link saved as "the link to the post" would run in whoever clicks it. The same rule is applied
twice: ``http_url_check`` before a link is stored (services and forms), and ``is_http_url`` before a
stored link is rendered as one (``{% external_link %}`` in monitoring/templatetags/links.py), for rows
stored before the check or by any other way in.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

URL_MAX_LENGTH = 2000  # the link columns' length
SCHEMES = ("http", "https")

_VALIDATOR = URLValidator(schemes=list(SCHEMES))
NOT_A_WEB_ADDRESS = _("Enter a web address starting with https:// or http://.")


def http_url_check(value: str) -> str:
    """``value`` as a link to store: surrounding white space removed, "" for none.

    Raises ``ValidationError`` (code "invalid") for anything but a complete http(s) address of at most
    ``URL_MAX_LENGTH`` characters; the message names no value, so it can be shown beside the field.
    """
    # Browsers drop leading and trailing white space and control characters of a link before reading its
    # scheme (" javascript:…" still runs); those are removed here, so what is stored is what is checked.
    link = value.strip("".join(chr(code) for code in range(0x21)) + "\x7f")
    if not link:
        return ""
    if len(link) > URL_MAX_LENGTH:
        raise ValidationError(
            _("A link can be at most %(limit)d characters long."), code="max_length", params={"limit": URL_MAX_LENGTH}
        )
    try:
        _VALIDATOR(link)
    except ValidationError:
        raise ValidationError(NOT_A_WEB_ADDRESS, code="invalid") from None
    return link


def http_url_validate(value: str) -> None:
    """``http_url_check`` as a form or model field's validator."""
    http_url_check(value)


def is_http_url(value: str | None) -> bool:
    """Whether a stored ``value`` may be rendered as a link: an http(s) address with a host, nothing else."""
    if not value or any(ord(char) < 0x20 or ord(char) == 0x7F for char in value) or value != value.strip():
        # A browser skips such characters and might read another scheme than we do ("java\tscript:").
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in SCHEMES and bool(parts.netloc)


class HttpURLField(forms.URLField):
    """A form's link field: "x.example/post" is taken as https, anything but a web address is refused at
    the field (with what was typed kept), by the same check as the services'."""

    default_validators = [http_url_validate]
    default_error_messages = {"invalid": NOT_A_WEB_ADDRESS}

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("assume_scheme", "https")
        kwargs.setdefault("max_length", URL_MAX_LENGTH)
        super().__init__(**kwargs)  # type: ignore[arg-type]
