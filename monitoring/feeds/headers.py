"""What an answer's headers ask of the next poll: how long the feed stays fresh (Cache-Control max-age)
and how long to wait before asking again (Retry-After)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

_MAX_AGE = re.compile(r"(?:^|[,\s])(?:s-)?max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def max_age(cache_control: str) -> timedelta | None:
    """The freshness a Cache-Control header gives (``no-cache``/``no-store``: none), or None."""
    lowered = cache_control.lower()
    if "no-cache" in lowered or "no-store" in lowered:
        return None
    match = _MAX_AGE.search(cache_control)
    return timedelta(seconds=int(match.group(1))) if match else None


def retry_after(value: str, *, now: datetime | None = None) -> timedelta | None:
    """The wait a Retry-After header asks for: seconds or an HTTP date (RFC 9110 10.2.3), else None."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(timedelta(0), when - (now or datetime.now(UTC)))
