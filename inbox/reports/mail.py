"""The monthly summary: on the first of each month, last month's headline figures by e-mail to the managers and
the board of each organisation (who did not turn it off), with a link to that month's report. Once per person and
month, whatever retries or second runs happen (``MonthlySummary``).

The figures are the report page's own (``inbox.reports.selectors``) over the report's cases and mentions
(``query``), so the e-mail, the page and the exports agree: the median first response is the median of the
exported minutes, and a first response still to come that is past its due time counts as missed in all three.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Organisation, User
from inbox.cases.models import Case
from inbox.notifications.mail import absolute, error_code, message_build, messages_send
from inbox.reports import days
from inbox.reports.export import minutes
from inbox.reports.models import MonthlySummary
from inbox.reports.query import CUSTOM, ReportQuery, cases_of_organisation, lines_of_organisation
from inbox.reports.selectors import case_summaries
from inbox.targets.selectors import plan_of
from monitoring.models import Mention

# A summary the mail server refused is tried again by its task; after this many tries it is given up.
SUMMARY_TRIES = 6
# Where the report page lives, for a branch where its URL is not there yet.
REPORT_PATH = "/inbox/reports/"
COMPLAINT = Mention.Category.COMPLAINT


@dataclass(frozen=True)
class Headline:
    """A report's headline figures. None: nothing to count it over (no case answered, none at all)."""

    mentions: int
    complaints: int  # mentions that are complaints (confirmed, else suggested)
    cases: int
    responded: int  # cases with a first response
    median_first_response: float | None  # minutes, counted as the targets count (``first_response_took``)
    within_target: float | None  # % of the decided first-response targets that were met (the page's "within target")
    resolved: float | None  # % of the cases resolved or closed

    @property
    def has_cases(self) -> bool:
        return self.cases > 0


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def headline_of(organisation_id: int, query: ReportQuery, now: datetime | None = None) -> Headline:
    """The headline figures of ``query`` for the organisation, judged at ``now``, as the report page counts them
    (``inbox.reports.selectors``): one definition for the page, the exports and this e-mail. Runs three queries."""
    now = now or timezone.now()
    mentions, complaints = days.totals(organisation_id, query)
    cases = cases_of_organisation(organisation_id, query)
    summary = case_summaries(lines_of_organisation(organisation_id, query), now)[()]
    resolved = cases.filter(status__in=(Case.Status.RESOLVED, Case.Status.CLOSED)).count()
    median = summary.first_response.median
    return Headline(
        mentions=mentions,
        complaints=complaints,
        cases=summary.count,
        responded=summary["first_response_timed"],
        median_first_response=minutes(median) if median is not None else None,
        within_target=round(summary.first_response_within, 1) if summary.first_response_within is not None else None,
        resolved=_percent(resolved, summary.count),
    )


def month_before(today: date) -> tuple[date, date]:
    """The first and the last day of the month before ``today``'s."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def report_url(query: ReportQuery) -> str:
    """The report page of ``query``, as a mailbox needs it."""
    try:
        path = reverse("inbox:reports")
    except NoReverseMatch:
        path = REPORT_PATH
    return absolute(path) + "?" + urlencode(query.params())


def readers_of(organisation_id: int) -> list[int]:
    """Who gets the organisation's summary: active people who read its reports (managers and the board), with
    an address, who turned neither all e-mail nor the summary off. Runs one query."""
    readers = (
        User.objects.filter(
            organisation_id=organisation_id,
            is_active=True,
            groups__permissions__codename="view_reports",
            groups__permissions__content_type__app_label="accounts",
        )
        .exclude(email="")
        .exclude(mail_preference__is_mail_off=True)
        .exclude(mail_preference__is_monthly_summary_off=True)
        .order_by("id")
        .values_list("id", flat=True)
        .distinct()
    )
    return list(readers)


def monthly_summaries_send(*, now: datetime | None = None) -> list[int]:
    """Send every organisation's readers the summary of last month (in the organisation's days) that they have
    not had. Returns whose summary the mail server refused (a run again tries them, up to ``SUMMARY_TRIES``)."""
    now = now or timezone.now()
    failed: list[int] = []
    for organisation_id in Organisation.objects.order_by("id").values_list("id", flat=True):
        zone = plan_of(organisation_id).schedule.zone
        start, end = month_before(now.astimezone(ZoneInfo(zone)).date())
        query = ReportQuery(period=CUSTOM, start=start, end=end, zone=zone)
        failed += _send(organisation_id, query, readers_of(organisation_id), now=now)
    return failed


def _send(organisation_id: int, query: ReportQuery, user_ids: Sequence[int], *, now: datetime) -> list[int]:
    readers = _claim(user_ids, query.start)
    if not readers:
        return []
    figures = headline_of(organisation_id, query, now)
    context = {"month": query.start, "figures": figures, "report_url": report_url(query)}
    messages = [
        message_build(user=user, template="monthly", folder="reports/mail", context=context) for user in readers
    ]
    failures = messages_send(messages)
    sent = [user.id for user, failure in zip(readers, failures, strict=True) if failure is None]
    MonthlySummary.objects.filter(recipient_id__in=sent, month=query.start).update(
        state=MonthlySummary.State.SENT, claim=None, sent_at=now, attempts=F("attempts") + 1, error=""
    )
    for user, failure in zip(readers, failures, strict=True):
        if failure is not None:
            MonthlySummary.objects.filter(recipient_id=user.id, month=query.start).update(
                state=MonthlySummary.State.FAILED, claim=None, attempts=F("attempts") + 1, error=error_code(failure)
            )
    return [user.id for user, failure in zip(readers, failures, strict=True) if failure is not None]


def _claim(user_ids: Sequence[int], month: date) -> list[User]:
    """Take the summary of ``month`` of those of ``user_ids`` whose summary nobody sent or is sending (one that
    failed is taken again, up to ``SUMMARY_TRIES``). Two runs at once take each person once."""
    claim = uuid.uuid4()
    MonthlySummary.objects.bulk_create(
        [MonthlySummary(recipient_id=user_id, month=month, claim=claim) for user_id in user_ids],
        ignore_conflicts=True,
    )
    MonthlySummary.objects.filter(
        recipient_id__in=user_ids, month=month, state=MonthlySummary.State.FAILED, attempts__lt=SUMMARY_TRIES
    ).update(state=MonthlySummary.State.CLAIMED, claim=claim)
    claimed = MonthlySummary.objects.filter(month=month, claim=claim, state=MonthlySummary.State.CLAIMED)
    return list(User.objects.filter(id__in=claimed.values("recipient_id")).order_by("id"))
