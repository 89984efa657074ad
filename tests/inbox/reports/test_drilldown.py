"""Behind every number, its list: the list's count equals the figure, for every figure and breakdown cell."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from inbox.reports import selectors
from inbox.reports.query import ReportQuery, query_from
from inbox.reports.templatetags.reports_tags import drill
from tests.inbox.reports.conftest import NOW, WEEK, WEEK_PARAMS, ReportWorld

pytestmark = pytest.mark.django_db


def _figures(report: selectors.Report) -> dict[str, int]:
    current = report.current
    counts = {name: current.cases[name] for name, figure in selectors.FIGURES.items() if figure.of == selectors.CASES}
    return counts | {"backlog": current.backlog, "mentions": current.mentions, "complaints": current.complaints}


def _listed(world: ReportWorld, query: ReportQuery, figure: str) -> int:
    rows = selectors.figure_rows(world.manager, query, figure, NOW)
    assert rows is not None
    return rows.count()


def test_every_figure_equals_its_list(report_world: ReportWorld) -> None:
    report = selectors.report(report_world.manager, WEEK, NOW)
    figures = _figures(report)
    assert set(figures) == set(selectors.FIGURES)
    assert {name: _listed(report_world, WEEK, name) for name in figures} == figures


def test_every_breakdown_cell_equals_its_list(report_world: ReportWorld) -> None:
    report = selectors.report(report_world.manager, WEEK, NOW)
    rows = 0
    for breakdown in report.breakdowns:
        for row in breakdown.rows:
            narrowed = query_from(WEEK.params(**row.params), today=WEEK.end, zone=WEEK.zone)[0]
            # Every figure the row counts: the cases and how they did against the targets.
            assert set(row.summary.counts) == {"cases", *selectors.ROW_FIGURES}
            for figure in row.summary.counts:
                assert _listed(report_world, narrowed, figure) == row.summary[figure], (breakdown.name, row, figure)
            rows += 1
    assert rows >= 10


def test_every_week_equals_its_list(report_world: ReportWorld) -> None:
    report = selectors.report(report_world.manager, WEEK, NOW)
    for week in report.weeks:
        narrowed = query_from(WEEK.params(**week.params(WEEK)), today=WEEK.end, zone=WEEK.zone)[0]
        assert _listed(report_world, narrowed, "mentions") == week.mentions
        assert _listed(report_world, narrowed, "complaints") == week.complaints
        assert _listed(report_world, narrowed, "first_response_met") == week.cases["first_response_met"]


def _total(client: Any, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    marker = 'data-total="'
    start = html.index(marker) + len(marker)
    return int(html[start : html.index('"', start)])


def test_the_pages_links_open_lists_of_as_many(report_world: ReportWorld, client_for) -> None:
    client = client_for(report_world.manager)
    query = query_from(WEEK_PARAMS, today=WEEK.end, zone=WEEK.zone)[0]
    report = selectors.report(report_world.manager, query, NOW)
    for name, count in _figures(report).items():
        assert _total(client, drill(query, name)) == count, name
    assignee = report.breakdowns[0]
    for row in assignee.rows:
        url = drill(query, "first_response_breached", row.params)
        assert _total(client, url) == row.summary["first_response_breached"]


def test_the_list_links_each_case(report_world: ReportWorld, client_for) -> None:
    response = client_for(report_world.board).get(
        reverse("inbox:report-cases"), WEEK_PARAMS | {"figure": "first_response_breached"}
    )
    html = response.content.decode()
    for name in ("b", "f"):
        assert reverse("inbox:case-detail", args=[report_world.cases[name].id]) in html
    assert reverse("inbox:case-detail", args=[report_world.cases["a"].id]) not in html


def test_the_mention_list_links_each_mention(report_world: ReportWorld, client_for) -> None:
    response = client_for(report_world.manager).get(
        reverse("inbox:report-mentions"), WEEK_PARAMS | {"figure": "complaints"}
    )
    assert response.content.decode().count('href="/inbox/m/') == 5


def test_the_list_is_paged(report_world: ReportWorld, client_for, monkeypatch) -> None:
    from inbox.reports import views

    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    client = client_for(report_world.manager)
    first = client.get(reverse("inbox:report-cases"), WEEK_PARAMS | {"figure": "cases"}).content.decode()
    second = client.get(reverse("inbox:report-cases"), WEEK_PARAMS | {"figure": "cases", "page": "2"}).content.decode()
    assert first.count("data-case=") == 4
    assert second.count("data-case=") == 2
    assert "page=2" in first
    assert "page=1" in second


@pytest.mark.parametrize(
    ("name", "figure"),
    [("inbox:report-cases", "nonsense"), ("inbox:report-cases", "mentions"), ("inbox:report-mentions", "cases")],
)
def test_an_unknown_figure_is_not_found(report_world: ReportWorld, client_for, name: str, figure: str) -> None:
    assert client_for(report_world.manager).get(reverse(name), {"figure": figure}).status_code == 404


def test_staff_may_not_open_a_list(report_world: ReportWorld, client_for) -> None:
    response = client_for(report_world.staff).get(reverse("inbox:report-cases"), {"figure": "cases"})
    assert response.status_code == 403
