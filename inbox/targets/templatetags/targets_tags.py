"""How targets and due times read on the pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone

from inbox.targets.display import choice_label as _choice_label
from inbox.targets.display import duration_phrase, moment_phrase

register = template.Library()


@register.filter
def hours(minutes: int | None) -> str:
    """Minutes as a target reads: "1 hour", "1:30 hours", "45 minutes"."""
    return duration_phrase(timedelta(minutes=minutes)) if minutes is not None else ""


@register.filter
def moment(value: datetime | None) -> str:
    """A due time, in the current time zone: "Sat 08:55" within the week around now, else "Sat 8 Mar 08:55"."""
    return moment_phrase(value, timezone.now()) if value is not None else ""


@register.filter
def choice_label(value: str, kind: str) -> str:
    """The label of an override's category, priority or flag."""
    return _choice_label(kind, value)


@register.filter
def next_target(case: Any, now: datetime) -> Any:
    """The target of a case that runs at ``now`` (its ``next_target``): the first response, then the resolution."""
    return case.next_target(now)
