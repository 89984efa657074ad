from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.selectors import organisation_current


def organisation(request: HttpRequest) -> dict[str, object]:
    """The organisation for page headers; queried only when a template uses it."""
    return {"organisation": SimpleLazyObject(organisation_current)}
