from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.selectors import organisation_name


def organisation(request: HttpRequest) -> dict[str, object]:
    """The organisation's name for page headers; read only when a template uses it."""
    return {"organisation_name": SimpleLazyObject(lambda: organisation_name(request.user))}  # type: ignore[arg-type]
