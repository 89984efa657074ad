"""The mentions counted per day (``MentionDay``, kept by PostgreSQL) and a case's links' platform, source and
category: the report reads these instead of the mentions, so they must always say what the mentions say."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from inbox.cases.models import CaseMention
from inbox.privacy.anonymise import mentions_anonymise
from inbox.reports import days, selectors
from inbox.reports.models import DELAY_BUCKETS, MentionDay
from inbox.reports.query import CUSTOM, ReportQuery
from inbox.reports.selectors import _percentile
from inbox.targets import services as target_services
from inbox.triage.services import case_attach, case_open, mention_categorise
from monitoring.models import Mention
from tests.factories import MentionFactory, OrganisationFactory, SourceFactory, UserFactory

# Two weeks in the Amsterdam winter (UTC+1): Monday 3 March 2025 to Sunday 16 March.
WEEKS = ReportQuery(period=CUSTOM, start=date(2025, 3, 3), end=date(2025, 3, 16), zone="Europe/Amsterdam")
NOW = datetime(2025, 3, 20, 12, tzinfo=UTC)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL keeps the days; SQLite counts the mentions"
)


def _live(organisation_id: int, query: ReportQuery) -> dict[tuple[date, int], tuple[int, int, Counter[int]]]:
    """What the days must say, counted from the mentions themselves."""
    found: dict[tuple[date, int], tuple[int, int, Counter[int]]] = {}
    for mention in Mention.objects.filter(organisation_id=organisation_id):
        day = mention.published_at.astimezone(ZoneInfo(query.zone)).date()
        if not query.start <= day <= query.end:
            continue
        key = (day - timedelta(days=day.weekday()), mention.source_id)
        mentions, complaints, delays = found.get(key, (0, 0, Counter()))
        delays[days.delay_step(mention.published_at, mention.fetched_at)] += 1
        found[key] = (mentions + 1, complaints + (mention.effective_category == "complaint"), delays)
    return found


def _kept(organisation_id: int, query: ReportQuery) -> dict[tuple[date, int], tuple[int, int, Counter[int]]]:
    return {
        key: (tally.mentions, tally.complaints, +tally.delays)
        for key, tally in days.tallies(organisation_id, query).items()
        if tally.mentions
    }


@pytest.fixture
def club(db: None) -> dict[str, object]:
    organisation = OrganisationFactory()
    staff = UserFactory(role="staff", organisation=organisation)
    manager = UserFactory(role="manager", organisation=organisation)
    feed, forum = SourceFactory(organisation=organisation), SourceFactory(organisation=organisation)
    mentions = [
        # Sunday 9 March 23:30 UTC is Monday 10 March in Amsterdam: the second week.
        MentionFactory(
            source=feed, published_at=datetime(2025, 3, 9, 23, 30, tzinfo=UTC), suggested_category="complaint"
        ),
        MentionFactory(source=feed, published_at=datetime(2025, 3, 4, 9, tzinfo=UTC), category="praise"),
        MentionFactory(source=forum, published_at=datetime(2025, 3, 12, 9, tzinfo=UTC), suggested_category="question"),
        MentionFactory(source=forum, published_at=datetime(2025, 3, 20, 9, tzinfo=UTC)),  # after the period
    ]
    for n, mention in enumerate(mentions):
        Mention.objects.filter(id=mention.id).update(fetched_at=mention.published_at + timedelta(minutes=7 + 40 * n))
    return {"organisation": organisation, "staff": staff, "manager": manager, "feed": feed, "forum": forum}


@postgresql_only
def test_the_days_count_what_the_mentions_say_through_every_change(club: dict[str, object]) -> None:
    organisation_id = club["organisation"].id  # type: ignore[attr-defined]
    staff, feed = club["staff"], club["feed"]
    assert _kept(organisation_id, WEEKS) == _live(organisation_id, WEEKS)
    monday = date(2025, 3, 10)
    assert days.tallies(organisation_id, WEEKS)[(monday, feed.id)].complaints == 1  # type: ignore[attr-defined]

    # Triage confirms a category; more mentions arrive in one statement (as a poll stores them).
    first = Mention.objects.filter(organisation_id=organisation_id).order_by("published_at").first()
    assert first is not None
    mention_categorise(actor=staff, mention_id=first.id, category="complaint")  # type: ignore[arg-type]
    Mention.objects.bulk_create(
        [
            MentionFactory.build(
                source=feed, published_at=datetime(2025, 3, 5, 8, tzinfo=UTC), suggested_category="complaint"
            ),
            MentionFactory.build(source=feed, published_at=datetime(2025, 3, 5, 9, tzinfo=UTC)),
        ]
    )
    assert _kept(organisation_id, WEEKS) == _live(organisation_id, WEEKS)
    assert days.totals(organisation_id, WEEKS) == (5, 3)

    # Anonymising keeps every figure; a status change moves nothing.
    mentions_anonymise(organisation_id, list(Mention.objects.values_list("id", flat=True)), now=NOW)
    Mention.objects.filter(organisation_id=organisation_id).update(status="triaged")
    assert _kept(organisation_id, WEEKS) == _live(organisation_id, WEEKS)

    # Another time zone: Sunday 23:30 UTC is Sunday there, the first week.
    target_services.targets_set(
        actor=club["manager"],  # type: ignore[arg-type]
        organisation=club["organisation"],  # type: ignore[arg-type]
        time_zone="UTC",
        counts_clock_hours=False,
        first_response_open_minutes=60,
        first_response_closed_minutes=240,
        resolution_days=2,
    )
    in_utc = replace(WEEKS, zone="UTC")
    assert _kept(organisation_id, in_utc) == _live(organisation_id, in_utc)
    assert days.tallies(organisation_id, in_utc)[(date(2025, 3, 3), feed.id)].mentions == 4  # type: ignore[attr-defined]


@postgresql_only
def test_a_deleted_mention_leaves_the_days(club: dict[str, object]) -> None:
    organisation_id = club["organisation"].id  # type: ignore[attr-defined]
    Mention.objects.filter(organisation_id=organisation_id, category="praise").delete()
    assert _kept(organisation_id, WEEKS) == _live(organisation_id, WEEKS)
    assert days.totals(organisation_id, WEEKS) == (2, 1)


@postgresql_only
@pytest.mark.parametrize("minutes", [0, 0.5, 1, 7, 59.9, 60, 61, 119, 1439, 1440, 43199, 43200, 10**6, -5])
def test_a_delay_falls_in_the_same_step_in_python_and_in_postgresql(minutes: float, db: None) -> None:
    published = datetime(2025, 3, 3, tzinfo=UTC)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reports_delay_bucket(%s)", [minutes])
        (step,) = cursor.fetchone()
    assert step == days.delay_step(published, published + timedelta(minutes=minutes))


@given(st.lists(st.sampled_from(DELAY_BUCKETS), min_size=1, max_size=60))
@settings(max_examples=200, deadline=None)
def test_the_median_delay_is_the_median_of_the_steps(steps: list[int]) -> None:
    tally = days.Tally(mentions=len(steps), delays=Counter(steps))
    assert tally.median_delay == timedelta(minutes=_percentile(sorted(steps), 0.5))


def test_no_mentions_have_no_median_delay() -> None:
    assert days.Tally().median_delay is None


def test_a_case_link_keeps_its_mention_s_platform_source_and_category_as_triage_changes_it(
    club: dict[str, object],
) -> None:
    staff, forum, manager = club["staff"], club["forum"], club["manager"]
    mention = Mention.objects.get(source=forum, published_at__lt=datetime(2025, 3, 15, tzinfo=UTC))
    case = case_open(actor=staff, mention_id=mention.id)  # type: ignore[arg-type]
    link = CaseMention.objects.get(case=case)
    assert (link.platform, link.source_id, link.category) == (mention.platform, forum.id, "question")  # type: ignore[attr-defined]
    questions = replace(WEEKS, category="question")
    assert [c.id for c in selectors.cases_in_report(manager, questions)] == [case.id]  # type: ignore[arg-type]

    mention_categorise(actor=staff, mention_id=mention.id, category="complaint")  # type: ignore[arg-type]
    assert CaseMention.objects.get(case=case).category == "complaint"
    assert not selectors.cases_in_report(manager, questions).exists()  # type: ignore[arg-type]
    assert [c.id for c in selectors.cases_in_report(manager, replace(WEEKS, category="complaint"))] == [case.id]  # type: ignore[arg-type]


def test_a_case_with_several_mentions_counts_once_overall_and_once_per_platform_source_and_category(
    club: dict[str, object],
) -> None:
    staff, manager, feed, forum = club["staff"], club["manager"], club["feed"], club["forum"]
    published = datetime(2025, 3, 5, 9, tzinfo=UTC)
    first = MentionFactory(source=feed, platform="x", published_at=published, category="complaint")
    again = MentionFactory(source=feed, platform="x", published_at=published, suggested_category="question")
    elsewhere = MentionFactory(source=forum, platform="forum", published_at=published, category="complaint")
    case = case_open(actor=staff, mention_id=first.id)  # type: ignore[arg-type]
    for mention in (again, elsewhere):
        case_attach(actor=staff, mention_id=mention.id, case_id=case.id)  # type: ignore[arg-type]

    def counted() -> dict[str, dict[object, int]]:
        report = selectors.report(manager, WEEKS, NOW)  # type: ignore[arg-type]
        found = {b.name: {next(iter(r.params.values())): r.summary.count for r in b.rows} for b in report.breakdowns}
        return found | {"all": {"cases": report.current.cases.count}}

    assert counted() == {
        "all": {"cases": 1},
        "assignee": {staff.id: 1},  # type: ignore[attr-defined]
        "complainer": {"none": 1},
        "platform": {"x": 1, "forum": 1},
        "source": {feed.id: 1, forum.id: 1},  # type: ignore[attr-defined]
        "category": {"complaint": 1, "question": 1},
    }
    # Triage makes the second one a complaint too, then the first a question.
    mention_categorise(actor=staff, mention_id=again.id, category="complaint")  # type: ignore[arg-type]
    assert counted()["category"] == {"complaint": 1}
    mention_categorise(actor=staff, mention_id=first.id, category="question")  # type: ignore[arg-type]
    assert counted()["category"] == {"complaint": 1, "question": 1}
    assert sorted(CaseMention.objects.filter(case=case).values_list("category", "first_category")) == [
        ("complaint", False),
        ("complaint", True),
        ("question", True),
    ]


@postgresql_only
def test_the_command_counts_the_days_again_after_time_zone_changed(club: dict[str, object]) -> None:
    organisation_id = club["organisation"].id  # type: ignore[attr-defined]
    before = _kept(organisation_id, WEEKS)
    MentionDay.objects.filter(organisation_id=organisation_id).update(count=0)  # as if counted in another zone
    out = StringIO()
    call_command("report_days", "--organisation", str(organisation_id), stdout=out)
    assert "counted again" in out.getvalue()
    assert _kept(organisation_id, WEEKS) == before == _live(organisation_id, WEEKS)
    with pytest.raises(CommandError, match="No organisation with id 999999"):
        call_command("report_days", "--organisation", "999999")
