"""What every inbox view gets: its request, and the largest id one may name."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class AppRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


MAX_ID = 2**63 - 1  # the largest id a row can have (64-bit primary keys)
