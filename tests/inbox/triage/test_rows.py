"""The list rows written by the ``mention_rows`` tag: their ages read exactly as Django's naturaltime."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.html import escape

from inbox.triage.selectors import MentionRow

ROWS = Template("{% load inbox_tags %}{% mention_rows rows %}")
# Away from the edges of their units, so that the moments between writing and checking change nothing.
AGES = [
    timedelta(minutes=5, seconds=20),
    timedelta(hours=3, minutes=30),
    timedelta(days=1, hours=2, minutes=30),
    timedelta(days=9, hours=5, minutes=30),
    timedelta(days=27, hours=23, minutes=30),
    timedelta(days=40, hours=2, minutes=30),
    timedelta(days=40, hours=-2, minutes=-30),
    timedelta(days=75, hours=12, minutes=30),
    timedelta(days=400, hours=3, minutes=30),
    timedelta(days=800, hours=-3, minutes=-30),
]


def row(number: int, published_at) -> MentionRow:
    return MentionRow(
        *(number, f"Bericht {number}", "", f"https://forum.example/{number}", "", "", "nl", "forum"),
        *(published_at, "new", "", "other", "", (), (), (), "Forum"),
        assignee_username=None,
        assignee_name="",
        case_id=None,
    )


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_age_reads_as_naturaltime_the_first_time_and_after(language):
    now = timezone.now()
    rows = [row(number, now - age) for number, age in enumerate(AGES, start=1)]
    with translation.override(language):
        for _time in range(2):  # the second time from what was kept
            html = ROWS.render(Context({"rows": rows}))
            expected = [escape(naturaltime(r.published_at)) for r in rows]
            assert re.findall(r"<time [^>]*>([^<]*)</time>", html) == expected


def test_rows_whose_ages_differ_never_share_a_kept_phrase():
    # Every 97 minutes from 1 to 80 days back: across hours, days, weeks, months, and times of day before and
    # after now.
    now = timezone.now()
    rows = [row(number, now - timedelta(days=1, minutes=number * 97 + 17, seconds=30)) for number in range(1, 1180)]
    with translation.override("en"):
        html = ROWS.render(Context({"rows": rows}))
        expected = [escape(naturaltime(r.published_at)) for r in rows]
    assert re.findall(r"<time [^>]*>([^<]*)</time>", html) == expected
