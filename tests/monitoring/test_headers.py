"""Reading what an answer's headers ask of the next poll: Retry-After and Cache-Control max-age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitoring.feeds.headers import max_age, retry_after


@pytest.mark.parametrize(("value", "seconds"), [("120", 120), (" 30 ", 30), ("", None), ("soon", None)])
def test_retry_after_in_seconds_is_that_wait(value, seconds):
    assert retry_after(value) == (None if seconds is None else timedelta(seconds=seconds))


def test_retry_after_as_a_date_is_the_time_until_then():
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    assert retry_after("Sun, 22 Nov 2026 12:05:00 GMT", now=now) == timedelta(minutes=5)
    assert retry_after("Sun, 22 Nov 2026 11:00:00 GMT", now=now) == timedelta(0)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("max-age=3600", 3600), ("public, s-maxage=60, max-age=600", 600), ("no-cache, max-age=600", None), ("", None)],
)
def test_cache_control_max_age_is_read(header, seconds):
    assert max_age(header) == (None if seconds is None else timedelta(seconds=seconds))
