"""The report page and its figures, checked exactly against a world of cases with known times."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from inbox.cases.due import case_durations_set
from inbox.reports import selectors
from inbox.reports.query import ReportQuery, replace
from tests.factories import CaseFactory
from tests.inbox.reports.conftest import NOW, WEEK, WEEK_PARAMS, H, ReportWorld

pytestmark = pytest.mark.django_db


def _figure(html: str, name: str) -> str:
    """The data-value of the first element of figure ``name`` on the page."""
    marker = f'data-figure="{name}" data-value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_it_counts_every_headline_figure(report_world: ReportWorld) -> None:
    now = selectors.headline(report_world.manager, WEEK, NOW)
    cases = now.cases
    assert (now.mentions, now.complaints, cases.count) == (7, 5, 6)
    # First responses of 1, 2, 3, 10 h and half an hour (the reopened case keeps its first one).
    assert cases["first_response_timed"] == 5
    assert cases.first_response.median == 2 * H
    assert cases.first_response.p90 == timedelta(hours=7, minutes=12)
    assert (cases["first_response_met"], cases["first_response_breached"]) == (3, 2)
    assert cases.first_response_within == 60
    # Resolutions of 10, 20 and 30 h; one in time, one late, one open past its due time.
    assert cases.resolution.median == 20 * H
    assert cases.resolution.p90 == 28 * H
    assert (cases["resolution_met"], cases["resolution_breached"]) == (1, 2)
    assert round(cases.resolution_within or 0) == 33
    assert (cases["satisfied"], cases["satisfaction_asked"], cases.satisfied_share) == (1, 2, 50)
    assert (cases["followed_up"], cases["closed"], cases.followed_up_share) == (1, 2, 50)
    assert now.removals == [("pending", 0), ("removed", 1), ("refused", 1)]
    assert cases["removal_requested"] == 2
    assert cases["improvement_done"] == 1
    # Open at the end of the period: four of its own and two said before it (one closed only later).
    assert now.backlog == 6
    assert now.oldest_age == timedelta(days=36, hours=13)
    assert [count for _name, count in selectors.report(report_world.manager, WEEK, NOW).distribution] == [1, 3, 0, 1, 0]


def test_a_reopened_case_counts_its_first_response(report_world: ReportWorld) -> None:
    reopened = report_world.cases["e"]
    rows = selectors.figure_rows(report_world.manager, WEEK, "first_response_0_1h", NOW)
    assert rows is not None
    assert list(rows.values_list("id", flat=True)) == [reopened.id]
    met = selectors.figure_rows(report_world.manager, WEEK, "first_response_met", NOW)
    assert met is not None
    assert met.filter(id=reopened.id).exists()


def test_the_previous_period_is_compared(report_world: ReportWorld) -> None:
    before = selectors.headline(report_world.manager, WEEK.previous(), NOW)
    assert (before.mentions, before.cases.count, before.backlog) == (0, 0, 2)
    assert before.cases.first_response.median is None
    assert before.cases.first_response_within is None


def test_an_empty_period_shows_dashes(report_world: ReportWorld, client_for) -> None:
    empty = selectors.headline(
        report_world.manager, replace(WEEK, start=WEEK.start.replace(year=2024), end=WEEK.end.replace(year=2024)), NOW
    )
    assert (empty.mentions, empty.cases.count) == (0, 0)
    assert empty.cases.first_response.median is None
    assert empty.cases.satisfied_share is None
    response = client_for(report_world.manager).get(
        reverse("inbox:reports"), {"period": "custom", "from": "2024-03-04", "to": "2024-03-10"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("first_response_timed", "first_response_met", "resolution_met", "satisfied", "followed_up"):
        assert _figure(html, name) == "—"


def test_it_never_counts_an_outsiders_cases(report_world: ReportWorld) -> None:
    from accounts.models import User

    outsider = User.objects.get(username="outsider-olga")
    theirs = selectors.headline(outsider, WEEK, NOW)
    assert (theirs.cases.count, theirs.mentions) == (1, 1)
    assert theirs.cases.first_response.median == 9 * H
    ours = selectors.report(report_world.manager, WEEK, NOW)
    assert all("OUTSIDER" not in row.label for breakdown in ours.breakdowns for row in breakdown.rows)


def test_filters_narrow_the_figures(report_world: ReportWorld) -> None:
    ann = selectors.headline(report_world.manager, replace(WEEK, assignee=report_world.ann.id), NOW)
    assert (ann.cases.count, ann.mentions, ann.cases.first_response.median) == (2, 2, 1.5 * H)
    forum = selectors.headline(report_world.manager, replace(WEEK, source=report_world.forum.id), NOW)
    assert (forum.cases.count, forum.mentions, forum.complaints) == (2, 2, 1)
    tagged = selectors.headline(report_world.manager, replace(WEEK, tag="zwemles"), NOW)
    assert tagged.cases.count == 1
    nobody = selectors.headline(report_world.manager, replace(WEEK, assignee=0), NOW)
    assert (nobody.cases.count, nobody.cases["first_response_breached"]) == (1, 1)
    complaints = selectors.headline(report_world.manager, replace(WEEK, category="complaint"), NOW)
    assert (complaints.cases.count, complaints.mentions) == (4, 5)


def test_the_breakdowns_split_the_cases(report_world: ReportWorld) -> None:
    report = selectors.report(report_world.manager, WEEK, NOW)
    shown = {
        breakdown.name: {row.label: (row.summary.count, row.summary.first_response_within) for row in breakdown.rows}
        for breakdown in report.breakdowns
    }
    assert shown["assignee"]["Ann"] == (2, 50)
    # And how the resolutions went: Ann's first in time, the second late.
    assert {row.label: row.summary.resolution_within for row in report.breakdowns[0].rows}["Ann"] == 50
    assert shown["assignee"]["Bob"] == (3, 100)
    assert [row.params for row in report.breakdowns[0].rows if row.summary.count == 1] == [{"assignee": 0}]
    assert {label: count for label, (count, _within) in shown["source"].items()} == {"Feed": 4, "Forum": 2}
    assert sorted(count for count, _within in shown["platform"].values()) == [1, 2, 3]
    assert sorted(count for count, _within in shown["category"].values()) == [1, 1, 4]
    assert sorted(count for count, _within in shown["complainer"].values()) == [1, 2, 3]


def test_a_case_counts_in_the_week_of_its_local_day_across_the_change_to_winter_time(
    report_world: ReportWorld,
) -> None:
    """Weeks are the organisation's: a case said on Monday 00:30 in Amsterdam (Sunday in UTC) is in the new
    week, one said on Sunday 23:30 in the old one, on both sides of the change to winter time (26 October)."""
    amsterdam = ZoneInfo("Europe/Amsterdam")
    said = [
        datetime(2025, 10, 19, 23, 30, tzinfo=amsterdam),  # Sunday, summer time: week of 13 October
        datetime(2025, 10, 20, 0, 30, tzinfo=amsterdam),  # Monday: week of 20 October
        datetime(2025, 10, 26, 23, 30, tzinfo=amsterdam),  # Sunday, winter time since 03:00
        datetime(2025, 10, 27, 0, 30, tzinfo=amsterdam),  # Monday: week of 27 October
        datetime(2025, 10, 27, 0, 30, tzinfo=amsterdam),
    ]
    for moment in said:
        CaseFactory(organisation=report_world.manager.organisation, created_by=report_world.staff, reported_at=moment)
    query = ReportQuery(period="custom", start=date(2025, 10, 15), end=date(2025, 10, 31), zone="Europe/Amsterdam")
    report = selectors.report(report_world.manager, query, NOW)
    counted = [(week.start, week.cases.count) for week in report.weeks]
    assert counted == [(date(2025, 10, 15), 1), (date(2025, 10, 20), 2), (date(2025, 10, 27), 2)]


def test_the_weeks_add_up(report_world: ReportWorld) -> None:
    report = selectors.report(report_world.manager, WEEK, NOW)
    assert [(week.start, week.end) for week in report.weeks] == [(WEEK.start, WEEK.end)]
    assert (report.weeks[0].mentions, report.weeks[0].complaints, report.weeks[0].cases.count) == (7, 5, 6)
    delays = {row.name: row.medians for row in report.delays}
    assert delays == {"Feed": [timedelta(minutes=30)], "Forum": [timedelta(minutes=30)]}


def test_the_page_shows_the_figures(report_world: ReportWorld, client_for) -> None:
    response = client_for(report_world.board).get(reverse("inbox:reports"), WEEK_PARAMS)
    assert response.status_code == 200
    html = response.content.decode()
    assert _figure(html, "mentions") == "7"
    assert _figure(html, "cases") == "6"
    assert _figure(html, "first_response_met") == "60%"
    assert _figure(html, "backlog") == "6"
    assert html.count("<svg") >= 4
    assert "<script" not in html.split("<main", 1)[1].split("</main>")[0]
    assert 'href="/inbox/reports/"' in html  # the navigation


def test_it_shows_what_it_did_not_understand(report_world: ReportWorld, client_for) -> None:
    response = client_for(report_world.manager).get(reverse("inbox:reports"), {"period": "decade", "source": "x"})
    assert response.status_code == 200
    assert response.content.decode().count("notice-warning") == 2


@pytest.mark.parametrize("role", ["staff", "no_role"])
def test_it_is_not_for_staff(report_world: ReportWorld, client_for, role: str) -> None:
    from tests.factories import UserFactory

    person = report_world.staff if role == "staff" else UserFactory(organisation=report_world.staff.organisation)
    assert client_for(person).get(reverse("inbox:reports")).status_code == 403
    assert selectors.headline(person, WEEK, NOW).cases.count == 0


def test_it_asks_a_visitor_to_sign_in(client_for, db: None) -> None:
    response = client_for(None).get(reverse("inbox:reports"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_short_address_leads_to_the_report_with_its_selection(report_world: ReportWorld, client_for) -> None:
    response = client_for(report_world.manager).get("/reports", {"period": "month"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("inbox:reports") + "?period=month"
    assert 'value="month" checked' in response.content.decode()


def test_it_refuses_a_post(report_world: ReportWorld, client_for) -> None:
    assert client_for(report_world.manager).post(reverse("inbox:reports")).status_code == 405


def test_it_runs_a_bounded_number_of_queries(
    report_world: ReportWorld, client_for, django_assert_max_num_queries
) -> None:
    client = client_for(report_world.manager)
    client.get(reverse("inbox:reports"), WEEK_PARAMS)  # the plan and the session, kept
    with django_assert_max_num_queries(30):
        client.get(reverse("inbox:reports"), WEEK_PARAMS)


def test_percentiles_on_sqlite_match_postgresql() -> None:
    values = [timedelta(hours=h) for h in (0.5, 1, 2, 3, 10)]
    assert selectors._percentile(values, 0.5) == 2 * H
    assert selectors._percentile(values, 0.9) == timedelta(hours=7, minutes=12)
    assert selectors._percentile([], 0.5) is None


def test_response_times_count_opening_hours_across_a_weekend_and_a_holiday(manager):
    """Open Monday to Friday 09:00 to 17:00 and closed on public holidays (the default): a complaint of Friday
    16:00 answered on Monday 10:00 took 2 hours, one of Christmas Eve 16:30 answered on Monday 28 December 09:30
    (Christmas on Friday, Boxing Day on Saturday) took 1 hour. The report reads what the case stores."""
    amsterdam = ZoneInfo("Europe/Amsterdam")
    for said, answered in (
        (datetime(2026, 12, 4, 16, 0, tzinfo=amsterdam), datetime(2026, 12, 7, 10, 0, tzinfo=amsterdam)),
        (datetime(2026, 12, 24, 16, 30, tzinfo=amsterdam), datetime(2026, 12, 28, 9, 30, tzinfo=amsterdam)),
    ):
        case = CaseFactory(organisation=manager.organisation, created_by=manager, reported_at=said)
        case.first_response_at = answered
        case_durations_set(case)
        case.save()
    december = ReportQuery(period="custom", start=date(2026, 12, 1), end=date(2026, 12, 31), zone="Europe/Amsterdam")

    figures = selectors.headline(manager, december, datetime(2027, 1, 4, tzinfo=amsterdam)).cases

    assert figures["first_response_timed"] == 2
    assert figures.first_response.median == timedelta(hours=1, minutes=30)
    assert figures.first_response.p90 == timedelta(hours=1, minutes=54)  # 1 h + 0.9 * (2 h - 1 h)
